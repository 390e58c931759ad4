// NAS-Bench-101 cell specs: an upper-triangular 0/1 adjacency matrix plus one op per node,
//   {"matrix": [[0, 1, 1], [0, 0, 1], [0, 0, 0]], "ops": ["input", "conv3x3-bn-relu", "output"]}
// as a JSON object or Python dict (keys in any order, either quote), as a Python call
// `ModelSpec(matrix=[[...]], ops=[...])` / `api.ModelSpec([[...]], [...])` (the matrix may be wrapped
// in `np.array(...)`, ops may use nasbench's INPUT / CONV3X3 / … constants), or as a YAML mapping
// with sibling `matrix:` and `ops:` keys (flow or block sequences).
//
// Model: node i is row i; edge i → j (op 'skip_connect', i.e. the tensor flows unchanged; span =
// the '1' in the matrix) for every 1 above the diagonal; node ops from `ops` (null for the input
// and output). Interior nodes sum their inputs ('sum'); the output node concatenates its interior
// inputs ('concat'). NAS-Bench-101 has two further rules that the model leaves implicit, for
// consumers that check `space === 'nb101'`: a direct input → output edge is *added* to that
// concatenation rather than concatenated, and edges leaving the input node carry a 1×1
// projection to match channel counts.
import type { Architecture, Cell, Definition, Edge, Finding, Span } from '../types';
import { NB101_OPS, unknownOpMessage } from '../ops';
import {
  describeVal, enclosingBrace, entryOf, findMaps, guard, hasErrors, inLineComment, issueFindings, issuesNear, readLiteral,
  LongLineSkipper, scanYamlKeys, shiftDefinition, unwrapCall, yamlValuesAt, type MapVal, type SyntaxIssue, type Val,
} from './cellFormat';

export const NB101_MAX_NODES = 7;
export const NB101_MAX_EDGES = 9;
const VOCAB: readonly string[] = NB101_OPS;
/** The op constants of google-research/nasbench examples. */
const CONSTANTS: Record<string, string> = {
  INPUT: 'input', OUTPUT: 'output', CONV1X1: 'conv1x1-bn-relu', CONV3X3: 'conv3x3-bn-relu', MAXPOOL3X3: 'maxpool3x3',
};
const ARRAY_CALLS = ['array', 'asarray', 'list', 'tensor', 'Tensor'];
const DICT_KEY = /(["'])matrix\1\s*:\s*/g;
const MODEL_SPEC = /ModelSpec\s*\(/g;
const YAML_KEY = /(["']?)\bmatrix\1[ \t]*:/g;

/**
 * Find NAS-Bench-101 specs. `yaml` reads YAML mappings; `json`/`jsonc` read JSON objects (with
 * `//` comments); anything else (python, plaintext, markdown, undefined) reads Python dicts and
 * `ModelSpec(...)` calls, which also covers JSON objects.
 */
export function findNb101(text: string, languageId?: string): Definition[] {
  if (languageId === 'yaml') return findYaml(text);
  const json = languageId === 'json' || languageId === 'jsonc';
  const comments = json ? 'json' : 'python';
  const style = json ? 'json' : languageId === 'python' ? 'python' : undefined;
  type Cand = { pos: number; kind: 'dict' | 'call'; end: number };
  const cands: Cand[] = [];
  DICT_KEY.lastIndex = 0;
  for (let m = DICT_KEY.exec(text); m; m = DICT_KEY.exec(text)) {
    // Only a list or a call (np.array(...)) can be a matrix: skip "matrix": "…", numbers, objects.
    if (!/[\[A-Za-z_]/.test(text[m.index + m[0].length] ?? '')) continue;
    cands.push({ pos: m.index, kind: 'dict', end: m.index + m[0].length });
  }
  if (!json) {
    MODEL_SPEC.lastIndex = 0;
    for (let m = MODEL_SPEC.exec(text); m; m = MODEL_SPEC.exec(text)) {
      let start = m.index;
      if (start > 0 && /[\p{L}\p{N}_]/u.test(text[start - 1])) continue;
      while (start > 0 && /[\p{L}\p{N}_.]/u.test(text[start - 1])) start--;
      if (/\b(?:class|def)\s+$/.test(text.slice(Math.max(0, start - 12), start))) continue;
      cands.push({ pos: start, kind: 'call', end: m.index + m[0].length });
    }
    cands.sort((a, b) => a.pos - b.pos);
  }
  const out: Definition[] = [];
  let consumed = 0;
  for (const c of cands) {
    if (c.pos < consumed || (style && inLineComment(text, c.pos, style))) continue;
    const found = guard('nb101', { start: c.pos, end: c.end }, () => {
      const d = c.kind === 'dict' ? dictAt(text, c.pos, comments) : callAt(text, c.pos, comments);
      return d ? [d] : [];
    });
    for (const d of found) {
      if (d.span.start < consumed) continue;
      out.push(d);
      consumed = Math.max(consumed, d.span.end);
    }
  }
  return out;
}

/** Parse a dict/JSON object or `ModelSpec(...)` call (leading blanks allowed) starting at `offset` in its document. */
export function parseNb101(s: string, offset = 0): Definition {
  const first = Math.max(0, s.search(/\S/));
  const all = { start: first, end: s.length };
  const d = guard('nb101', all, () => {
    const r = s[first] === '{' ? dictAt(s, first, 'python', true) : callAt(s, first, 'python');
    return r ? [r] : [];
  })[0] ?? {
    format: 'nb101' as const, span: all,
    findings: [{ span: all, severity: 'error' as const, code: 'nb101/syntax', message: `expected a spec such as {"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}` }],
  };
  return shiftDefinition(d, offset);
}

function dictAt(text: string, keyPos: number, comments: 'python' | 'json', atBrace = false): Definition | undefined {
  const brace = atBrace ? keyPos : enclosingBrace(text, keyPos);
  if (brace < 0) return undefined;
  const r = readLiteral(text, brace, { comments });
  const dict = r.value;
  if (dict.kind !== 'map') return undefined;
  const matrix = dict.entries.find((e) => e.key === 'matrix' && (atBrace || e.keySpan.start === keyPos));
  const ops = entryOf(dict, 'ops');
  if (!matrix || !ops) return undefined;
  // Syntax problems elsewhere in a larger dict are not ours; unclosed-brace ones start at '{'.
  const relevant = (i: SyntaxIssue) => i.span.start === dict.span.start
    || [matrix, ops].some((e) => i.span.start >= e.keySpan.start && i.span.start <= e.value.span.end);
  return specDefinition(matrix.value, ops.value, dict.span, r.issues.filter(relevant));
}

function callAt(text: string, start: number, comments: 'python' | 'json'): Definition | undefined {
  const r = readLiteral(text, start, { comments, stopNames: ['ModelSpec'], topCallKeywords: ['matrix', 'ops', 'data_format'] });
  const call = r.value;
  if (call.kind !== 'call' || call.starArgs || !call.callee.endsWith('ModelSpec')) return undefined;
  const positional = call.args.filter((a) => a.name === undefined).map((a) => a.value);
  const matrix = call.args.find((a) => a.name === 'matrix')?.value ?? positional[0];
  const ops = call.args.find((a) => a.name === 'ops')?.value ?? positional[1];
  if (!matrix) return undefined;
  const issues = issueFindings(r.issues, 'nb101/syntax');
  if (!ops && issues.length === 0 && unwrapCall(matrix, ARRAY_CALLS).kind === 'seq') {
    issues.push({ span: { ...call.calleeSpan }, severity: 'error', code: 'nb101/ops', message: `this ModelSpec has no ops: add ops=['input', …, 'output']` });
  }
  return specDefinition(matrix, ops, call.span, [], issues);
}

function findYaml(text: string): Definition[] {
  return scanYamlKeys(text, YAML_KEY, 'nb101', (pos) => {
    const parsed = yamlValuesAt(text, pos, ['matrix', 'ops']);
    const maps = findMaps(parsed.value, (mp) => entryOf(mp, 'matrix')?.keySpan.start === pos);
    const map: MapVal | undefined = maps[0];
    if (!map) {
      // Unreadable YAML around `matrix:` with `ops:` nearby: report the YAML errors.
      if (parsed.issues.length === 0 || !/\bops["']?[ \t]*:/.test(text.slice(parsed.region.start, parsed.region.end))) return [];
      return [{ format: 'nb101', span: parsed.region, findings: issueFindings(parsed.issues, 'nb101/syntax') }];
    }
    const ops = entryOf(map, 'ops');
    if (!ops) return [];
    const inside = issuesNear(text, parsed.issues, map.span);
    const d = specDefinition(entryOf(map, 'matrix')!.value, ops.value, map.span, inside);
    return d ? [d] : [];
  });
}

function specDefinition(matrix: Val, ops: Val | undefined, span: Span, issues: SyntaxIssue[], pre: Finding[] = []): Definition | undefined {
  // A matrix or op list held in a variable is code, not a definition we can read.
  const m = unwrapCall(matrix, ARRAY_CALLS);
  if (m.kind !== 'seq') return undefined;
  if (ops && ops.kind === 'seq' && ops.items.some((o) => o.kind === 'name' && !(o.name in CONSTANTS))) return undefined;
  if (ops && ops.kind === 'name') return undefined;
  return parseNb101Spec(m, ops, span, [...pre, ...issueFindings(issues, 'nb101/syntax')]);
}

/**
 * Validate one matrix/ops candidate (values with source spans, from any of the readers) and build
 * the definition spanning `span`. `pre` holds findings already known (syntax errors).
 */
export function parseNb101Spec(matrix: Val, ops: Val | undefined, span: Span, pre: Finding[] = []): Definition {
  const findings = [...pre];
  const truncated = pre.length > 0;
  const err = (s: Span, code: string, message: string) =>
    findings.push({ span: { ...s }, severity: 'error', code: `nb101/${code}`, message });

  const m = unwrapCall(matrix, ARRAY_CALLS);
  const edges: Edge[] = [];
  let n = 0;
  if (m.kind !== 'seq') {
    err(m.span, 'matrix-shape', `the matrix must be a list of rows, such as [[0, 1], [0, 0]]; found ${describeVal(m)}`);
  } else {
    n = m.items.length;
    if (n > NB101_MAX_NODES) {
      err(m.span, 'too-many-nodes', `NAS-Bench-101 cells have at most ${NB101_MAX_NODES} nodes; this matrix has ${n} rows`);
    } else if (n < 2 && !truncated) {
      err(m.span, 'matrix-shape', `a cell needs at least 2 nodes (input and output); this matrix has ${n} row${n === 1 ? '' : 's'}`);
    }
    m.items.forEach((rowV, i) => {
      const row = unwrapCall(rowV, ARRAY_CALLS);
      if (row.kind !== 'seq') {
        err(row.span, 'matrix-shape', `row ${i} must be a list of 0/1 entries; found ${describeVal(row)}`);
        return;
      }
      if (row.items.length !== n && !(truncated && !row.closed)) {
        err(row.span, 'matrix-shape', `row ${i} has ${row.items.length} entr${row.items.length === 1 ? 'y' : 'ies'}; the matrix has ${n} rows, so every row needs ${n}`);
      }
      row.items.forEach((v, j) => {
        const value = v.kind === 'num' ? v.value : v.kind === 'bool' ? Number(v.value) : NaN;
        if (value !== 0 && value !== 1) {
          err(v.span, 'matrix-entry', `matrix entries must be 0 or 1; found ${describeVal(v)}`);
          return;
        }
        if (value === 0) return;
        if (j === i) {
          err(v.span, 'not-upper-triangular', `matrix[${i}][${j}] = 1 is a self-loop on node ${i}; the diagonal must be 0`);
        } else if (j < i) {
          err(v.span, 'not-upper-triangular', `matrix[${i}][${j}] = 1 is an edge from node ${i} back to node ${j}; the matrix must be upper-triangular (edges go from a node to a later one)`);
        } else if (j < n) {
          edges.push({ from: i, to: j, op: 'skip_connect', span: { ...v.span } });
        }
      });
    });
    if (edges.length > NB101_MAX_EDGES) {
      err(m.span, 'too-many-edges', `NAS-Bench-101 allows at most ${NB101_MAX_EDGES} edges; this matrix has ${edges.length}`);
    }
  }

  const nodeOps: (string | null)[] = [];
  if (!ops) {
    if (!truncated && !findings.some((f) => f.code === 'nb101/ops')) err(span, 'ops', `the spec has no ops list`);
  } else if (ops.kind !== 'seq') {
    err(ops.span, 'ops', `ops must be a list such as ['input', 'conv3x3-bn-relu', 'output']; found ${describeVal(ops)}`);
  } else {
    const k = ops.items.length;
    if (n > 0 && k !== n && !(truncated && !ops.closed)) {
      err(ops.span, 'ops-length', `ops lists ${k} operation${k === 1 ? '' : 's'} but the matrix has ${n} nodes`);
    }
    ops.items.forEach((o, i) => {
      const name = o.kind === 'str' ? o.value : o.kind === 'name' ? CONSTANTS[o.name] : undefined;
      const at = o.kind === 'str' ? o.inner : o.span;
      if (name === undefined) {
        err(o.span, 'unknown-op', `expected an op name such as 'conv3x3-bn-relu'; found ${describeVal(o)}`);
        return;
      }
      const last = i === k - 1 && k > 1;
      if (i === 0) {
        if (name !== 'input') err(at, 'first-op', `the first op must be 'input' (the cell input); found '${name}'`);
      } else if (last) {
        if (name !== 'output') err(at, 'last-op', `the last op must be 'output' (the cell output); found '${name}'`);
      } else if (name === 'input' || name === 'output') {
        err(at, 'unknown-op', `'${name}' can only be the ${name === 'input' ? 'first' : 'last'} op; interior nodes take ${VOCAB.join(', ')}`);
      } else if (!VOCAB.includes(name)) {
        err(at, 'unknown-op', unknownOpMessage(name, VOCAB));
      }
      nodeOps.push(i === 0 || last ? null : name);
    });
  }

  if (hasErrors(findings) || n < 2 || nodeOps.length !== n) return { format: 'nb101', span: { ...span }, findings };
  const cell: Cell = {
    nodeCount: n,
    inputs: [0],
    output: n - 1,
    edges,
    aggregation: Array.from({ length: n }, (_, i) => (i === n - 1 ? 'concat' : 'sum')),
    nodeOps,
  };
  const arch: Architecture = { space: 'nb101', cells: [{ role: 'cell', cell }] };
  return { format: 'nb101', span: { ...span }, arch, canonical: nb101Text(arch), findings };
}

/** Canonical one-line JSON spec of a NAS-Bench-101 architecture. */
export function nb101Text(arch: Architecture): string {
  const cell = arch.cells[0].cell;
  const n = cell.nodeCount;
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n).fill(0);
    for (const e of cell.edges) if (e.from === i && e.to < n) row[e.to] = 1;
    rows.push(`[${row.join(',')}]`);
  }
  const ops = cell.nodeOps.map((o, i) => (i === cell.output ? 'output' : cell.inputs.includes(i) ? 'input' : o ?? 'none'));
  return `{"matrix": [${rows.join(',')}], "ops": [${ops.map((o) => JSON.stringify(o)).join(', ')}]}`;
}
