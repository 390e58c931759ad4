// Backend line, status and the call to action when no backend is configured.
import type { BackendView, PanelStatus, WebviewToHost } from '../../../server/src/protocol/webview';
import { el } from './dom';

export function renderHeader(root: HTMLElement, backend: BackendView | null, status: PanelStatus, post: (m: WebviewToHost) => void): void {
  root.replaceChildren();
  const line = el('div', { class: 'backend' });
  if (backend) {
    line.append(el('strong', {}, backend.model), el('span', { class: 'muted' }, ` · ${backend.backend}`));
    if (backend.capabilities.length) line.append(el('span', { class: 'muted' }, ` · ${backend.capabilities.join(', ')}`));
  } else {
    line.append(el('span', { class: 'muted' }, 'No inference backend yet'));
  }
  root.append(line);
  const button = (label: string, command: 'chooseModel' | 'setEndpoint' | 'segmentAgain' | 'cancel') => {
    const b = el('vscode-button' as 'button', { 'data-command': command }, label);
    b.addEventListener('click', () => post({ type: 'runCommand', command }));
    return b;
  };
  switch (status.kind) {
    case 'needsBackend': {
      const cta = el('div', { class: 'cta', role: 'region', 'aria-label': 'Set up a backend' });
      cta.append(el('p', {}, status.message), button('Choose GGUF Model…', 'chooseModel'), button('Set Endpoint…', 'setEndpoint'));
      root.append(cta);
      break;
    }
    case 'running': {
      const p = el('div', { class: 'status', role: 'status' });
      const pct = status.total > 0 ? ` ${Math.round((100 * status.done) / status.total)}%` : '';
      p.append(el('vscode-progress-ring' as 'span', {}), el('span', {}, `${status.message}${pct}`), button('Cancel', 'cancel'));
      root.append(p);
      break;
    }
    case 'error':
      root.append(el('div', { class: 'error', role: 'alert' }, status.message), button('Try Again', 'segmentAgain'));
      break;
    case 'idle':
      break;
  }
}
