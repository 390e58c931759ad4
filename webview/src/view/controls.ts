// Threshold slider, min-gap field and percentile toggle. Every change posts setParams;
// the host re-segments from cached entropies.
import type { SegmentParams } from '../../../server/src/protocol/webview';
import { el } from './dom';

export function renderControls(root: HTMLElement, params: SegmentParams, onChange: (p: SegmentParams) => void): void {
  root.replaceChildren();
  let current = { ...params };
  const emit = (patch: Partial<SegmentParams>) => { current = { ...current, ...patch }; onChange(current); update(); };

  const percentile = el('input', { type: 'checkbox', id: 'percentile-mode' });
  percentile.checked = current.mode === 'percentile';
  percentile.addEventListener('change', () => emit({ mode: percentile.checked ? 'percentile' : 'threshold' }));

  const slider = el('input', { type: 'range', id: 'threshold', min: '0', max: '8', step: '0.05', 'aria-describedby': 'threshold-value' });
  const sliderValue = el('output', { id: 'threshold-value', for: 'threshold' });
  slider.addEventListener('input', () => {
    const v = Number(slider.value);
    emit(current.mode === 'percentile' ? { percentile: Math.max(0.5, v * 12.5) } : { threshold: v });
  });

  const gap = el('input', { type: 'number', id: 'min-gap', min: '1', max: '1000', step: '1' });
  gap.value = String(current.minGap);
  gap.addEventListener('change', () => {
    const n = Math.round(Number(gap.value));
    if (Number.isInteger(n) && n >= 1) emit({ minGap: n }); else gap.value = String(current.minGap);
  });

  function update(): void {
    if (current.mode === 'percentile') {
      slider.value = String(current.percentile / 12.5);
      slider.setAttribute('aria-label', 'Percentile of highest entropies that open a step');
      sliderValue.textContent = `top ${current.percentile.toFixed(1)}%`;
    } else {
      slider.value = String(current.threshold);
      slider.setAttribute('aria-label', 'Entropy threshold in nats');
      sliderValue.textContent = `τ = ${current.threshold.toFixed(2)} nats`;
    }
  }
  update();

  root.append(
    el('label', { for: 'threshold' }, 'Boundary '), slider, sliderValue,
    el('label', { for: 'min-gap' }, ' Min gap '), gap,
    el('label', { for: 'percentile-mode', class: 'toggle' }, ' Percentile mode '), percentile,
  );
}
