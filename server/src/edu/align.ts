// Token-to-character alignment: maps a tokenisation of a string back to exact, contiguous UTF-16
// ranges of that string. Pure.
//
// Backends describe tokens differently (node-llama-cpp detokenises ids; llama-server returns
// `piece` strings or byte arrays; vLLM returns decoded strings, "" or "\uFFFD" for partial UTF-8).
// All of them reduce to a *group decoder*: `decode(from, to)` = the text of tokens [from, to) as
// it appears in the original (with its leading space, if any). The aligner walks the tokens:
//
// 1. A group normally is one token. If its text does not match the original at the cursor and
//    ends with U+FFFD (an incomplete UTF-8 sequence), the smallest group of following tokens
//    whose joint text matches is taken (e.g. the 2–4 byte-fallback tokens of "é" or "😀"). The
//    whole text of a group goes to its first token; the others get empty ranges at its end.
// 2. If no group matches (the tokenizer normalised the text, e.g. a literal "▁" decoded as " ",
//    or a backend dropped a leading space or returned lossy "\uFFFD" pieces), the aligner
//    re-synchronises (see `resync`): skipped whitespace goes to this token; otherwise the token
//    ends where the next token's text matches, preferring as many characters as it decoded to.
// 3. Ranges never split a surrogate pair, are contiguous, start at 0 and the last one ends at
//    text.length, so concatenating `text.slice(start, end)` over the tokens gives the text back.

export interface CharRange {
  start: number;
  end: number;
}

/** Text of tokens [from, to), as a substring of the original would read. */
export type GroupDecoder = (from: number, to: number) => string;

export interface AlignOptions {
  /** Maximum tokens in one group (default 8: a UTF-8 character has at most 4 bytes). */
  maxGroup?: number;
  /** Maximum characters skipped to re-synchronise (default 4). */
  maxSkip?: number;
}

const REPLACEMENT = '\uFFFD';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Moves `end` forward past a low surrogate so that a pair is never split. */
function snapEnd(text: string, end: number): number {
  if (end > 0 && end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) return end + 1;
  return end;
}

/**
 * End of a token whose decoded text `s` does not match the text at `pos`. `next` is the decoded
 * text of the following token (null at the end). Tries, in order: `s` after skipped whitespace
 * (a backend dropped a leading space); the same number of characters as `s` if the next token
 * matches there (a 1:1 normalisation such as "▁" → " "); the nearest end within `maxSkip` extra
 * characters where the next token matches; and finally `s.length` characters.
 */
function resync(text: string, pos: number, s: string, next: string | null, maxSkip: number): number {
  const limit = Math.min(text.length, pos + s.length + maxSkip);
  if (s.length > 0) {
    const ahead = text.indexOf(s, pos + 1);
    if (ahead > pos && ahead <= pos + maxSkip && text.slice(pos, ahead).trim() === '') return ahead + s.length;
  }
  const nextMatches = (e: number): boolean => {
    if (next === null) return e === text.length;
    if (next.length === 0 || next.endsWith(REPLACEMENT)) return false;
    return text.startsWith(next, e);
  };
  const same = Math.min(text.length, pos + s.length);
  if (nextMatches(same)) return same;
  for (let e = pos; e <= limit; e++) if (nextMatches(e)) return e;
  return same;
}

export function alignTokens(text: string, count: number, decode: GroupDecoder, options: AlignOptions = {}): CharRange[] {
  const maxGroup = options.maxGroup ?? 8;
  const maxSkip = options.maxSkip ?? 4;
  const ranges: CharRange[] = new Array(count);
  let pos = 0;
  let a = 0;
  while (a < count) {
    // Smallest group that matches; grow only while the decoded text ends in an incomplete character.
    let j = a;
    let s = decode(a, a + 1);
    let matched = text.startsWith(s, pos);
    if (!matched) {
      let g = s;
      for (let k = a + 1; k < count && k - a < maxGroup && g.endsWith(REPLACEMENT); k++) {
        g = decode(a, k + 1);
        if (text.startsWith(g, pos)) { j = k; s = g; matched = true; break; }
      }
    }
    let end: number;
    if (matched) {
      end = pos + s.length;
    } else {
      end = resync(text, pos, s, j + 1 < count ? decode(j + 1, j + 2) : null, maxSkip);
    }
    end = snapEnd(text, end);
    ranges[a] = { start: pos, end };
    for (let k = a + 1; k <= j; k++) ranges[k] = { start: end, end };
    pos = end;
    a = j + 1;
  }
  if (count > 0 && pos < text.length) ranges[count - 1] = { start: ranges[count - 1].start, end: text.length };
  return ranges;
}

/** A token's text as a backend reports it: a string, or raw bytes when not valid UTF-8. */
export type Piece = string | readonly number[];

/**
 * Aligns per-token pieces (llama-server `piece`, vLLM `decoded_token`, OpenAI `tokens`) to the
 * text. Pieces are joined at the byte level, so byte-array pieces combine into characters. If the
 * tokenizer added a SentencePiece prefix space (the pieces spell " " + text), the first piece's
 * leading space is dropped.
 */
export function alignPieces(text: string, pieces: readonly Piece[], options: AlignOptions = {}): CharRange[] {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  const bytes: Uint8Array[] = pieces.map((p) => (typeof p === 'string' ? encoder.encode(p) : Uint8Array.from(p)));
  const join = (from: number, to: number): string => {
    let n = 0;
    for (let i = from; i < to; i++) n += bytes[i].length;
    const all = new Uint8Array(n);
    let o = 0;
    for (let i = from; i < to; i++) { all.set(bytes[i], o); o += bytes[i].length; }
    return decoder.decode(all);
  };
  if (bytes.length > 0 && bytes[0].length > 0 && bytes[0][0] === 0x20 && !text.startsWith(' ')) {
    bytes[0] = bytes[0].subarray(1);
  } else if (bytes.length > 0 && bytes[0].length > 0 && bytes[0][0] === 0x20) {
    // Both start with a space: drop one only if the pieces spell exactly " " + text.
    const all = join(0, bytes.length);
    if (all !== text && all === ' ' + text) bytes[0] = bytes[0].subarray(1);
  }
  return alignTokens(text, pieces.length, join, options);
}

/** Checks the alignment invariants; returns a description of the first violation or null. */
export function checkAlignment(text: string, ranges: readonly CharRange[]): string | null {
  let pos = 0;
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i];
    if (r.start !== pos) return `token ${i} starts at ${r.start}, expected ${pos}`;
    if (r.end < r.start) return `token ${i} ends before it starts`;
    pos = r.end;
  }
  if (ranges.length > 0 && pos !== text.length) return `tokens end at ${pos}, text has ${text.length} characters`;
  return null;
}
