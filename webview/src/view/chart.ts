// Entropy over token position with the threshold line (plain SVG).
import type { SegmentParams, TokenView } from '../../../server/src/protocol/webview';
import { downsampleMax, seriesPath, thresholdY } from '../model/chart';
import { svg, el } from './dom';

const W = 600;
const H = 80;

export function renderChart(root: HTMLElement, tokens: readonly TokenView[], params: SegmentParams, max: number, threshold: number): void {
  root.replaceChildren();
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', class: 'chart',
    'aria-label': `Entropy of ${tokens.length} tokens; maximum ${max.toFixed(2)} nats; boundary at ${threshold.toFixed(2)} nats` });
  const series = downsampleMax(tokens.map((t) => t.entropy), W);
  s.append(svg('path', { d: seriesPath(series, W, H, max), class: 'series' }));
  const y = thresholdY(threshold, H, max).toFixed(1);
  s.append(svg('line', { x1: '0', x2: String(W), y1: y, y2: y, class: 'threshold' }));
  root.append(s, el('div', { class: 'muted small' }, params.mode === 'percentile'
    ? `Line: the top ${params.percentile.toFixed(1)}% entropy level (${threshold.toFixed(2)} nats)`
    : `Line: threshold τ = ${threshold.toFixed(2)} nats`));
}
