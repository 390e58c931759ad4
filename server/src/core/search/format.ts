// An architecture as text in a document format, through the parsers' canonical printers.
import type { ArchFormat, Architecture } from '../types';
import { nb201Text } from '../parsers/nb201';
import { dartsText } from '../parsers/darts';
import { nb101Text } from '../parsers/nb101';
import { cellText } from '../parsers/cellFormat';

/** The format an architecture of a space is normally written in. */
export function defaultFormat(arch: Architecture): ArchFormat {
  switch (arch.space) {
    case 'nb201': return 'nb201';
    case 'darts': return 'darts';
    case 'nb101': return 'nb101';
    default: return 'cell';
  }
}

/**
 * Canonical text of `arch` in `format` (parsed back by that format's parser). Throws an Error
 * naming the mismatch when the format cannot hold the architecture (e.g. a DARTS pair of cells
 * as an NB201 string, or two cells in the one-cell generic format).
 */
export function formatArchitecture(arch: Architecture, format: ArchFormat): string {
  const cells = arch.cells;
  if (cells.length === 0) throw new Error('formatArchitecture: the architecture has no cell');
  const one = cells[0].cell;
  switch (format) {
    case 'nb201':
      if (cells.length !== 1 || one.nodeCount !== 4 || one.inputs.length !== 1 || one.inputs[0] !== 0 || one.output !== 3) {
        throw new Error('formatArchitecture: an NB201 string holds one 4-node cell (input 0, output 3)');
      }
      return nb201Text(one);
    case 'darts':
      if (cells.some((c) => c.cell.nodeCount !== 7 || c.cell.output !== 6)) {
        throw new Error('formatArchitecture: a DARTS genotype holds 7-node cells (inputs 0, 1; output 6)');
      }
      return dartsText(arch);
    case 'nb101':
      if (cells.length !== 1 || one.inputs.length !== 1 || one.inputs[0] !== 0 || one.output !== one.nodeCount - 1) {
        throw new Error('formatArchitecture: a NAS-Bench-101 spec holds one cell with input 0 and the output last');
      }
      return nb101Text(arch);
    case 'cell':
      if (cells.length !== 1) throw new Error(`formatArchitecture: the generic cell format holds one cell; this architecture has ${cells.length}`);
      return cellText(arch);
  }
}
