// EDU panel entry: restore state, say ready, render what the host sends.
import {
  PROTOCOL_VERSION, assertNever, isHostToWebview,
  type BackendView, type HostToWebview, type PanelStatus, type SegmentationView, type TokenView, type WebviewToHost,
} from '../../server/src/protocol/webview';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { vscode } from './vscodeApi';
import { legendStops, scaleMax, BUCKETS } from './model/entropyScale';
import { el } from './view/dom';
import { renderHeader } from './view/header';
import { renderControls } from './view/controls';
import { renderChart } from './view/chart';
import { renderSteps } from './view/steps';
import { renderTokens, type TokenViewHandle } from './view/tokens';

const app = document.getElementById('app')!;
const header = el('header', { id: 'header' });
const controls = el('section', { id: 'controls', 'aria-label': 'Segmentation parameters' });
const legend = el('div', { id: 'legend', 'aria-label': 'Entropy colour scale' });
const chart = el('section', { id: 'chart', 'aria-label': 'Entropy over token position' });
const body = el('div', { class: 'columns' });
const stepsPane = el('nav', { id: 'steps', 'aria-label': 'Steps' });
const tokensPane = el('section', { id: 'tokens' });
const tooltip = el('div', { id: 'tooltip', role: 'tooltip' });
tooltip.hidden = true;
body.append(stepsPane, tokensPane);
app.append(header, controls, legend, chart, body, tooltip);

let backend: BackendView | null = null;
let status: PanelStatus = { kind: 'idle' };
let tokens: TokenView[] = [];
let max = 1;
let handle: TokenViewHandle | undefined;

const post = (m: WebviewToHost) => vscode.postMessage(m);

function renderLegend(): void {
  legend.replaceChildren(el('span', { class: 'muted small' }, 'entropy (nats): '));
  for (const [i, stop] of legendStops(max).entries()) {
    legend.append(el('span', { class: `swatch h${i}`, title: `≥ ${stop.toFixed(2)} nats` }, stop.toFixed(1)));
  }
  legend.append(el('span', { class: 'muted small' }, ` … ${max.toFixed(1)}`));
  legend.hidden = tokens.length === 0;
  legend.dataset.buckets = String(BUCKETS);
}

function renderParams(seg: SegmentationView): void {
  renderControls(controls, seg.params, (params) => {
    vscode.setState({ ...vscode.getState(), params });
    post({ type: 'setParams', params });
  });
}

/** Chart, steps and anchors. The controls are left alone: they produced these parameters and keep focus. */
function renderSegmentation(seg: SegmentationView): void {
  renderChart(chart, tokens, seg.params, max, seg.effectiveThreshold);
  renderSteps(stepsPane, seg.steps, post);
  handle?.setAnchors(seg.steps);
}

function onMessage(m: HostToWebview): void {
  switch (m.type) {
    case 'status':
      status = m.status;
      renderHeader(header, backend, status, post);
      break;
    case 'backend':
      backend = m.backend;
      renderHeader(header, backend, status, post);
      break;
    case 'document': {
      const t0 = performance.now();
      tokens = m.tokens;
      max = scaleMax(tokens.map((t) => t.entropy));
      renderLegend();
      handle = renderTokens(tokensPane, tooltip, tokens, max);
      renderParams(m.segmentation);
      renderSegmentation(m.segmentation);
      const h = handle;
      void h.firstPaint.then(async () => {
        const firstPaintMs = performance.now() - t0;
        await h.done;
        post({ type: 'rendered', tokens: tokens.length, firstPaintMs, totalMs: performance.now() - t0 });
        const scrollTop = vscode.getState()?.scrollTop;
        if (scrollTop) tokensPane.scrollTop = scrollTop;
      });
      break;
    }
    case 'steps':
      renderSegmentation(m.segmentation);
      break;
    default:
      assertNever(m);
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  if (isHostToWebview(e.data)) onMessage(e.data);
});
tokensPane.addEventListener('scroll', () => vscode.setState({ ...vscode.getState(), scrollTop: tokensPane.scrollTop }), { passive: true });

renderHeader(header, backend, status, post);
post({ type: 'ready', version: PROTOCOL_VERSION });
