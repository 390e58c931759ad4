// The generic cell format (see docs/cell-format.md) and the structured-value reading shared by
// the DARTS, NAS-Bench-101 and cell parsers:
//  - `Val`: a JSON-like value tree in which every node keeps its UTF-16 source span;
//  - `readLiteral`: an error-tolerant reader for Python / JSON literals (lists, tuples, dicts,
//    strings, numbers, calls such as `range(2, 6)`), started at a candidate offset;
//  - `yamlValuesAt` / `yamlDocumentVal`: YAML (via the `yaml` library) converted to `Val`, parsing
//    only the few lines around a candidate key because the library is far too slow (and partly
//    quadratic in the number of keys) to run over a multi-megabyte document.
// Pure: no vscode, no I/O.
import { isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';
import type { Aggregation, Architecture, Cell, Definition, Edge, Finding, SpaceId, Span } from '../types';
import { closestOp, opInfo, unknownOpMessage } from '../ops';

// ────────────────────────────────────────────────────────────────────────────────────────────
// Value tree
// ────────────────────────────────────────────────────────────────────────────────────────────

export interface Entry { key: string; keySpan: Span; value: Val }
export interface Arg { name?: string; nameSpan?: Span; value: Val }

export type Val =
  | { kind: 'map'; span: Span; entries: Entry[]; closed: boolean }
  | { kind: 'seq'; span: Span; items: Val[]; closed: boolean }
  /** `inner` is the span of the characters between the quotes (equal to `span` when unquoted). */
  | { kind: 'str'; span: Span; inner: Span; value: string }
  | { kind: 'num'; span: Span; value: number }
  | { kind: 'bool'; span: Span; value: boolean }
  | { kind: 'null'; span: Span }
  /** A Python identifier that is not a literal (a variable or constant). */
  | { kind: 'name'; span: Span; name: string }
  | { kind: 'call'; span: Span; callee: string; calleeSpan: Span; args: Arg[]; closed: boolean; starArgs: boolean }
  /** Something that is not a value we understand (YAML alias, a stray token, …). */
  | { kind: 'other'; span: Span };

export type MapVal = Extract<Val, { kind: 'map' }>;
export type SeqVal = Extract<Val, { kind: 'seq' }>;
export type CallVal = Extract<Val, { kind: 'call' }>;

/** A syntax problem found while reading; callers turn it into a Finding with their code prefix. */
export interface SyntaxIssue { span: Span; message: string }

export function entryOf(map: MapVal, key: string): Entry | undefined {
  return map.entries.find((e) => e.key === key);
}

export function isInt(v: Val | undefined): v is Extract<Val, { kind: 'num' }> {
  return v !== undefined && v.kind === 'num' && Number.isInteger(v.value);
}

/** `np.array([[...]])`, `numpy.asarray(...)`, `list(...)`: the literal inside a known wrapper call. */
export function unwrapCall(v: Val, callees: readonly string[]): Val {
  let cur = v;
  for (let guard = 0; guard < 4 && cur.kind === 'call'; guard++) {
    const last = cur.callee.slice(cur.callee.lastIndexOf('.') + 1);
    const first = cur.args.find((a) => a.name === undefined);
    if (!callees.includes(last) || !first) break;
    cur = first.value;
  }
  return cur;
}

export function describeVal(v: Val): string {
  switch (v.kind) {
    case 'map': return 'a mapping';
    case 'seq': return 'a list';
    case 'str': return `'${v.value}'`;
    case 'num': return String(v.value);
    case 'bool': return String(v.value);
    case 'null': return 'nothing';
    case 'name': return `'${v.name}'`;
    case 'call': return `a call to ${v.callee}(…)`;
    default: return 'an unsupported value';
  }
}

// ────────────────────────────────────────────────────────────────────────────────────────────
// Python / JSON literal reader
// ────────────────────────────────────────────────────────────────────────────────────────────

type TokType = 'punct' | 'str' | 'num' | 'name' | 'other' | 'eof';

interface Tok {
  type: TokType;
  start: number;
  end: number;
  /** Raw text, except for strings: the decoded value. */
  text: string;
  inner?: Span;
  num?: number;
  /** First token on its line, and its column (UTF-16 units from the line start). */
  lineStart: boolean;
  col: number;
  unterminated?: boolean;
}

/** Lines longer than this (minified one-line files) are not scanned from their start. */
export const LINE_LOOKBACK = 4096;

// Newline offsets of the last document looked at: every candidate needs its line start, and
// scanning back for it would be quadratic on long lines. One entry suffices (finders run one
// document at a time); comparing a new text with the cached one is cheap next to parsing it.
let newlineCache: { text: string; offsets: number[] } | undefined;

function newlineOffsets(text: string): number[] {
  if (newlineCache && newlineCache.text === text) return newlineCache.offsets;
  const offsets: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) offsets.push(i);
  newlineCache = { text, offsets };
  return offsets;
}

/** Start of the line holding `pos`. */
export function lineStartOf(text: string, pos: number): number {
  const nl = newlineOffsets(text);
  let lo = 0;
  let hi = nl.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nl[mid] < pos) lo = mid + 1; else hi = mid;
  }
  return lo === 0 ? 0 : nl[lo - 1] + 1;
}

/** Start of the line holding `pos`, or -1 when it is more than `limit` characters back. */
export function lineStartWithin(text: string, pos: number, limit = LINE_LOOKBACK): number {
  const ls = lineStartOf(text, pos);
  return pos - ls > limit ? -1 : ls;
}

const NAME_RE = /[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*/uy;
const NUM_RE = /(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/y;
const WORD_TAIL_RE = /[\p{L}\p{N}_.]*/uy;
const STRING_PREFIX_RE = /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/;

class Lexer {
  private pos: number;
  private sawNewline = false;
  private lastNewline: number;

  constructor(private readonly text: string, start: number, private readonly comments: 'python' | 'json') {
    this.pos = start;
    const ls = lineStartWithin(text, start);
    this.lastNewline = ls < 0 ? start - LINE_LOOKBACK - 1 : ls - 1;
    // The first token counts as line-start when only blanks precede it on its line.
    this.sawNewline = ls >= 0 && /^[ \t]*$/.test(text.slice(ls, start));
  }

  next(): Tok {
    const t = this.text;
    // Skip blanks, newlines, comments and Python line continuations.
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) { this.sawNewline = true; this.lastNewline = this.pos; this.pos++; continue; }
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 0xfeff) { this.pos++; continue; }
      if (c === 92 /* \ */ && (t.charCodeAt(this.pos + 1) === 10 || t.charCodeAt(this.pos + 1) === 13)) { this.pos++; continue; }
      if (c === 35 /* # */ && this.comments === 'python') { this.skipToEol(); continue; }
      if (c === 47 /* / */ && this.comments === 'json') {
        const d = t.charCodeAt(this.pos + 1);
        if (d === 47) { this.skipToEol(); continue; }
        if (d === 42) {
          const close = t.indexOf('*/', this.pos + 2);
          const end = close < 0 ? t.length : close + 2;
          const nl = t.slice(this.pos, end).lastIndexOf('\n');
          if (nl >= 0) { this.sawNewline = true; this.lastNewline = this.pos + nl; }
          this.pos = end;
          continue;
        }
      }
      break;
    }
    const start = this.pos;
    const lineStart = this.sawNewline;
    this.sawNewline = false;
    const col = start - this.lastNewline - 1;
    const mk = (type: TokType, end: number, text: string): Tok => {
      this.pos = end;
      return { type, start, end, text, lineStart, col };
    };
    if (start >= t.length) return { type: 'eof', start: t.length, end: t.length, text: '', lineStart: true, col };
    const ch = t[start];
    if (ch === '"' || ch === "'") return this.string(start, start, lineStart, col);
    const nameEnd = this.nameEnd(start);
    if (nameEnd > start) {
      const name = t.slice(start, nameEnd);
      const q = t[nameEnd];
      if ((q === '"' || q === "'") && STRING_PREFIX_RE.test(name)) return this.string(start, nameEnd, lineStart, col);
      return mk('name', nameEnd, name);
    }
    NUM_RE.lastIndex = start;
    const num = NUM_RE.exec(t);
    if (num) {
      let end = start + num[0].length;
      WORD_TAIL_RE.lastIndex = end;
      const tail = WORD_TAIL_RE.exec(t);
      if (tail && tail[0].length > 0) {
        // 0x1f, 3j, 1.2.3: not a plain decimal number.
        end += tail[0].length;
        return mk('other', end, t.slice(start, end));
      }
      const tok = mk('num', end, num[0]);
      tok.num = Number(num[0].replace(/_/g, ''));
      return tok;
    }
    if (ch === '=' && t[start + 1] === '=') return mk('other', start + 2, '==');
    if (ch === '*' && t[start + 1] === '*') return mk('punct', start + 2, '**');
    if ('[](){},:=*-+@'.includes(ch)) return mk('punct', start + 1, ch);
    // Anything else is one character (a whole surrogate pair for astral characters).
    const code = t.charCodeAt(start);
    const len = code >= 0xd800 && code <= 0xdbff && start + 1 < t.length ? 2 : 1;
    return mk('other', start + len, t.slice(start, start + len));
  }

  /** End of a (dotted) identifier at `start`, or `start`: an ASCII fast path, the regex otherwise. */
  private nameEnd(start: number): number {
    const t = this.text;
    let i = start;
    for (;;) {
      const c = t.charCodeAt(i);
      const alpha = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
      if (alpha || (i > start && c >= 48 && c <= 57)) { i++; continue; }
      if (c === 46 && i > start) {
        const d = t.charCodeAt(i + 1);
        if ((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || d === 95) { i++; continue; }
      }
      if (c < 128 || Number.isNaN(c)) break;
      // Non-ASCII: let the Unicode-aware regex decide from the identifier start.
      NAME_RE.lastIndex = start;
      const m = NAME_RE.exec(t);
      return m ? start + m[0].length : start;
    }
    return i;
  }

  private skipToEol(): void {
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl < 0 ? this.text.length : nl;
  }

  private string(start: number, quotePos: number, lineStart: boolean, col: number): Tok {
    const t = this.text;
    const q = t[quotePos];
    const raw = quotePos > start && /[rR]/.test(t.slice(start, quotePos));
    const triple = t.startsWith(q + q + q, quotePos);
    const open = quotePos + (triple ? 3 : 1);
    let i = open;
    let value = '';
    let chunk = open;
    let unterminated = false;
    let close = -1;
    let newline = -1;
    for (;;) {
      if (i >= t.length) { unterminated = true; break; }
      const c = t[i];
      if (c === '\n') newline = i;
      if (c === '\\' && i + 1 < t.length) {
        if (raw) { i += 2; continue; }
        value += t.slice(chunk, i);
        const e = t[i + 1];
        let adv = 2;
        switch (e) {
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          case 'r': value += '\r'; break;
          case '\n': break;
          case 'u': {
            const hex = t.slice(i + 2, i + 6);
            if (/^[0-9a-fA-F]{4}$/.test(hex)) { value += String.fromCharCode(parseInt(hex, 16)); adv = 6; } else value += 'u';
            break;
          }
          default: value += e;
        }
        i += adv;
        chunk = i;
        continue;
      }
      if (c === '\n' && !triple) { unterminated = true; break; }
      if (c === q && (!triple || t.startsWith(q + q + q, i))) { close = i; break; }
      i++;
    }
    value += t.slice(chunk, unterminated ? i : close);
    const innerEnd = unterminated ? i : close;
    const end = unterminated ? i : close + (triple ? 3 : 1);
    this.pos = end;
    if (newline >= 0 && newline < end) this.lastNewline = newline;
    return { type: 'str', start, end, text: value, inner: { start: open, end: innerEnd }, lineStart, col, unterminated };
  }
}

const PY_STATEMENT_KEYWORDS = new Set([
  'def', 'class', 'import', 'from', 'if', 'elif', 'else', 'for', 'while', 'return', 'with', 'try',
  'except', 'finally', 'raise', 'assert', 'del', 'pass', 'global', 'nonlocal', 'async', 'yield', 'print',
]);

type CtxKind = 'top' | 'list' | 'tuple' | 'dict' | 'call';
interface Ctx { kind: CtxKind; allowedKw?: readonly string[] }

export interface ReadOptions {
  /** `python`: `#` comments; `json`: `//` and block comments. */
  comments: 'python' | 'json';
  /**
   * Callee names (last dotted segment) that start a new definition: meeting `Name(` again means
   * the current definition was truncated, so reading stops there.
   */
  stopNames?: readonly string[];
  /** Keyword arguments of the outermost call; other `name =` lines at statement indentation end it. */
  topCallKeywords?: readonly string[];
}

export interface ReadResult { value: Val; issues: SyntaxIssue[]; end: number }

const MAX_DEPTH = 64;
const MAX_ISSUES = 25;
const CLOSER: Record<string, string> = { '[': ']', '(': ')', '{': '}' };

/**
 * Read one Python/JSON literal starting at `start`. Never throws on malformed input: problems
 * become issues, unclosed brackets are reported with a span from the opening bracket to the end
 * of what was read. Reading stops early (as if the text ended) at a line that clearly starts a
 * new statement: a Python keyword, `name =`, `key:` outside a dict, or a backquote (Markdown).
 */
export function readLiteral(text: string, start: number, options: ReadOptions): ReadResult {
  const r = new Reader(text, start, options);
  const value = r.readValue({ kind: 'top' }, 0);
  return { value, issues: r.issues, end: r.lastEnd };
}

class Reader {
  readonly issues: SyntaxIssue[] = [];
  lastEnd: number;
  private readonly lx: Lexer;
  private cur: Tok;
  private ahead: Tok | undefined;
  private readonly baseCol: number;
  private readonly firstStart: number;
  private quiet = false;
  private stopped = false;

  constructor(text: string, start: number, private readonly opts: ReadOptions) {
    this.lx = new Lexer(text, start, opts.comments);
    this.cur = this.lx.next();
    this.lastEnd = start;
    this.firstStart = this.cur.start;
    const ls = lineStartWithin(text, start);
    let c = ls;
    while (ls >= 0 && c < text.length && (text[c] === ' ' || text[c] === '\t')) c++;
    this.baseCol = ls < 0 ? 0 : c - ls;
  }

  private peek2(): Tok {
    if (!this.ahead) this.ahead = this.lx.next();
    return this.ahead;
  }

  private advance(): Tok {
    const t = this.cur;
    this.lastEnd = t.end;
    this.cur = this.ahead ?? this.lx.next();
    this.ahead = undefined;
    return t;
  }

  private eofAt(t: Tok): Tok {
    return { type: 'eof', start: t.start, end: t.start, text: '', lineStart: true, col: 0 };
  }

  /** The current token, or EOF when it starts something that cannot belong to this literal. */
  private at(ctx: Ctx): Tok {
    const t = this.cur;
    if (this.stopped) return this.eofAt(t);
    if (t.type === 'eof') return t;
    if (t.type === 'other' && t.text === '`') return this.stop(t);
    if (t.start !== this.firstStart && t.type === 'name' && this.opts.stopNames) {
      const last = t.text.slice(t.text.lastIndexOf('.') + 1);
      if (this.opts.stopNames.includes(last) && this.peek2().text === '(') return this.stop(t);
    }
    if (t.lineStart && t.col <= this.baseCol && t.start !== this.firstStart) {
      if (t.type === 'name' && PY_STATEMENT_KEYWORDS.has(t.text) && this.opts.comments === 'python') return this.stop(t);
      if (t.type === 'punct' && t.text === '@') return this.stop(t);
      const n = this.peek2();
      if (t.type === 'name' && n.type === 'punct' && n.text === '=') {
        const allowed = ctx.kind === 'call' && (ctx.allowedKw === undefined || ctx.allowedKw.includes(t.text)
          || closestOp(t.text, ctx.allowedKw) !== undefined);
        if (!allowed) return this.stop(t);
      }
      if ((t.type === 'name' || t.type === 'str') && n.type === 'punct' && n.text === ':' && ctx.kind !== 'dict') return this.stop(t);
    }
    return t;
  }

  private stop(t: Tok): Tok {
    this.stopped = true;
    return this.eofAt(t);
  }

  private issue(span: Span, message: string, force = false): void {
    if ((this.quiet && !force) || this.issues.length >= MAX_ISSUES) return;
    this.issues.push({ span, message });
    this.quiet = true;
  }

  private describe(t: Tok): string {
    if (t.type === 'eof') return 'the end of the text';
    if (t.type === 'str') return 'a string';
    return `'${t.text}'`;
  }

  readValue(ctx: Ctx, depth: number): Val {
    const t = this.at(ctx);
    const span = { start: t.start, end: t.end };
    switch (t.type) {
      case 'eof':
        this.issue({ start: this.lastEnd, end: this.lastEnd }, 'expected a value, but the text ends here');
        return { kind: 'other', span: { start: this.lastEnd, end: this.lastEnd } };
      case 'str':
        this.advance();
        if (t.unterminated) this.issue(span, `unterminated string: add the closing quote`, true);
        return { kind: 'str', span, inner: t.inner ?? span, value: t.text };
      case 'num':
        this.advance();
        return { kind: 'num', span, value: t.num ?? NaN };
      case 'name': {
        this.advance();
        switch (t.text) {
          case 'True': case 'true': return { kind: 'bool', span, value: true };
          case 'False': case 'false': return { kind: 'bool', span, value: false };
          case 'None': case 'null': return { kind: 'null', span };
        }
        if (this.cur.type === 'punct' && this.cur.text === '(' && depth < MAX_DEPTH) return this.readCall(t, depth + 1);
        return { kind: 'name', span, name: t.text };
      }
      case 'punct':
        if ((t.text === '-' || t.text === '+') && this.peek2().type === 'num' && this.peek2().start === t.end) {
          this.advance();
          const n = this.advance();
          const v = n.num ?? NaN;
          return { kind: 'num', span: { start: t.start, end: n.end }, value: t.text === '-' ? -v : v };
        }
        if ((t.text === '[' || t.text === '(' || t.text === '{') && depth < MAX_DEPTH) {
          return t.text === '{' ? this.readDict(depth + 1) : this.readSeq(t.text, depth + 1);
        }
        break;
    }
    this.advance();
    this.issue(span, depth >= MAX_DEPTH && '[({'.includes(t.text) ? 'brackets nested too deeply' : `unexpected ${this.describe(t)}`);
    return { kind: 'other', span };
  }

  /** After an item: consume ',' or leave a closer / the end for `closeOrItem`; anything else is a missing comma. */
  private separator(ctx: Ctx, close: string): void {
    const t = this.at(ctx);
    if (t.type === 'punct' && t.text === ',') { this.advance(); this.quiet = false; return; }
    if (t.type === 'eof' || (t.type === 'punct' && (t.text === ']' || t.text === ')' || t.text === '}'))) return;
    this.issue({ start: t.start, end: t.end }, `expected ',' or '${close}' before ${this.describe(t)}`);
  }

  /**
   * The loop step shared by lists, tuples, dicts and call arguments: 'closed' after consuming the
   * matching closer, 'unclosed' when the text ended (or a statement started) or a different
   * bracket closed (reported, not consumed), 'item' when an item follows.
   */
  private closeOrItem(ctx: Ctx, open: Tok, close: string): 'closed' | 'unclosed' | 'item' {
    const t = this.at(ctx);
    if (t.type === 'punct' && t.text === close) { this.advance(); this.quiet = false; return 'closed'; }
    if (t.type === 'eof') {
      this.issue({ start: open.start, end: Math.max(this.lastEnd, open.end) },
        `'${open.text}' is never closed: expected '${close}' before ${this.stopped ? 'the next statement' : 'the end of the text'}`, true);
      return 'unclosed';
    }
    if (t.type === 'punct' && (t.text === ']' || t.text === ')' || t.text === '}')) {
      this.issue({ start: t.start, end: t.end }, `expected '${close}' to close the '${open.text}' opened earlier, found '${t.text}'`, true);
      return 'unclosed';
    }
    if (t.type === 'punct' && t.text === ',') {
      this.advance();
      this.issue({ start: t.start, end: t.end }, `unexpected ','`);
      return this.closeOrItem(ctx, open, close);
    }
    return 'item';
  }

  private readSeq(open: string, depth: number): Val {
    const o = this.advance();
    const close = CLOSER[open];
    const ctx: Ctx = { kind: open === '[' ? 'list' : 'tuple' };
    const items: Val[] = [];
    let commas = 0;
    for (;;) {
      const st = this.closeOrItem(ctx, o, close);
      if (st !== 'item') {
        const span = { start: o.start, end: this.lastEnd };
        // `(x)` without a comma is just x in Python.
        if (open === '(' && items.length === 1 && commas === 0 && st === 'closed') return { ...items[0] };
        return { kind: 'seq', span, items, closed: st === 'closed' };
      }
      items.push(this.readValue(ctx, depth));
      const before = this.lastEnd;
      this.separator(ctx, close);
      if (this.lastEnd !== before) commas++;
    }
  }

  private readDict(depth: number): Val {
    const o = this.advance();
    const ctx: Ctx = { kind: 'dict' };
    const entries: Entry[] = [];
    for (;;) {
      const st = this.closeOrItem(ctx, o, '}');
      if (st !== 'item') return { kind: 'map', span: { start: o.start, end: this.lastEnd }, entries, closed: st === 'closed' };
      const k = this.readValue(ctx, depth);
      const c = this.at(ctx);
      if (c.type === 'punct' && c.text === ':') {
        this.advance();
        const value = this.readValue(ctx, depth);
        const key = k.kind === 'str' ? k.value : k.kind === 'num' ? String(k.value) : k.kind === 'name' ? k.name : '';
        entries.push({ key, keySpan: k.span, value });
      } else {
        this.issue({ start: c.start, end: c.end }, `expected ':' after the key, found ${this.describe(c)}`);
      }
      this.separator(ctx, '}');
    }
  }

  private readCall(nameTok: Tok, depth: number): Val {
    const o = this.advance(); // '('
    const ctx: Ctx = { kind: 'call', allowedKw: depth === 1 ? this.opts.topCallKeywords : undefined };
    const args: Arg[] = [];
    let starArgs = false;
    for (;;) {
      const st = this.closeOrItem(ctx, o, ')');
      if (st !== 'item') {
        return {
          kind: 'call', span: { start: nameTok.start, end: this.lastEnd }, callee: nameTok.text,
          calleeSpan: { start: nameTok.start, end: nameTok.end }, args, closed: st === 'closed', starArgs,
        };
      }
      const t = this.at(ctx);
      const n = this.peek2();
      if (t.type === 'name' && n.type === 'punct' && n.text === '=') {
        this.advance();
        this.advance();
        args.push({ name: t.text, nameSpan: { start: t.start, end: t.end }, value: this.readValue(ctx, depth) });
      } else if (t.type === 'punct' && (t.text === '*' || t.text === '**')) {
        this.advance();
        starArgs = true;
        args.push({ value: this.readValue(ctx, depth) });
      } else {
        args.push({ value: this.readValue(ctx, depth) });
      }
      this.separator(ctx, ')');
    }
  }
}

/**
 * Walk backwards from `pos` to the '{' that opens the dict containing it (skipping balanced
 * brackets and quoted strings), looking at most `window` characters back. Approximate: callers
 * re-read from the result and verify.
 */
export function enclosingBrace(text: string, pos: number, window = 65536): number {
  let depth = 0;
  const stop = Math.max(0, pos - window);
  for (let i = pos - 1; i >= stop; i--) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const j = text.lastIndexOf(c, i - 1);
      if (j < stop) return -1;
      i = j;
      continue;
    }
    if (c === ']' || c === ')' || c === '}') depth++;
    else if (c === '[' || c === '(') { if (depth === 0) return -1; depth--; } else if (c === '{') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** True when `pos` is inside a line comment (`#` for python/yaml, `//` for json) on its line. */
export function inLineComment(text: string, pos: number, style: 'python' | 'yaml' | 'json'): boolean {
  const ls = lineStartWithin(text, pos);
  if (ls < 0) return false; // a huge (minified) line: assume code
  let quote = '';
  for (let i = ls; i < pos; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      // In YAML a quote only starts a string at the start of a scalar; `don't` is plain text.
      if (style === 'yaml' && i > ls && /[\w]/.test(text[i - 1])) continue;
      quote = c;
    } else if (c === '#' && style !== 'json' && (style === 'python' || i === ls || /\s/.test(text[i - 1]))) return true;
    else if (c === '/' && style === 'json' && text[i + 1] === '/') return true;
  }
  return false;
}

// ────────────────────────────────────────────────────────────────────────────────────────────
// YAML → Val, parsing only the region around a candidate key
// ────────────────────────────────────────────────────────────────────────────────────────────

/** A piece of the synthetic YAML text handed to the library, mapped back onto the document. */
interface Piece { src: number; syn: number; len: number }

class OffsetMap {
  constructor(private readonly pieces: Piece[]) {}
  map(off: number, isEnd = false): number {
    const ps = this.pieces;
    if (ps.length === 0) return off;
    let lo = 0;
    let hi = ps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ps[mid].syn < off || (!isEnd && ps[mid].syn === off)) lo = mid; else hi = mid - 1;
    }
    const p = ps[lo];
    return p.src + Math.max(0, Math.min(p.len, off - p.syn));
  }
  span(start: number, end: number): Span {
    const s = this.map(start);
    return { start: s, end: Math.max(s, this.map(end, true)) };
  }
}

export interface YamlParse { value: Val | undefined; issues: SyntaxIssue[]; region: Span }

interface YamlNodeLike { range?: [number, number, number] | null }

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end;
}

function yamlToVal(node: unknown, m: OffsetMap, text: string, fallback: Span): Val {
  const r = (node as YamlNodeLike | null)?.range;
  const span = r ? m.span(r[0], r[1]) : { ...fallback };
  span.end = trimEnd(text, span.start, span.end);
  if (isMap(node)) {
    const entries: Entry[] = [];
    for (const p of node.items) {
      const k = p.key as unknown;
      if (!isScalar(k)) continue;
      // The library reports duplicate keys itself; keep the first.
      if (entries.some((e) => e.key === String(k.value))) continue;
      const kr = (k as YamlNodeLike).range;
      const keySpan = kr ? m.span(kr[0], kr[1]) : span;
      const value = p.value == null ? { kind: 'null' as const, span: keySpan } : yamlToVal(p.value, m, text, keySpan);
      entries.push({ key: String(k.value), keySpan, value });
    }
    return { kind: 'map', span, entries, closed: true };
  }
  if (isSeq(node)) {
    return { kind: 'seq', span, items: node.items.map((i) => yamlToVal(i, m, text, span)), closed: true };
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') return { kind: 'num', span, value: v };
    if (typeof v === 'boolean') return { kind: 'bool', span, value: v };
    if (v === null || v === undefined) return { kind: 'null', span };
    const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
    const inner = quoted && span.end - span.start >= 2 ? { start: span.start + 1, end: span.end - 1 } : { ...span };
    return { kind: 'str', span, inner, value: String(v) };
  }
  // Aliases (resolved elsewhere in the document) and anything else are not literals we read.
  return { kind: 'other', span };
}

function parseYamlPieces(text: string, pieces: Piece[], synthetic: string): { value: Val | undefined; issues: SyntaxIssue[] } {
  const m = new OffsetMap(pieces);
  const doc = parseDocument(synthetic, { prettyErrors: false });
  const issues = doc.errors.map((e) => {
    const span = m.span(e.pos[0], e.pos[1]);
    // The library often marks only the first character of a key or scalar: widen to the word.
    if (span.end - span.start <= 1) {
      WORD_RE.lastIndex = span.start;
      const w = WORD_RE.exec(text);
      if (w && w[0].length > 0) span.end = span.start + w[0].length;
    }
    return { span, message: yamlMessage(e.message) };
  });
  const fallback = pieces.length ? { start: pieces[0].src, end: pieces[0].src } : { start: 0, end: 0 };
  const value = doc.contents == null ? undefined : yamlToVal(doc.contents, m, text, fallback);
  return { value, issues };
}

const WORD_RE = /[\p{L}\p{N}_-]*/uy;

function yamlMessage(msg: string): string {
  const first = msg.split('\n')[0].trim();
  return `YAML: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

interface Line { start: number; end: number; next: number; indent: number; content: number; blank: boolean; itemStart: boolean }

function lineAt(text: string, ls: number): Line {
  let e = text.indexOf('\n', ls);
  const next = e < 0 ? text.length : e + 1;
  if (e < 0) e = text.length;
  let i = ls;
  while (i < e && text[i] === ' ') i++;
  const indent = i - ls;
  let c = i;
  let itemStart = false;
  while (c < e && text[c] === '-' && (c + 1 === e || text[c + 1] === ' ' || text[c + 1] === '\t')) {
    itemStart = true;
    c++;
    while (c < e && (text[c] === ' ' || text[c] === '\t')) c++;
  }
  const blank = /^[\t\r ]*$/.test(text.slice(i, e)) || text[i] === '#';
  return { start: ls, end: e, next, indent, content: c - ls, blank, itemStart };
}

function prevLineStart(text: string, ls: number): number {
  if (ls === 0) return -1;
  return text.lastIndexOf('\n', ls - 2) + 1;
}

function isDocMarker(text: string, l: Line): boolean {
  return l.indent === 0 && (text.startsWith('---', l.start) || text.startsWith('...', l.start));
}

/** End (exclusive, at a line boundary) of the entry whose key line starts at `l` with key column `k`. */
function entryEnd(text: string, l: Line, k: number, limit = text.length): number {
  let end = l.next;
  let ls = l.next;
  while (ls < limit) {
    const n = lineAt(text, ls);
    if (isDocMarker(text, n)) break;
    if (!n.blank) {
      const continues = n.indent > k || (n.indent === k && n.itemStart);
      if (!continues) break;
      end = n.next;
    }
    ls = n.next;
  }
  return end;
}

function keyOfLine(text: string, l: Line, col: number): string | undefined {
  const m = /^(["']?)([^"':#\s][^"':#]*?)\1[ \t]*:(?:[ \t\r]|$)/.exec(text.slice(l.start + col, l.end) + ' ');
  return m ? m[2] : undefined;
}

function buildSynthetic(text: string, ranges: { start: number; end: number; blankTo?: number }[]): { pieces: Piece[]; synthetic: string } {
  const pieces: Piece[] = [];
  let synthetic = '';
  for (const r of ranges) {
    let s = text.slice(r.start, r.end);
    if (r.blankTo !== undefined && r.blankTo > r.start) s = ' '.repeat(r.blankTo - r.start) + s.slice(r.blankTo - r.start);
    if (!s.endsWith('\n')) s += '\n';
    pieces.push({ src: r.start, syn: synthetic.length, len: r.end - r.start });
    synthetic += s;
  }
  return { pieces, synthetic };
}

/** The top-level chunk (from a line at column 0 to the next one) around `pos`, for a fallback parse. */
function topLevelChunk(text: string, pos: number): Span {
  let ls = text.lastIndexOf('\n', pos - 1) + 1;
  while (ls > 0) {
    const l = lineAt(text, ls);
    if (!l.blank && l.indent === 0) break;
    ls = prevLineStart(text, ls);
  }
  const first = lineAt(text, ls);
  let end = first.next;
  let cur = first.next;
  while (cur < text.length) {
    const n = lineAt(text, cur);
    if (isDocMarker(text, n)) break;
    // A new top-level key ends the chunk; a column-0 `- item` does so only in a top-level sequence
    // (under a top-level key it is a compact sequence value).
    if (!n.blank && n.indent === 0 && (!n.itemStart || first.itemStart)) break;
    end = n.next;
    cur = n.next;
  }
  return { start: ls, end };
}

const CHUNK_LIMIT = 200_000;
/** Larger YAML regions are not parsed (no NB101 spec or cell is that big). */
const REGION_LIMIT = 256_000;

/**
 * Skips YAML candidates on absurdly long lines (a minified flow document): each would need a
 * scan of the whole line, which over many candidates is quadratic.
 */
export class LongLineSkipper {
  private until = -1;
  skip(text: string, pos: number): boolean {
    if (pos < this.until) return true;
    if (lineStartWithin(text, pos) >= 0) return false;
    const nl = text.indexOf('\n', pos);
    this.until = nl < 0 ? text.length : nl;
    return true;
  }
}

/**
 * Parse the YAML around a key at `keyPos`. With `siblings`, the mapping that holds the key is
 * reconstructed from its entries whose keys are listed (other entries are left out, so a huge
 * mapping costs only a line scan); without, just the key's own entry. If that slice has YAML
 * errors (for example because the key was really inside a multi-line flow collection), the
 * enclosing top-level chunk is parsed instead when it is small enough.
 */
export function yamlValuesAt(text: string, keyPos: number, siblings?: readonly string[]): YamlParse {
  const ls = text.lastIndexOf('\n', keyPos - 1) + 1;
  const line = lineAt(text, ls);
  const prefix = text.slice(ls, keyPos);
  const block = /^[ ]*(?:-[ \t]+)*$/.test(prefix);
  const k = block ? keyPos - ls : line.content;
  const keyItemStart = line.itemStart && k === line.content;
  const ranges: { start: number; end: number; blankTo?: number }[] = [];
  const want = (l: Line) => {
    if (!siblings) return true;
    const key = keyOfLine(text, l, k);
    return key !== undefined && siblings.includes(key);
  };
  // Entries before the key line (siblings of the same mapping).
  if (siblings && !keyItemStart && block) {
    const before: { start: number; end: number; blankTo?: number }[] = [];
    let cur = prevLineStart(text, ls);
    let entryLimit = ls;
    while (cur >= 0) {
      const l = lineAt(text, cur);
      if (isDocMarker(text, l)) break;
      if (!l.blank) {
        if (l.indent === k && !l.itemStart) {
          if (want(l)) before.push({ start: l.start, end: entryEnd(text, l, k, entryLimit) });
          entryLimit = l.start;
        } else if (l.indent < k) {
          if (l.itemStart && l.content === k) {
            if (want(l)) before.push({ start: l.start, end: entryEnd(text, l, k, entryLimit), blankTo: l.start + k });
          }
          break;
        }
      }
      cur = prevLineStart(text, cur);
    }
    ranges.push(...before.reverse());
  }
  const ownEnd = entryEnd(text, line, k);
  ranges.push({ start: ls, end: ownEnd, blankTo: ls + k });
  if (siblings && block) {
    let cur = ownEnd;
    while (cur < text.length) {
      const l = lineAt(text, cur);
      if (isDocMarker(text, l)) break;
      if (!l.blank) {
        if (l.indent < k || (l.indent === k && l.itemStart)) break;
        if (l.indent === k) {
          const e = entryEnd(text, l, k);
          if (want(l)) ranges.push({ start: l.start, end: e });
          cur = e;
          continue;
        }
      }
      cur = l.next;
    }
  }
  const { pieces, synthetic } = buildSynthetic(text, ranges);
  const region = { start: ranges[0].start, end: trimEnd(text, ranges[0].start, ranges[ranges.length - 1].end) };
  if (synthetic.length > REGION_LIMIT) return { value: undefined, issues: [], region };
  const res = parseYamlPieces(text, pieces, synthetic);
  if (res.issues.length > 0) {
    const chunk = topLevelChunk(text, keyPos);
    if (chunk.end - chunk.start <= CHUNK_LIMIT && (chunk.start < region.start || chunk.end > ranges[ranges.length - 1].end)) {
      const built = buildSynthetic(text, [chunk]);
      const full = parseYamlPieces(text, built.pieces, built.synthetic);
      return { ...full, region: { start: chunk.start, end: trimEnd(text, chunk.start, chunk.end) } };
    }
  }
  return { ...res, region };
}

/** Parse a whole document as YAML (for dedicated cell files). */
export function yamlDocumentVal(text: string): { value: Val | undefined; issues: SyntaxIssue[] } {
  return parseYamlPieces(text, [{ src: 0, syn: 0, len: text.length }], text);
}

/** Depth-first search for mappings satisfying `pred`, outermost first. */
export function findMaps(v: Val | undefined, pred: (m: MapVal) => boolean, out: MapVal[] = [], depth = 0): MapVal[] {
  if (!v || depth > 64) return out;
  if (v.kind === 'map') {
    if (pred(v)) { out.push(v); return out; }
    for (const e of v.entries) findMaps(e.value, pred, out, depth + 1);
  } else if (v.kind === 'seq') {
    for (const i of v.items) findMaps(i, pred, out, depth + 1);
  }
  return out;
}

// ────────────────────────────────────────────────────────────────────────────────────────────
// Helpers shared by every finder
// ────────────────────────────────────────────────────────────────────────────────────────────

export function shiftSpan(s: Span, by: number): Span {
  return { start: s.start + by, end: s.end + by };
}

/** Move every span of a definition by `by` (for parsing a substring of a document). */
export function shiftDefinition(d: Definition, by: number): Definition {
  if (by === 0) return d;
  return {
    ...d,
    span: shiftSpan(d.span, by),
    findings: d.findings.map((f) => ({ ...f, span: shiftSpan(f.span, by) })),
    arch: d.arch && {
      ...d.arch,
      cells: d.arch.cells.map((nc) => ({
        ...nc,
        cell: { ...nc.cell, edges: nc.cell.edges.map((e) => (e.span ? { ...e, span: shiftSpan(e.span, by) } : { ...e })) },
      })),
    },
  };
}

/** Run `fn`; an exception (a bug of ours) becomes a definition with an `internal` finding. */
export function guard(format: Definition['format'], span: Span, fn: () => Definition[]): Definition[] {
  try {
    return fn();
  } catch (e) {
    return [internalDefinition(format, span, e)];
  }
}

export function internalDefinition(format: Definition['format'], span: Span, e: unknown): Definition {
  const detail = e instanceof Error ? e.message : String(e);
  return {
    format, span: { ...span },
    findings: [{
      span: { ...span }, severity: 'error', code: 'internal',
      message: `Entropy Lens could not analyse this ${format} definition because of an internal error (please report it): ${detail}`,
    }],
  };
}

/**
 * The issues that belong to a definition spanning `span`: those starting inside it or in the
 * blanks and comments right after it (where YAML reports an unclosed flow collection).
 */
export function issuesNear(text: string, issues: SyntaxIssue[], span: Span): SyntaxIssue[] {
  let end = span.end;
  const re = /(?:\s+|#[^\n]*)*/y;
  re.lastIndex = end;
  const m = re.exec(text);
  if (m) end += m[0].length;
  return issues.filter((i) => i.span.start >= span.start && i.span.start <= end);
}

export function issueFindings(issues: SyntaxIssue[], code: string): Finding[] {
  return issues.map((i) => ({ span: { ...i.span }, severity: 'error' as const, code, message: i.message }));
}

export function hasErrors(findings: Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

// ────────────────────────────────────────────────────────────────────────────────────────────
// The generic cell format (documented in docs/cell-format.md)
// ────────────────────────────────────────────────────────────────────────────────────────────

/** Key that marks a cell anywhere in a YAML or JSON file. */
export const CELL_MARKER_KEY = 'entropy_lens_cell';
/** Also recognised, but only when its mapping has an `edges` key (the word is too common). */
export const CELL_SHORT_KEY = 'cell';
export const CELL_KEYS = ['space', 'nodes', 'inputs', 'output', 'aggregation', 'node_ops', 'edges', 'name', 'description'] as const;
export const EDGE_KEYS = ['from', 'to', 'op'] as const;
export const CELL_SPACES: readonly SpaceId[] = ['generic', 'nb201', 'darts', 'nb101'];
export const MAX_CELL_NODES = 64;
/** Largest dedicated cell file parsed as YAML (the YAML library needs about 1 s per MB). */
export const MAX_CELL_FILE = 1_000_000;

/** Op names suggested in "did you mean" messages (the format accepts every name `opInfo` knows). */
export const GENERIC_OP_NAMES: readonly string[] = [
  'identity', 'skip', 'skip_connect', 'zero', 'none',
  'conv_1x1', 'conv_3x3', 'conv_5x5', 'conv_7x7',
  'sep_conv_3x3', 'sep_conv_5x5', 'sep_conv_7x7', 'dil_conv_3x3', 'dil_conv_5x5',
  'avg_pool_3x3', 'avg_pool_5x5', 'max_pool_3x3', 'max_pool_5x5',
  'nor_conv_1x1', 'nor_conv_3x3', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3',
];

/**
 * The name an op is stored under in the model: identities become `skip_connect`, zero ops `none`,
 * canonical names stay, other generic names are lower-cased (`Conv_3x3` → `conv_3x3`).
 * Undefined when `opInfo` does not know the name.
 */
export function normalizeOpName(name: string): string | undefined {
  const info = opInfo(name.trim());
  if (!info) return undefined;
  if (info.kind === 'identity') return 'skip_connect';
  if (info.kind === 'zero') return 'none';
  return info.name;
}

class CellBuilder {
  readonly findings: Finding[] = [];
  private names: string[] | undefined;
  private n = 0;

  constructor(private readonly map: MapVal, private readonly anchor: Span) {}

  private err(span: Span, code: string, message: string): void {
    this.findings.push({ span: { ...span }, severity: 'error', code: `cell/${code}`, message });
  }

  build(): Architecture | undefined {
    const { map } = this;
    const seen = new Set<string>();
    for (const e of map.entries) {
      if (seen.has(e.key)) this.err(e.keySpan, 'duplicate-key', `'${e.key}' is given twice`);
      seen.add(e.key);
      if (!(CELL_KEYS as readonly string[]).includes(e.key)) {
        const hint = closestOp(e.key, CELL_KEYS);
        this.err(e.keySpan, 'unknown-key', `unknown cell key '${e.key}'` + (hint ? ` — did you mean '${hint}'?` : ` — expected one of ${CELL_KEYS.join(', ')}`));
      }
    }
    const space = this.space();
    if (!this.nodes()) return undefined;
    const n = this.n;
    const inputs = this.inputs();
    const output = this.output(inputs);
    const aggregation = this.aggregation();
    const nodeOps = this.nodeOps();
    const edges = this.edges();
    if (hasErrors(this.findings) || !inputs || output === undefined || !aggregation || !nodeOps || !edges) return undefined;
    const cell: Cell = { nodeCount: n, inputs, output, edges, aggregation, nodeOps };
    return { space, cells: [{ role: 'cell', cell }] };
  }

  private space(): SpaceId {
    const e = entryOf(this.map, 'space');
    if (!e) return 'generic';
    if (e.value.kind === 'str' && (CELL_SPACES as string[]).includes(e.value.value)) return e.value.value as SpaceId;
    this.err(e.value.span, 'space', `unknown space ${describeVal(e.value)} — expected one of ${CELL_SPACES.join(', ')}`);
    return 'generic';
  }

  private nodes(): boolean {
    const e = entryOf(this.map, 'nodes');
    if (!e) {
      this.err(this.anchor, 'missing-key', `the cell needs 'nodes': a node count (for example nodes: 4) or a list of node names`);
      if (!entryOf(this.map, 'edges')) this.err(this.anchor, 'missing-key', `the cell needs 'edges': a list of [from, to, op] entries`);
      return false;
    }
    const v = e.value;
    if (isInt(v)) {
      if (v.value < 2 || v.value > MAX_CELL_NODES) {
        this.err(v.span, 'node-count', `a cell has 2…${MAX_CELL_NODES} nodes; found ${v.value}`);
        return false;
      }
      this.n = v.value;
      return true;
    }
    if (v.kind === 'seq') {
      const names: string[] = [];
      let ok = true;
      for (const item of v.items) {
        const name = item.kind === 'str' ? item.value : item.kind === 'num' ? String(item.value) : undefined;
        if (name === undefined) {
          this.err(item.span, 'type', `node names must be strings; found ${describeVal(item)}`);
          ok = false;
        } else if (names.includes(name)) {
          this.err(item.span, 'duplicate-node', `node '${name}' is listed twice`);
          ok = false;
        }
        names.push(name ?? '');
      }
      if (names.length < 2 || names.length > MAX_CELL_NODES) {
        this.err(v.span, 'node-count', `a cell has 2…${MAX_CELL_NODES} nodes; found ${names.length}`);
        return false;
      }
      this.names = names;
      this.n = names.length;
      return ok;
    }
    this.err(v.span, 'type', `'nodes' must be a node count (an integer such as 4) or a list of node names; found ${describeVal(v)}`);
    return false;
  }

  private rangeText(): string {
    return this.names ? this.names.join(', ') : `0…${this.n - 1}`;
  }

  /** Resolve a node reference (index or name) from a value or a mapping key. */
  private node(ref: { kind: 'num' | 'str'; text: string; value?: number }, span: Span, role: string): number | undefined {
    if (ref.kind === 'num') {
      const i = ref.value ?? NaN;
      if (Number.isInteger(i) && i >= 0 && i < this.n) return i;
      this.err(span, 'node-range', `${role} ${ref.text} out of range: the cell has nodes ${this.rangeText()}`);
      return undefined;
    }
    if (this.names) {
      const i = this.names.indexOf(ref.text);
      if (i >= 0) return i;
    }
    if (/^\d+$/.test(ref.text)) return this.node({ kind: 'num', text: ref.text, value: Number(ref.text) }, span, role);
    const hint = this.names ? closestOp(ref.text, this.names) : undefined;
    this.err(span, 'unknown-node', `unknown node '${ref.text}'` + (hint ? ` — did you mean '${hint}'?`
      : this.names ? ` — the nodes are ${this.names.join(', ')}` : ` — nodes are numbered 0…${this.n - 1} (or name them with nodes: [a, b, …])`));
    return undefined;
  }

  private nodeVal(v: Val, role: string): number | undefined {
    if (v.kind === 'num') return this.node({ kind: 'num', text: String(v.value), value: v.value }, v.span, role);
    if (v.kind === 'str') return this.node({ kind: 'str', text: v.value }, v.inner, role);
    this.err(v.span, 'type', `expected a node (an index or a name) as ${role}; found ${describeVal(v)}`);
    return undefined;
  }

  private inputs(): number[] | undefined {
    const e = entryOf(this.map, 'inputs');
    if (!e) return [0];
    const items = e.value.kind === 'seq' ? e.value.items : [e.value];
    if (items.length === 0) {
      this.err(e.value.span, 'io', `'inputs' lists no node; a cell needs at least one input`);
      return undefined;
    }
    const out: number[] = [];
    let ok = true;
    for (const item of items) {
      const i = this.nodeVal(item, 'input');
      if (i === undefined) { ok = false; continue; }
      if (out.includes(i)) { this.err(item.span, 'io', `input node ${this.label(i)} is listed twice`); ok = false; continue; }
      out.push(i);
    }
    return ok ? out : undefined;
  }

  private label(i: number): string {
    return this.names ? `'${this.names[i]}'` : String(i);
  }

  private output(inputs: number[] | undefined): number | undefined {
    const e = entryOf(this.map, 'output');
    if (!e) {
      if (inputs?.includes(this.n - 1)) {
        this.err(entryOf(this.map, 'inputs')?.value.span ?? this.anchor, 'io', `the last node ${this.label(this.n - 1)} is the output by default, so it cannot also be an input`);
        return undefined;
      }
      return this.n - 1;
    }
    const o = this.nodeVal(e.value, 'output');
    if (o !== undefined && inputs?.includes(o)) {
      this.err(e.value.span, 'io', `node ${this.label(o)} cannot be both an input and the output`);
      return undefined;
    }
    return o;
  }

  private aggValue(v: Val): Aggregation | undefined {
    if (v.kind === 'str' && (v.value === 'sum' || v.value === 'concat')) return v.value;
    this.err(v.kind === 'str' ? v.inner : v.span, 'aggregation', `unknown aggregation ${describeVal(v)} — use 'sum' or 'concat'`);
    return undefined;
  }

  private keyRef(key: string, span: Span, role: string): number | undefined {
    return this.node({ kind: 'str', text: key }, span, role);
  }

  private aggregation(): Aggregation[] | undefined {
    const agg: Aggregation[] = new Array<Aggregation>(this.n).fill('sum');
    const e = entryOf(this.map, 'aggregation');
    if (!e) return agg;
    const v = e.value;
    if (v.kind === 'str') {
      const a = this.aggValue(v);
      return a ? agg.fill(a) : undefined;
    }
    if (v.kind !== 'map') {
      this.err(v.span, 'type', `'aggregation' must be sum, concat or a mapping such as {default: sum, 3: concat}; found ${describeVal(v)}`);
      return undefined;
    }
    let ok = true;
    const def = entryOf(v, 'default');
    if (def) {
      const a = this.aggValue(def.value);
      if (a) agg.fill(a); else ok = false;
    }
    for (const x of v.entries) {
      if (x.key === 'default') continue;
      const i = this.keyRef(x.key, x.keySpan, 'aggregation node');
      const a = this.aggValue(x.value);
      if (i === undefined || !a) { ok = false; continue; }
      agg[i] = a;
    }
    return ok ? agg : undefined;
  }

  private opName(v: Val, what: string): string | undefined {
    if (v.kind !== 'str') {
      this.err(v.span, 'type', `expected ${what} name such as 'conv_3x3'; found ${describeVal(v)}`);
      return undefined;
    }
    const op = normalizeOpName(v.value);
    if (op === undefined) this.err(v.inner, 'unknown-op', unknownOpMessage(v.value, GENERIC_OP_NAMES));
    return op;
  }

  private nodeOps(): (string | null)[] | undefined {
    const ops: (string | null)[] = new Array<string | null>(this.n).fill(null);
    const e = entryOf(this.map, 'node_ops');
    if (!e) return ops;
    if (e.value.kind !== 'map') {
      this.err(e.value.span, 'type', `'node_ops' must be a mapping from node to op, such as {2: max_pool_3x3}; found ${describeVal(e.value)}`);
      return undefined;
    }
    let ok = true;
    for (const x of e.value.entries) {
      const i = this.keyRef(x.key, x.keySpan, 'node');
      const op = x.value.kind === 'null' ? null : this.opName(x.value, 'an op');
      if (i === undefined || op === undefined) { ok = false; continue; }
      ops[i] = op;
    }
    return ok ? ops : undefined;
  }

  private edges(): Edge[] | undefined {
    const e = entryOf(this.map, 'edges');
    if (!e) {
      this.err(this.anchor, 'missing-key', `the cell needs 'edges': a list of [from, to, op] entries`);
      return undefined;
    }
    if (e.value.kind !== 'seq') {
      this.err(e.value.span, 'type', `'edges' must be a list of [from, to, op] entries; found ${describeVal(e.value)}`);
      return undefined;
    }
    const edges: Edge[] = [];
    let ok = true;
    for (const item of e.value.items) {
      const edge = this.edge(item);
      if (!edge) { ok = false; continue; }
      const dup = edges.find((x) => x.from === edge.from && x.to === edge.to && x.op === edge.op);
      if (dup) {
        this.err(item.span, 'duplicate-edge', `duplicate edge ${this.label(edge.from)} → ${this.label(edge.to)} (${edge.op}): it is already listed`);
        ok = false;
        continue;
      }
      edges.push(edge);
    }
    return ok ? edges : undefined;
  }

  private edge(item: Val): Edge | undefined {
    let from: Val | undefined;
    let to: Val | undefined;
    let op: Val | undefined;
    if (item.kind === 'seq') {
      if (item.items.length !== 3) {
        this.err(item.span, 'type', `an edge is [from, to, op] (3 items); found ${item.items.length}`);
        return undefined;
      }
      [from, to, op] = item.items;
    } else if (item.kind === 'map') {
      for (const x of item.entries) {
        if (!(EDGE_KEYS as readonly string[]).includes(x.key)) {
          const hint = closestOp(x.key, EDGE_KEYS);
          this.err(x.keySpan, 'unknown-key', `unknown edge key '${x.key}'` + (hint ? ` — did you mean '${hint}'?` : ` — an edge has from, to and op`));
        }
      }
      from = entryOf(item, 'from')?.value;
      to = entryOf(item, 'to')?.value;
      op = entryOf(item, 'op')?.value;
      const missing = EDGE_KEYS.filter((_, idx) => [from, to, op][idx] === undefined);
      if (missing.length > 0) {
        this.err(item.span, 'missing-key', `this edge has no ${missing.map((k) => `'${k}'`).join(' or ')}`);
        return undefined;
      }
    } else {
      this.err(item.span, 'type', `an edge is [from, to, op] or {from: …, to: …, op: …}; found ${describeVal(item)}`);
      return undefined;
    }
    const f = this.nodeVal(from!, 'edge endpoint');
    const t = this.nodeVal(to!, 'edge endpoint');
    const name = this.opName(op!, 'an op');
    if (f === undefined || t === undefined || name === undefined) return undefined;
    if (f === t) {
      this.err(item.span, 'backward-edge', `edge ${this.label(f)} → ${this.label(t)} is a self-loop; edges must go from a lower to a higher node`);
      return undefined;
    }
    if (f > t) {
      this.err(item.span, 'backward-edge', `edge ${this.label(f)} → ${this.label(t)} goes backwards: nodes are listed in topological order, so every edge must go from a lower to a higher node (this one would allow a cycle)`);
      return undefined;
    }
    return { from: f, to: t, op: name, span: { ...item.span } };
  }
}

/** Build a definition from a cell mapping. `span` covers the definition; `anchor` gets missing-key errors. */
export function cellDefinition(map: MapVal, span: Span, anchor: Span, pre: Finding[] = []): Definition {
  const b = new CellBuilder(map, anchor);
  const arch = b.build();
  const findings = [...pre, ...b.findings];
  if (!arch || hasErrors(findings)) return { format: 'cell', span: { ...span }, findings };
  return { format: 'cell', span: { ...span }, arch, canonical: cellText(arch), findings };
}

/** Canonical one-line JSON of the (first) cell of `arch` in the generic format. */
export function cellText(arch: Architecture): string {
  const cell = arch.cells[0].cell;
  const parts = [
    `"space": ${JSON.stringify(arch.space)}`,
    `"nodes": ${cell.nodeCount}`,
    `"inputs": [${cell.inputs.join(', ')}]`,
    `"output": ${cell.output}`,
  ];
  const counts = { sum: 0, concat: 0 };
  for (const a of cell.aggregation) counts[a]++;
  const major: Aggregation = counts.concat > counts.sum ? 'concat' : 'sum';
  const overrides = cell.aggregation.map((a, i) => [i, a] as const).filter(([, a]) => a !== major);
  parts.push(overrides.length === 0 ? `"aggregation": "${major}"`
    : `"aggregation": {"default": "${major}", ${overrides.map(([i, a]) => `"${i}": "${a}"`).join(', ')}}`);
  const nodeOps = cell.nodeOps.map((o, i) => [i, o] as const).filter(([, o]) => o !== null);
  if (nodeOps.length > 0) parts.push(`"node_ops": {${nodeOps.map(([i, o]) => `"${i}": ${JSON.stringify(o)}`).join(', ')}}`);
  parts.push(`"edges": [${cell.edges.map((e) => `[${e.from}, ${e.to}, ${JSON.stringify(e.op)}]`).join(', ')}]`);
  return `{${parts.join(', ')}}`;
}

/** The map entry whose key starts at `keyStart`, searched inside the values that contain it. */
export function findEntryAt(v: Val | undefined, keyStart: number, depth = 0): Entry | undefined {
  if (!v || depth > 64) return undefined;
  if (v.kind === 'map') {
    for (const e of v.entries) {
      if (e.keySpan.start === keyStart) return e;
      if (e.value.span.start <= keyStart && keyStart < e.value.span.end) {
        const r = findEntryAt(e.value, keyStart, depth + 1);
        if (r) return r;
      }
    }
  } else if (v.kind === 'seq') {
    for (const i of v.items) {
      if (i.span.start <= keyStart && keyStart < i.span.end) {
        const r = findEntryAt(i, keyStart, depth + 1);
        if (r) return r;
      }
    }
  }
  return undefined;
}


/** A cell found under a marker key: undefined when the key's value is not ours to judge. */
function keyedCell(text: string, entry: Entry, issues: SyntaxIssue[]): Definition | undefined {
  const v = entry.value;
  const span = { start: entry.keySpan.start, end: Math.max(entry.keySpan.end, v.span.end) };
  if (entry.key === CELL_SHORT_KEY && !(v.kind === 'map' && entryOf(v, 'edges'))) return undefined;
  // A string value (say an NB201 arch string) is left to the other finders.
  if (v.kind === 'str') return undefined;
  const pre = issueFindings(issuesNear(text, issues, span), 'cell/syntax');
  if (v.kind !== 'map') {
    return {
      format: 'cell', span,
      findings: [...pre, { span: { ...v.span }, severity: 'error', code: 'cell/type', message: `'${CELL_MARKER_KEY}' must be a mapping with nodes and edges; found ${describeVal(v)}` }],
    };
  }
  return cellDefinition(v, span, entry.keySpan, pre);
}

const YAML_CELL_KEY = /(["']?)\b(entropy_lens_cell|cell)\1[ \t]*:/g;
const JSON_CELL_KEY = /"(entropy_lens_cell|cell)"\s*:/g;

/**
 * Find cells in the generic format. `entropy-cell` (a dedicated `*.cell.yaml` / `*.cell.json`
 * file) reads the whole document as one cell; `yaml`, `json` and `jsonc` look for mappings under
 * `entropy_lens_cell:` (or `cell:` holding `edges`). Other languages have no cells.
 */
export function findCells(text: string, languageId: string): Definition[] {
  switch (languageId) {
    case 'entropy-cell': return /\S/.test(text) ? [parseCell(text)] : [];
    case 'yaml': return findYamlCells(text);
    case 'json': case 'jsonc': return findJsonCells(text);
    default: return [];
  }
}

function findYamlCells(text: string): Definition[] {
  return scanYamlKeys(text, YAML_CELL_KEY, 'cell', (pos, m) => {
    const parsed = yamlValuesAt(text, pos);
    const entry = findEntryAt(parsed.value, pos);
    if (!entry) {
      // The library could not make sense of the region: report its errors for an explicit marker.
      if (m[2] !== CELL_MARKER_KEY || parsed.issues.length === 0) return [];
      return [{ format: 'cell', span: parsed.region, findings: issueFindings(parsed.issues, 'cell/syntax') }];
    }
    const d = keyedCell(text, entry, parsed.issues);
    return d ? [d] : [];
  });
}

/**
 * Runs `parse` at every match of a YAML key pattern (group 1: an optional opening quote) that
 * starts a key — not inside a longer word, a comment, an over-long line or an earlier
 * definition — and collects what it returns, each call guarded against internal errors.
 */
export function scanYamlKeys(text: string, key: RegExp, format: Definition['format'], parse: (pos: number, m: RegExpExecArray) => Definition[]): Definition[] {
  const out: Definition[] = [];
  const longLines = new LongLineSkipper();
  let consumed = 0;
  key.lastIndex = 0;
  for (let m = key.exec(text); m; m = key.exec(text)) {
    const match = m;
    const pos = match.index;
    const prev = text[pos - 1];
    if (pos < consumed || (prev !== undefined && !/[\s{,\[]/.test(prev))) continue;
    const after = text[pos + match[0].length];
    if (match[1] === '' && after !== undefined && !/\s/.test(after)) continue;
    if (longLines.skip(text, pos) || inLineComment(text, pos, 'yaml')) continue;
    for (const d of guard(format, { start: pos, end: pos + match[0].length }, () => parse(pos, match))) {
      out.push(d);
      consumed = Math.max(consumed, d.span.end);
    }
  }
  return out;
}

function findJsonCells(text: string): Definition[] {
  const out: Definition[] = [];
  let consumed = 0;
  JSON_CELL_KEY.lastIndex = 0;
  for (let m = JSON_CELL_KEY.exec(text); m; m = JSON_CELL_KEY.exec(text)) {
    const pos = m.index;
    if (pos < consumed || inLineComment(text, pos, 'json')) continue;
    const keySpan = { start: pos, end: pos + m[1].length + 2 };
    const found = guard('cell', keySpan, () => {
      const r = readLiteral(text, pos + m![0].length, { comments: 'json' });
      const entry: Entry = { key: m![1], keySpan, value: r.value };
      const d = keyedCell(text, entry, r.issues);
      return d ? [d] : [];
    });
    for (const d of found) {
      out.push(d);
      consumed = Math.max(consumed, d.span.end);
    }
  }
  return out;
}

/**
 * Parse a whole cell document (YAML, or JSON when it starts with '{') that starts at `offset` in
 * its file: the top-level mapping is the cell, or wraps it under `entropy_lens_cell` / `cell`.
 */
export function parseCell(s: string, offset = 0): Definition {
  return shiftDefinition(parseCellDocument(s), offset);
}

function parseCellDocument(s: string): Definition {
  const first = s.search(/\S/);
  const all = { start: Math.max(0, first), end: trimEnd(s, 0, s.length) };
  return guard('cell', all, () => {
    let value: Val | undefined;
    let issues: SyntaxIssue[];
    if (first >= 0 && s[first] === '{') {
      const r = readLiteral(s, first, { comments: 'json' });
      value = r.value;
      issues = r.issues;
      const rest = s.slice(r.end).search(/\S/);
      if (rest >= 0 && issues.length === 0) {
        const at = r.end + rest;
        issues.push({ span: { start: at, end: trimEnd(s, at, s.length) }, message: 'unexpected text after the cell' });
      }
    } else if (s.length > MAX_CELL_FILE) {
      return [{
        format: 'cell', span: all,
        findings: [{ span: { start: all.start, end: all.start }, severity: 'error', code: 'cell/too-large', message: `this YAML cell file is ${(s.length / 1e6).toFixed(1)} MB; cell files of more than ${MAX_CELL_FILE / 1e6} MB are not analysed` }],
      }];
    } else {
      ({ value, issues } = yamlDocumentVal(s));
    }
    const pre = issueFindings(issues, 'cell/syntax');
    if (!value || value.kind !== 'map') {
      const span = value ? value.span : all;
      return [{ format: 'cell', span, findings: [...pre, { span: { ...span }, severity: 'error', code: 'cell/type', message: `a cell file holds a mapping with nodes and edges; found ${value ? describeVal(value) : 'nothing'}` }] }];
    }
    const wrapped = [CELL_MARKER_KEY, CELL_SHORT_KEY].map((k) => entryOf(value as MapVal, k)).find((e) => e && e.value.kind === 'map');
    if (wrapped && wrapped.value.kind === 'map' && (wrapped.key === CELL_MARKER_KEY || !entryOf(value, 'edges'))) {
      return [cellDefinition(wrapped.value, { start: wrapped.keySpan.start, end: wrapped.value.span.end }, wrapped.keySpan, pre)];
    }
    const anchor = value.entries[0]?.keySpan ?? value.span;
    return [cellDefinition(value, value.span, anchor, pre)];
  })[0];
}
