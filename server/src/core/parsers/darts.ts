// DARTS / NAS-Bench-301 genotypes as written in the Python files of DARTS-family repositories:
//   DARTS_V2 = Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), …], normal_concat=[2, 3, 4, 5],
//                       reduce=[…], reduce_concat=range(2, 6))
// Fields by keyword or by position (normal, normal_concat, reduce, reduce_concat); single or
// double quotes, tuples or lists, comments and trailing commas, one line or many.
//
// Model of one cell: nodes 0 and 1 are the inputs (outputs of cells k-2 and k-1), nodes 2…5 the
// intermediate nodes, each summing exactly two (op, input) pairs from earlier nodes (pair k feeds
// node 2 + ⌊k/2⌋). The cell output is node 6, which concatenates the nodes listed in *_concat.
// That concatenation is modelled as plain edges c → 6 with op 'skip_connect' and no source span
// (they are not written anywhere in the genotype), and node 6 has aggregation 'concat'.
import type { Architecture, Cell, Definition, Edge, Finding, Span } from '../types';
import { closestOp, DARTS_OPS, unknownOpMessage } from '../ops';
import {
  describeVal, guard, hasErrors, inLineComment, isInt, issueFindings, readLiteral, shiftDefinition, unwrapCall,
  type Arg, type CallVal, type Val,
} from './cellFormat';

export const DARTS_FIELDS = ['normal', 'normal_concat', 'reduce', 'reduce_concat'] as const;
type Field = (typeof DARTS_FIELDS)[number];
type Role = 'normal' | 'reduce';

const FIRST_NODE = 2;
const LAST_NODE = 5;
const OUTPUT = 6;
const PAIRS = 2 * (LAST_NODE - FIRST_NODE + 1);
const VOCAB: readonly string[] = DARTS_OPS;
const CANDIDATE = /Genotype\s*\(/g;
const EXAMPLE = `Genotype(normal=[('sep_conv_3x3', 0), …], normal_concat=[2, 3, 4, 5], reduce=[…], reduce_concat=[2, 3, 4, 5])`;

type CommentStyle = 'python' | 'yaml' | 'json' | undefined;

function commentStyle(languageId: string | undefined): CommentStyle {
  switch (languageId) {
    case 'python': return 'python';
    case 'yaml': return 'yaml';
    case 'json': case 'jsonc': return 'json';
    default: return undefined;
  }
}

/**
 * Find and parse every literal DARTS genotype in `text`. Calls built from variables
 * (`Genotype(normal=gene_normal, …)`, `Genotype(*args)`) are code, not definitions, and are skipped,
 * as are genotypes inside line comments when `languageId` says what a comment is.
 */
export function findDarts(text: string, languageId?: string): Definition[] {
  const out: Definition[] = [];
  const style = commentStyle(languageId);
  const readerComments = style === 'json' ? 'json' : 'python';
  let consumed = 0;
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
    let start = m.index;
    if (start > 0 && /[\p{L}\p{N}_]/u.test(text[start - 1])) continue; // MyGenotype(
    while (start > 0 && /[\p{L}\p{N}_.]/u.test(text[start - 1])) start--; // genotypes.Genotype(
    if (start < consumed) continue;
    if (/\b(?:class|def)\s+$/.test(text.slice(Math.max(0, start - 12), start))) continue;
    if (style && inLineComment(text, start, style)) continue;
    const found = guard('darts', { start, end: m.index + m[0].length }, () => {
      const d = parseAt(text, start, readerComments);
      return d ? [d] : [];
    });
    for (const d of found) {
      out.push(d);
      consumed = Math.max(consumed, d.span.end);
    }
  }
  return out;
}

/** Parse one genotype (`Genotype(...)`, leading blanks allowed) that starts at `offset` in its document. */
export function parseDartsGenotype(s: string, offset = 0): Definition {
  const first = Math.max(0, s.search(/\S/));
  const d = guard('darts', { start: first, end: s.length }, () => {
    const r = parseAt(s, first, 'python');
    return r ? [r] : [];
  })[0] ?? {
    format: 'darts' as const,
    span: { start: first, end: s.length },
    findings: [{ span: { start: first, end: s.length }, severity: 'error' as const, code: 'darts/syntax', message: `expected a genotype such as ${EXAMPLE}` }],
  };
  return shiftDefinition(d, offset);
}

function parseAt(text: string, start: number, comments: 'python' | 'json'): Definition | undefined {
  const r = readLiteral(text, start, { comments, stopNames: ['Genotype'], topCallKeywords: DARTS_FIELDS });
  const call = r.value;
  if (call.kind !== 'call' || call.callee.slice(call.callee.lastIndexOf('.') + 1) !== 'Genotype' || call.starArgs) return undefined;
  return new GenotypeReader(call, issueFindings(r.issues, 'darts/syntax')).read();
}

class GenotypeReader {
  private readonly findings: Finding[];
  private readonly truncated: boolean;

  constructor(private readonly call: CallVal, syntax: Finding[]) {
    this.findings = syntax;
    this.truncated = syntax.length > 0;
  }

  private err(span: Span, code: string, message: string): void {
    this.findings.push({ span: { ...span }, severity: 'error', code: `darts/${code}`, message });
  }

  read(): Definition | undefined {
    const fields = this.fields();
    // Only literal genotypes are definitions; `Genotype(normal=gene_normal, …)` is code.
    if (fields.normal?.kind !== 'seq' && fields.reduce?.kind !== 'seq') return undefined;
    if (!this.truncated) {
      for (const f of DARTS_FIELDS) {
        if (!fields[f]) this.err(this.call.calleeSpan, 'missing-field', `this Genotype has no '${f}' (a genotype needs normal, normal_concat, reduce and reduce_concat)`);
      }
    }
    const cells: { role: Role; cell: Cell }[] = [];
    for (const role of ['normal', 'reduce'] as const) {
      const pairs = fields[role] ? this.pairs(fields[role], role) : undefined;
      const concatField: Field = `${role}_concat`;
      const concat = fields[concatField] ? this.concat(fields[concatField], concatField) : undefined;
      if (pairs && concat) cells.push({ role, cell: makeCell(pairs, concat) });
    }
    const span = { ...this.call.span };
    if (hasErrors(this.findings) || cells.length !== 2) return { format: 'darts', span, findings: this.findings };
    const arch: Architecture = { space: 'darts', cells };
    return { format: 'darts', span, arch, canonical: dartsText(arch), findings: this.findings };
  }

  private fields(): Partial<Record<Field, Val>> {
    const out: Partial<Record<Field, Val>> = {};
    let positional = 0;
    const set = (f: Field, a: Arg, span: Span) => {
      if (out[f]) this.err(span, 'syntax', `'${f}' is given twice`);
      else out[f] = a.value;
    };
    for (const a of this.call.args) {
      if (a.name === undefined) {
        if (positional >= DARTS_FIELDS.length) {
          this.err(a.value.span, 'syntax', `Genotype takes 4 fields (normal, normal_concat, reduce, reduce_concat); this is a fifth`);
        } else set(DARTS_FIELDS[positional], a, a.value.span);
        positional++;
      } else if ((DARTS_FIELDS as readonly string[]).includes(a.name)) {
        set(a.name as Field, a, a.nameSpan ?? a.value.span);
      } else {
        const hint = closestOp(a.name, DARTS_FIELDS);
        this.err(a.nameSpan ?? a.value.span, 'unknown-field', `unknown Genotype field '${a.name}'`
          + (hint ? ` — did you mean '${hint}'?` : ` — expected normal, normal_concat, reduce or reduce_concat`));
      }
    }
    return out;
  }

  /** The (op, input) pairs of one cell, as edges; undefined when anything is wrong. */
  private pairs(v: Val, role: Role): Edge[] | undefined {
    if (v.kind !== 'seq') {
      this.err(v.span, 'syntax', `'${role}' must be a list of (op, input) pairs such as [('sep_conv_3x3', 0), …]; found ${describeVal(v)}`);
      return undefined;
    }
    let ok = true;
    if (v.items.length !== PAIRS && !(this.truncated && v.items.length < PAIRS)) {
      const extra = v.items.length > PAIRS;
      const span = extra ? { start: v.items[PAIRS].span.start, end: v.items[v.items.length - 1].span.end } : v.span;
      this.err(span, 'pair-count', `the ${role} cell needs ${PAIRS} (op, input) pairs, 2 for each of the intermediate nodes ${FIRST_NODE}…${LAST_NODE}; found ${v.items.length}`);
      ok = false;
    }
    const edges: Edge[] = [];
    v.items.forEach((item, k) => {
      const node = FIRST_NODE + Math.floor(k / 2);
      const pair = item.kind === 'seq' && item.items.length === 2 ? item.items : undefined;
      if (item.kind === 'seq' && !item.closed) { ok = false; return; } // already reported as unclosed
      if (!pair) {
        const found = item.kind === 'seq' ? `a ${item.items.length}-element ${item.items.length === 1 ? 'item' : 'tuple'}` : describeVal(item);
        this.err(item.span, 'syntax', `expected an (op, input) pair such as ('sep_conv_3x3', 0); found ${found}`);
        ok = false;
        return;
      }
      const [opV, inV] = pair;
      let op: string | undefined;
      if (opV.kind !== 'str') {
        this.err(opV.span, 'syntax', `expected the operation name as a string, such as 'sep_conv_3x3'; found ${describeVal(opV)}`);
      } else if (!VOCAB.includes(opV.value)) {
        this.err(opV.inner, 'unknown-op', unknownOpMessage(opV.value, VOCAB));
      } else op = opV.value;
      let input: number | undefined;
      if (!isInt(inV)) {
        this.err(inV.span, 'syntax', `expected the input node index (an integer); found ${describeVal(inV)}`);
      } else if (node <= LAST_NODE && (inV.value < 0 || inV.value >= node)) {
        this.err(inV.span, 'node-range', `input ${inV.value} out of range: node ${node} takes inputs 0…${node - 1}`);
      } else input = inV.value;
      if (op === undefined || input === undefined) { ok = false; return; }
      if (node <= LAST_NODE) edges.push({ from: input, to: node, op, span: { ...item.span } });
    });
    return ok && edges.length === PAIRS ? edges : undefined;
  }

  /** The node indices of a *_concat field: a list or range(a, b). */
  private concat(v: Val, field: Field): number[] | undefined {
    const u = unwrapCall(v, ['list', 'tuple']);
    const bad = () => this.err(v.span, 'syntax', `'${field}' must list intermediate nodes, such as [2, 3, 4, 5] or range(2, 6); found ${describeVal(v)}`);
    const outOfRange = (i: number, span: Span) =>
      this.err(span, 'concat-range', `concat index ${i} out of range: the cell's intermediate nodes are ${FIRST_NODE}…${LAST_NODE}`);
    let nodes: number[];
    if (u.kind === 'call' && u.callee === 'range') {
      const args = u.args.filter((a) => a.name === undefined).map((a) => a.value);
      if (args.length < 1 || args.length > 3 || !args.every(isInt) || u.args.length !== args.length) { bad(); return undefined; }
      const [a, b, step] = args.length === 1 ? [0, args[0].value, 1] : [args[0].value, args[1].value, args[2]?.value ?? 1];
      if (step === 0) { bad(); return undefined; }
      nodes = [];
      for (let i = a; step > 0 ? i < b : i > b; i += step) {
        if (i < FIRST_NODE || i > LAST_NODE) { outOfRange(i, u.span); return undefined; }
        nodes.push(i);
      }
    } else if (u.kind === 'seq') {
      nodes = [];
      let ok = true;
      for (const item of u.items) {
        if (!isInt(item)) {
          this.err(item.span, 'syntax', `expected a node index (an integer); found ${describeVal(item)}`);
          ok = false;
        } else if (item.value < FIRST_NODE || item.value > LAST_NODE) {
          outOfRange(item.value, item.span);
          ok = false;
        } else if (nodes.includes(item.value)) {
          this.err(item.span, 'concat-duplicate', `node ${item.value} is listed twice in '${field}'`);
          ok = false;
        } else nodes.push(item.value);
      }
      if (!ok) return undefined;
    } else {
      bad();
      return undefined;
    }
    if (nodes.length === 0) {
      this.err(v.span, 'concat-empty', `'${field}' selects no node; the cell output needs at least one of the nodes ${FIRST_NODE}…${LAST_NODE}`);
      return undefined;
    }
    return nodes;
  }
}

function makeCell(pairs: Edge[], concat: number[]): Cell {
  const edges = [...pairs, ...concat.map((c) => ({ from: c, to: OUTPUT, op: 'skip_connect' }))];
  return {
    nodeCount: OUTPUT + 1,
    inputs: [0, 1],
    output: OUTPUT,
    edges,
    aggregation: ['sum', 'sum', 'sum', 'sum', 'sum', 'sum', 'concat'],
    nodeOps: new Array<string | null>(OUTPUT + 1).fill(null),
  };
}

function cellParts(cell: Cell): { pairs: string; concat: string } {
  const inner = cell.edges.filter((e) => e.to !== cell.output).sort((a, b) => a.to - b.to);
  return {
    pairs: inner.map((e) => `('${e.op}', ${e.from})`).join(', '),
    concat: cell.edges.filter((e) => e.to === cell.output).map((e) => e.from).join(', '),
  };
}

/** Canonical one-line genotype of a DARTS architecture (normal and reduce cells). */
export function dartsText(arch: Architecture): string {
  const normal = arch.cells.find((c) => c.role === 'normal') ?? arch.cells[0];
  const reduce = arch.cells.find((c) => c.role === 'reduce') ?? normal;
  const n = cellParts(normal.cell);
  const r = cellParts(reduce.cell);
  return `Genotype(normal=[${n.pairs}], normal_concat=[${n.concat}], reduce=[${r.pairs}], reduce_concat=[${r.concat}])`;
}
