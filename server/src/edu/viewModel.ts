// Pure: the panel's view-models from cached entropies and a segmentation.
import { segment } from './segment';
import type { Segmentation, TokenEntropy } from './types';
import type { SegmentationView, SegmentParams as PanelParams, StepView, TokenView } from '../protocol/webview';

const PREVIEW_CHARS = 80;

export const DEFAULT_PANEL_PARAMS: PanelParams = { mode: 'threshold', threshold: 1.0, percentile: 15, minGap: 8 };

export function toTokenViews(tokens: readonly TokenEntropy[]): TokenView[] {
  return tokens.map((t) => ({
    text: t.text, start: t.start, end: t.end,
    // JSON has no NaN: a position without a distribution shows as 0 nats.
    entropy: Number.isFinite(t.entropy) ? t.entropy : 0,
    logprob: Number.isFinite(t.logprob) ? t.logprob : 0,
    top: t.top,
  }));
}

/** Re-segments from cached entropies: no inference, a pure function of tokens and params. */
export function segmentForPanel(tokens: readonly TokenEntropy[], text: string, params: PanelParams): Segmentation {
  return segment(tokens, {
    threshold: params.threshold,
    percentile: params.mode === 'percentile' ? params.percentile : null,
    minGap: params.minGap,
  }, text);
}

export function toSegmentationView(seg: Segmentation, params: PanelParams): SegmentationView {
  return { params, effectiveThreshold: seg.threshold, steps: seg.steps.map(toStepView) };
}

function toStepView(s: Segmentation['steps'][number]): StepView {
  const flat = s.text.replace(/\s+/g, ' ').trim();
  return {
    index: s.index, start: s.start, end: s.end,
    preview: flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat,
    meanEntropy: s.meanEntropy, maxEntropy: s.maxEntropy,
    anchor: s.anchor ?? -1,
  };
}
