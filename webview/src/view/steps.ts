// The list of steps; activating one asks the host to select it in the editor.
import type { StepView, WebviewToHost } from '../../../server/src/protocol/webview';
import { el } from './dom';

export function renderSteps(root: HTMLElement, steps: readonly StepView[], post: (m: WebviewToHost) => void): void {
  root.replaceChildren();
  const list = el('ol', { class: 'steps', 'aria-label': `${steps.length} steps` });
  for (const s of steps) {
    const item = el('li');
    const b = el('button', { class: 'step', 'data-step': String(s.index), title: 'Select this step in the editor' });
    b.append(
      el('span', { class: 'step-no' }, `Step ${s.index + 1}`),
      el('span', { class: 'step-text' }, s.preview),
      el('span', { class: 'muted small' }, `mean ${s.meanEntropy.toFixed(2)} · max ${s.maxEntropy.toFixed(2)} nats`),
    );
    b.addEventListener('click', () => post({ type: 'selectStep', index: s.index }));
    item.append(b);
    list.append(item);
  }
  root.append(list);
}
