// Entropy-anchored step segmentation (EDU). Pure function of (tokens, params[, text]), so new
// parameters re-segment cached entropies without running the model again.
//
// Rule (docs/edu.md): a boundary goes before token t (between t−1 and t) when
//   1. H_t > τ (threshold mode) or H_t ≥ the percentile cutoff (percentile mode),
//   2. t is not in the ignore set (punctuation/symbol tokens by default), and
//   3. t − (last boundary, or 0 at the start) ≥ minGap,
// scanning left to right. Token 0 never anchors (nothing precedes it).

import type { IgnoreOptions, Segmentation, SegmentParams, Step, TokenEntropy } from './types';

export const DEFAULT_IGNORE: IgnoreOptions = Object.freeze({
  punctuationAndSymbols: true,
  digits: false,
  tokens: [] as string[],
}) as IgnoreOptions;

export const DEFAULT_SEGMENT_PARAMS: SegmentParams = Object.freeze({
  threshold: 1.0,
  percentile: null,
  minGap: 8,
  ignore: DEFAULT_IGNORE,
  boundary: 'word',
}) as SegmentParams;

export type SegmentParamsInput = Partial<Omit<SegmentParams, 'ignore'>> & { ignore?: Partial<IgnoreOptions> };

/** Fills defaults and validates; throws RangeError on invalid values. */
export function resolveSegmentParams(input: SegmentParamsInput = {}): SegmentParams {
  const p: SegmentParams = {
    threshold: input.threshold ?? DEFAULT_SEGMENT_PARAMS.threshold,
    percentile: input.percentile ?? null,
    minGap: input.minGap ?? DEFAULT_SEGMENT_PARAMS.minGap,
    ignore: {
      punctuationAndSymbols: input.ignore?.punctuationAndSymbols ?? DEFAULT_IGNORE.punctuationAndSymbols,
      digits: input.ignore?.digits ?? DEFAULT_IGNORE.digits,
      tokens: [...(input.ignore?.tokens ?? DEFAULT_IGNORE.tokens)],
      ...(input.ignore?.pattern !== undefined ? { pattern: input.ignore.pattern } : {}),
    },
    boundary: input.boundary ?? DEFAULT_SEGMENT_PARAMS.boundary,
  };
  if (!Number.isFinite(p.threshold)) throw new RangeError('threshold must be a finite number of nats');
  if (p.percentile !== null && !(p.percentile > 0 && p.percentile <= 100)) throw new RangeError('percentile must be in (0, 100]');
  if (!Number.isInteger(p.minGap) || p.minGap < 1) throw new RangeError('minGap must be an integer ≥ 1');
  if (p.boundary !== 'token' && p.boundary !== 'word') throw new RangeError("boundary must be 'token' or 'word'");
  if (p.ignore.pattern !== undefined) new RegExp(p.ignore.pattern, 'u'); // throws SyntaxError if invalid
  return p;
}

const PUNCT_OR_SYMBOL = /^[\p{P}\p{S}]*$/u;
const DIGITS = /^\p{Nd}+$/u;

/** Returns a predicate telling whether a token text may never be an anchor. */
export function makeIgnorePredicate(ignore: IgnoreOptions): (tokenText: string) => boolean {
  const exact = new Set(ignore.tokens);
  const pattern = ignore.pattern !== undefined ? new RegExp(ignore.pattern, 'u') : null;
  return (tokenText: string) => {
    const t = tokenText.trim();
    if (ignore.punctuationAndSymbols && PUNCT_OR_SYMBOL.test(t)) return true; // includes empty / whitespace-only
    if (ignore.digits && DIGITS.test(t)) return true;
    if (exact.has(t)) return true;
    if (pattern !== null && pattern.test(t)) return true;
    return false;
  };
}

/**
 * The percentile cutoff: the entropy of the ⌈q·m/100⌉-th highest of the m eligible entropies
 * (Infinity when there are none).
 */
export function percentileCutoff(entropies: readonly number[], q: number): number {
  if (entropies.length === 0) return Infinity;
  const sorted = [...entropies].sort((x, y) => y - x);
  const k = Math.min(sorted.length, Math.max(1, Math.ceil((q * sorted.length) / 100)));
  return sorted[k - 1];
}

function boundaryOffset(token: TokenEntropy, mode: SegmentParams['boundary']): number {
  if (mode === 'token') return token.start;
  const lead = token.text.length - token.text.trimStart().length;
  return lead < token.text.length ? token.start + lead : token.start;
}

/**
 * Splits the text covered by `tokens` into steps at high-entropy anchor tokens.
 * `text` defaults to the concatenation of the token texts (tokens from an EntropySource are
 * contiguous from 0, see TokenEntropy). Steps partition [0, text.length) exactly.
 */
export function segment(tokens: readonly TokenEntropy[], params: SegmentParamsInput = {}, text?: string): Segmentation {
  const p = resolveSegmentParams(params);
  const source = text ?? tokens.map((t) => t.text).join('');
  const ignored = makeIgnorePredicate(p.ignore);

  const eligible: boolean[] = tokens.map((t, i) => i > 0 && Number.isFinite(t.entropy) && !ignored(t.text));
  let threshold: number;
  let isCandidate: (h: number) => boolean;
  if (p.percentile !== null) {
    threshold = percentileCutoff(tokens.filter((_, i) => eligible[i]).map((t) => t.entropy), p.percentile);
    isCandidate = (h) => h >= threshold;
  } else {
    threshold = p.threshold;
    isCandidate = (h) => h > threshold;
  }

  const anchors: number[] = [];
  const cuts: number[] = [];
  let last = 0;
  let lastCut = 0;
  for (let t = 1; t < tokens.length; t++) {
    if (!eligible[t] || !isCandidate(tokens[t].entropy) || t - last < p.minGap) continue;
    const cut = boundaryOffset(tokens[t], p.boundary);
    if (cut <= lastCut || cut >= source.length) continue; // would create an empty step
    anchors.push(t);
    cuts.push(cut);
    last = t;
    lastCut = cut;
  }

  const steps: Step[] = [];
  const tokenStarts = [0, ...anchors];
  const charStarts = [0, ...cuts];
  const count = source.length === 0 && tokens.length === 0 ? 0 : tokenStarts.length;
  for (let s = 0; s < count; s++) {
    const tokenStart = tokenStarts[s];
    const tokenEnd = s + 1 < tokenStarts.length ? tokenStarts[s + 1] : tokens.length;
    const start = charStarts[s];
    const end = s + 1 < charStarts.length ? charStarts[s + 1] : source.length;
    let sum = 0, n = 0, max = -Infinity;
    for (let t = tokenStart; t < tokenEnd; t++) {
      const h = tokens[t].entropy;
      if (!Number.isFinite(h)) continue;
      sum += h; n++;
      if (h > max) max = h;
    }
    steps.push({
      index: s,
      start,
      end,
      text: source.slice(start, end),
      tokenStart,
      tokenEnd,
      anchor: s === 0 ? null : tokenStart,
      meanEntropy: n > 0 ? sum / n : NaN,
      maxEntropy: n > 0 ? max : NaN,
    });
  }
  return { steps, anchors, threshold, params: p };
}
