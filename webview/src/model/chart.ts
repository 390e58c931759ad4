// Pure: entropy-over-position series reduced to at most `width` points (max per bin, so peaks
// that make anchors stay visible), and the SVG path for it.

export function downsampleMax(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out = new Array<number>(width).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(width - 1, Math.floor((i * width) / values.length));
    if (values[i] > out[b]) out[b] = values[i];
  }
  return out;
}

/** SVG path data for a series in a width×height box with y = 0 at the bottom and `max` at the top. */
export function seriesPath(series: readonly number[], width: number, height: number, max: number): string {
  if (series.length === 0 || !(max > 0)) return '';
  const dx = series.length > 1 ? width / (series.length - 1) : 0;
  return series.map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * dx).toFixed(1)},${(height - (Math.min(v, max) / max) * height).toFixed(1)}`).join(' ');
}

export function thresholdY(threshold: number, height: number, max: number): number {
  return height - (Math.min(Math.max(threshold, 0), max) / max) * height;
}
