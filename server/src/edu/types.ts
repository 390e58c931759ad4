// Plain data for EDU (entropy-driven) step segmentation. Pure: no vscode, LSP or Node I/O.
// Offsets are UTF-16 code units into the original string (what JS strings and LSP use).

/** One alternative next token at a position. */
export interface TokenAlternative {
  text: string;
  /** Natural-log probability. */
  logprob: number;
}

/**
 * A token of the scored text with the entropy of the model's next-token distribution *before*
 * it, i.e. H(p(· | x<t)), in nats.
 *
 * Invariants (guaranteed by every EntropySource): tokens are in order, contiguous
 * (`tokens[i].end === tokens[i + 1].start`), the first starts at 0, the last ends at
 * `text.length`, and `text === original.slice(start, end)`, so concatenating the token texts
 * gives back the original string exactly. A token may be empty (`start === end`) when several
 * tokens together spell one character (byte-fallback pieces of a multi-byte character: the
 * character is attributed to the first of them).
 */
export interface TokenEntropy {
  text: string;
  start: number;
  end: number;
  /** Entropy in nats. NaN when the backend gave no distribution for this position. */
  entropy: number;
  /** ln p(actual token | prefix). NaN when unknown (e.g. outside a returned top-k list). */
  logprob: number;
  /** Most likely next tokens at this position, most likely first. */
  top: TokenAlternative[];
  /** For top-k backends: [lower, upper] bounds on the true full-vocabulary entropy. */
  entropyBounds?: [number, number];
  /** Total probability of the reported distribution (≈ 1 for exact backends; Σ top-k otherwise). */
  mass?: number;
}

export interface IgnoreOptions {
  /**
   * Never anchor at tokens whose text, without surrounding whitespace, is empty or made only of
   * Unicode punctuation (\p{P}) and symbol (\p{S}) characters: `.`, `,`, `=`, `+`, `$`, `\n`, …
   */
  punctuationAndSymbols: boolean;
  /** Never anchor at tokens whose trimmed text is only digits (off by default). */
  digits: boolean;
  /** Extra trimmed token texts never to anchor at (exact, case-sensitive match). */
  tokens: string[];
  /** Optional regular expression (source, flag `u`) tested against the trimmed token text. */
  pattern?: string;
}

export interface SegmentParams {
  /** τ in nats: a token is a candidate anchor when H > τ. */
  threshold: number;
  /**
   * Percentile mode: when set (0 < q ≤ 100), τ is replaced by the entropy of the ⌈q%⌉-th
   * highest-entropy eligible token of this text, and candidates are tokens with H ≥ that value.
   */
  percentile: number | null;
  /** Minimum number of tokens between two boundaries (and between the start and the first one). */
  minGap: number;
  ignore: IgnoreOptions;
  /**
   * Where the boundary goes inside the anchor token's range: `token` = at its start; `word` = after
   * its leading whitespace, so a step starts at the word and the whitespace ends the previous one.
   */
  boundary: 'token' | 'word';
}

export interface Step {
  index: number;
  /** UTF-16 range into the original text; consecutive steps are contiguous and cover it exactly. */
  start: number;
  end: number;
  text: string;
  /** Token index range [tokenStart, tokenEnd). */
  tokenStart: number;
  tokenEnd: number;
  /** Index of the anchor token that opened this step; null for the first step. */
  anchor: number | null;
  /** Mean and max entropy (nats) over the step's tokens with a finite entropy (NaN if none). */
  meanEntropy: number;
  maxEntropy: number;
}

export interface Segmentation {
  steps: Step[];
  /** Anchor token indices, ascending (one per step after the first). */
  anchors: number[];
  /** The threshold actually used (τ, or the percentile cutoff). */
  threshold: number;
  params: SegmentParams;
}
