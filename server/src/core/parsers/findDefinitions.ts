// Every architecture definition in a document, whatever its format.
//
// Which finders run depends on the language:
//   python                 NB201 strings, DARTS genotypes, NB101 dicts and ModelSpec(...) calls
//   yaml                   NB201 strings, DARTS genotypes (in string values), NB101 mappings, cells
//   json, jsonc            NB201 strings, DARTS genotypes (in string values), NB101 objects, cells
//   entropy-cell           the document is one cell (*.cell.yaml / *.cell.json)
//   markdown               as plaintext over the whole text, plus YAML and JSON finders inside
//                          ```yaml / ```json fenced blocks
//   plaintext, and others  NB201 strings, DARTS genotypes, NB101 dicts and ModelSpec(...) calls
//
// Overlaps: definitions are returned sorted by start without overlapping. When two claim
// overlapping text, the outer one wins (the one that starts first; on equal starts, the longer),
// because the inner one is then part of its text — an NB201 string in a comment inside a cell
// mapping, say. An NB201 string that is simply a YAML or JSON value is not inside any other
// definition and stays an NB201 definition. At equal spans a definition that parsed cleanly wins
// over one with errors. Internal-error definitions are always kept.
//
// Never throws: an exception in a finder becomes a definition with an 'internal' finding.
import type { Definition, Span } from '../types';
import { findNb201 } from './nb201';
import { findDarts } from './darts';
import { findNb101 } from './nb101';
import { findCells, internalDefinition, shiftDefinition } from './cellFormat';

type Finder = { format: Definition['format']; run: (text: string) => Definition[] };

const nb201: Finder = { format: 'nb201', run: (t) => findNb201(t) };
const darts = (lang?: string): Finder => ({ format: 'darts', run: (t) => findDarts(t, lang) });
const nb101 = (lang?: string): Finder => ({ format: 'nb101', run: (t) => findNb101(t, lang) });
const cells = (lang: string): Finder => ({ format: 'cell', run: (t) => findCells(t, lang) });

function findersFor(languageId: string): Finder[] {
  switch (languageId) {
    case 'python': return [nb201, darts('python'), nb101('python')];
    case 'yaml': case 'yml': return [nb201, darts('yaml'), nb101('yaml'), cells('yaml')];
    case 'json': case 'jsonc': return [nb201, darts(languageId), nb101(languageId), cells(languageId)];
    case 'entropy-cell': return [cells('entropy-cell')];
    default: return [nb201, darts(), nb101()];
  }
}

const FORMAT_RANK: Record<Definition['format'], number> = { cell: 0, darts: 1, nb101: 2, nb201: 3 };

function run(finder: Finder, text: string, offset: number, out: Definition[]): void {
  try {
    for (const d of finder.run(text)) out.push(shiftDefinition(d, offset));
  } catch (e) {
    out.push(internalDefinition(finder.format, { start: offset, end: offset }, e));
  }
}

/** Find every definition in `text` (a document in language `languageId`), sorted and non-overlapping. */
export function findDefinitions(text: string, languageId: string): Definition[] {
  const all: Definition[] = [];
  try {
    for (const f of findersFor(languageId)) run(f, text, 0, all);
    if (languageId === 'markdown') {
      for (const block of fencedBlocks(text)) {
        const lang = block.lang === 'yml' ? 'yaml' : block.lang;
        if (lang === 'yaml') {
          run(nb101('yaml'), block.text, block.start, all);
          run(cells('yaml'), block.text, block.start, all);
        } else if (lang === 'json' || lang === 'jsonc') {
          run(cells(lang), block.text, block.start, all);
        }
      }
    }
    return resolveOverlaps(all);
  } catch (e) {
    return [...all, internalDefinition('nb201', { start: 0, end: 0 }, e)];
  }
}

function isInternal(d: Definition): boolean {
  return d.findings.some((f) => f.code === 'internal');
}

function resolveOverlaps(defs: Definition[]): Definition[] {
  const sorted = [...defs].sort((a, b) => a.span.start - b.span.start
    || b.span.end - a.span.end
    || Number(!!b.arch) - Number(!!a.arch)
    || FORMAT_RANK[a.format] - FORMAT_RANK[b.format]);
  const out: Definition[] = [];
  let lastEnd = -1;
  let last: Span | undefined;
  for (const d of sorted) {
    if (isInternal(d)) { out.push(d); continue; }
    if (last && d.span.start < lastEnd) continue;
    if (last && d.span.start === last.start && d.span.end === last.end) continue;
    out.push(d);
    last = d.span;
    lastEnd = Math.max(lastEnd, d.span.end);
  }
  return out;
}

interface Block { lang: string; start: number; text: string }

/** Fenced code blocks of a Markdown document (``` or ~~~, with an info string). */
export function fencedBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const open = /^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`{]*)[^\n]*$/gm;
  for (let m = open.exec(text); m; m = open.exec(text)) {
    const fence = m[2];
    const bodyStart = Math.min(text.length, m.index + m[0].length + 1);
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`, 'gm');
    close.lastIndex = bodyStart;
    const c = close.exec(text);
    const bodyEnd = c ? c.index : text.length;
    blocks.push({ lang: m[3].toLowerCase(), start: bodyStart, text: text.slice(bodyStart, bodyEnd) });
    open.lastIndex = c ? c.index + c[0].length : text.length;
  }
  return blocks;
}
