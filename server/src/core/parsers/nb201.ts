// NAS-Bench-201 arch strings: |op~0|+|op~0|op~1|+|op~0|op~1|op~2|
// Group j (1-based) lists the edges into node j; `op~i` is the edge i -> j.
import type { Cell, Definition, Edge, Finding } from '../types';
import { NB201_OPS, unknownOpMessage } from '../ops';

const NODES = 4;
// A candidate: a maximal run of arch-string characters that starts with '|' and holds a '~'.
// The regex only matches the run (no backtracking to look for '~'), so long runs of '|' and '-'
// (Markdown table rules) cost linear time; the '~' test is done on the match.
const CANDIDATE = /\|[A-Za-z0-9_~|+\-]*/g;
const VOCAB: readonly string[] = NB201_OPS;

/** Find and parse every NAS-Bench-201 arch string in `text`. */
export function findNb201(text: string): Definition[] {
  const out: Definition[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
    // Stray '|' characters (tables, shell pipes) are not definitions: require op~digit.
    if (!m[0].includes('~') || !/[a-z_0-9]~\d/.test(m[0])) continue;
    out.push(parseNb201(m[0], m.index));
  }
  return out;
}

/** Parse one arch string that starts at `offset` in its document. */
export function parseNb201(s: string, offset = 0): Definition {
  const findings: Finding[] = [];
  const span = { start: offset, end: offset + s.length };
  const err = (start: number, end: number, message: string, code = 'nb201/syntax') =>
    findings.push({ span: { start: offset + start, end: offset + end }, severity: 'error', code, message });

  const edges: Edge[] = [];
  const ops: string[] = [];
  let pos = 0;
  let groups = 0;
  for (const groupText of s.split('+')) {
    const gStart = pos;
    pos += groupText.length + 1;
    groups++;
    const node = groups;
    if (node >= NODES) {
      err(gStart - 1, s.length, `NAS-Bench-201 strings have 3 node groups; found more (extra text after node 3)`);
      break;
    }
    if (!groupText.startsWith('|') || !groupText.endsWith('|') || groupText.length < 2) {
      // An empty group (a trailing or doubled '+') is reported on its '+' rather than as an empty span.
      const [a, b] = groupText.length > 0 ? [gStart, gStart + groupText.length] : [Math.max(0, gStart - 1), Math.min(s.length, gStart)];
      err(a, b, `node ${node}: expected a group '|op~0|...|' delimited by '|'`);
      continue;
    }
    const tokens = groupText.slice(1, -1).split('|');
    let tPos = gStart + 1;
    if (tokens.length !== node) {
      err(gStart, gStart + groupText.length, `node ${node} must list exactly ${node} incoming edge${node > 1 ? 's' : ''} (op~0${node > 1 ? ` … op~${node - 1}` : ''}); found ${tokens.length}`);
    }
    tokens.forEach((tok, idx) => {
      const tStart = tPos;
      tPos += tok.length + 1;
      const tilde = tok.indexOf('~');
      if (tilde < 0) {
        // An empty token ('||') is reported on the surrounding bars rather than as an empty span.
        const [a, b] = tok.length > 0 ? [tStart, tStart + tok.length] : [tStart - 1, tStart + 1];
        err(a, b, `expected 'op~input' (for example 'nor_conv_3x3~${idx}'), found '${tok}'`);
        return;
      }
      const name = tok.slice(0, tilde);
      const srcText = tok.slice(tilde + 1);
      if (name.length === 0) {
        err(tStart, tStart + tok.length, `missing operation name before '~' (for example 'nor_conv_3x3~${srcText || idx}')`, 'nb201/unknown-op');
      } else if (!(VOCAB as string[]).includes(name)) {
        err(tStart, tStart + name.length, unknownOpMessage(name, VOCAB), 'nb201/unknown-op');
      }
      const src = /^\d+$/.test(srcText) ? Number(srcText) : NaN;
      if (Number.isNaN(src)) {
        err(srcText.length > 0 ? tStart + tilde + 1 : tStart, tStart + tok.length, `expected an input node index after '~', found '${srcText}'`);
      } else if (src >= node) {
        err(tStart + tilde + 1, tStart + tok.length, `node index ${src} out of range: node ${node} takes inputs 0…${node - 1}`, 'nb201/node-range');
      } else if (edges.some((e) => e.to === node && e.from === src)) {
        err(tStart, tStart + tok.length, `duplicate edge ${src} → ${node}`, 'nb201/duplicate-edge');
      }
      if ((VOCAB as string[]).includes(name) && src < node) {
        edges.push({ from: src, to: node, op: name, span: { start: offset + tStart, end: offset + tStart + tok.length } });
        ops.push(name);
      }
    });
  }
  if (groups < NODES - 1 && findings.length === 0) {
    err(0, s.length, `NAS-Bench-201 strings have 3 node groups separated by '+'; found ${groups}`);
  }
  if (findings.length > 0 || edges.length !== 6) {
    return { format: 'nb201', span, findings };
  }
  const cell: Cell = {
    nodeCount: NODES, inputs: [0], output: NODES - 1, edges,
    aggregation: ['sum', 'sum', 'sum', 'sum'], nodeOps: [null, null, null, null],
  };
  return { format: 'nb201', span, arch: { space: 'nb201', cells: [{ role: 'cell', cell }] }, canonical: nb201Text(cell), findings };
}

/** Canonical NAS-Bench-201 string of a 4-node cell. */
export function nb201Text(cell: Cell): string {
  const groups: string[] = [];
  for (let j = 1; j < NODES; j++) {
    const parts: string[] = [];
    for (let i = 0; i < j; i++) {
      const e = cell.edges.find((x) => x.from === i && x.to === j);
      parts.push(`${e ? e.op : 'none'}~${i}`);
    }
    groups.push(`|${parts.join('|')}|`);
  }
  return groups.join('+');
}

/** Fast path for bulk scoring: op index (into NB201_OPS) per edge (0->1, 0->2, 1->2, 0->3, 1->3, 2->3), or null. */
export function nb201OpCodes(s: string): Int8Array | null {
  const m = /^\|(\w+)~0\|\+\|(\w+)~0\|(\w+)~1\|\+\|(\w+)~0\|(\w+)~1\|(\w+)~2\|$/.exec(s);
  if (!m) return null;
  const codes = new Int8Array(6);
  for (let k = 0; k < 6; k++) {
    const idx = (VOCAB as string[]).indexOf(m[k + 1]);
    if (idx < 0) return null;
    codes[k] = idx;
  }
  return codes;
}
