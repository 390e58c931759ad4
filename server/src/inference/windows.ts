// How a text longer than the model's context is scored: windows of at most `W` items (the start
// token included), each re-reading `overlap` tokens of left context. Shared by the embedded
// backends so that both score exactly the same positions with the same context.

export interface ScoringWindow {
  /** First text token fed to the model in this window (context). */
  contextStart: number;
  /** Positions [scoreStart, end) get their distribution in this window. */
  scoreStart: number;
  end: number;
}

/**
 * Windows covering positions 0…n−1. `prefixLength` is 1 when a start (BOS/EOS) token is fed
 * first, else 0; a window evaluates at most W − 1 items so the last prediction has a free cell.
 */
export function scoringWindows(n: number, prefixLength: 0 | 1, W: number, overlapTokens?: number): ScoringWindow[] {
  const overlap = Math.max(prefixLength === 0 ? 1 : 0, Math.min(W - 3, overlapTokens ?? Math.floor(W / 2)));
  const out: ScoringWindow[] = [];
  for (let s = 0; s < n;) {
    const c = s === 0 ? 0 : Math.max(0, s - overlap);
    const e = Math.min(n, c + W - prefixLength);
    // No start token and a single token: nothing precedes it, so nothing predicts it.
    if (prefixLength + Math.max(0, e - 1 - c) === 0) break;
    out.push({ contextStart: c, scoreStart: s, end: e });
    s = e;
  }
  return out;
}
