// Search results view: a table of the top results, SED against params for every evaluated
// candidate with the Pareto front, and the SED histogram of the space with the chosen one marked.
import { isObject } from './guards';
import type { HostToResults, ResultsToHost, ResultsView } from '../../../server/src/protocol/results';
import { el, svg } from '../view/dom';
import { binOf, extent, linearScale, ticks } from './plot';

declare function acquireVsCodeApi(): { postMessage(m: ResultsToHost): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

const W = 520, H = 260, M = { l: 48, r: 12, t: 10, b: 36 };

function axes(root: SVGSVGElement, x: ReturnType<typeof linearScale>, y: ReturnType<typeof linearScale>, xLabel: string, yLabel: string): void {
  for (const t of ticks(...x.domain)) {
    root.append(svg('line', { x1: String(x(t)), x2: String(x(t)), y1: String(H - M.b), y2: String(H - M.b + 4), class: 'axis' }));
    const label = svg('text', { x: String(x(t)), y: String(H - M.b + 16), 'text-anchor': 'middle', class: 'tick' });
    label.textContent = String(t);
    root.append(label);
  }
  for (const t of ticks(...y.domain)) {
    root.append(svg('line', { x1: String(M.l - 4), x2: String(M.l), y1: String(y(t)), y2: String(y(t)), class: 'axis' }));
    const label = svg('text', { x: String(M.l - 6), y: String(y(t) + 4), 'text-anchor': 'end', class: 'tick' });
    label.textContent = String(t);
    root.append(label);
  }
  root.append(svg('line', { x1: String(M.l), x2: String(W - M.r), y1: String(H - M.b), y2: String(H - M.b), class: 'axis' }));
  root.append(svg('line', { x1: String(M.l), x2: String(M.l), y1: String(M.t), y2: String(H - M.b), class: 'axis' }));
  const xl = svg('text', { x: String((M.l + W - M.r) / 2), y: String(H - 4), 'text-anchor': 'middle', class: 'label' });
  xl.textContent = xLabel;
  const yl = svg('text', { x: '12', y: String((M.t + H - M.b) / 2), transform: `rotate(-90 12 ${(M.t + H - M.b) / 2})`, 'text-anchor': 'middle', class: 'label' });
  yl.textContent = yLabel;
  root.append(xl, yl);
}

function scatter(v: ResultsView): SVGSVGElement {
  const pareto = v.scatter.filter((p) => p.pareto).length;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'plot',
    'aria-label': `SED against parameters for ${v.scatter.length} evaluated candidates; ${pareto} on the Pareto front` });
  const x = linearScale(extent(v.scatter.map((p) => p.params)), [M.l, W - M.r]);
  const y = linearScale(extent(v.scatter.map((p) => p.sed)), [H - M.b, M.t]);
  axes(root, x, y, 'params (M)', 'SED (nats)');
  for (const p of v.scatter) if (!p.pareto) root.append(svg('circle', { cx: x(p.params).toFixed(1), cy: y(p.sed).toFixed(1), r: '1.6', class: 'pt' }));
  const front = v.scatter.filter((p) => p.pareto).sort((a, b) => a.params - b.params);
  if (front.length) root.append(svg('path', { d: front.map((p, i) => `${i ? 'L' : 'M'}${x(p.params).toFixed(1)},${y(p.sed).toFixed(1)}`).join(' '), class: 'front' }));
  for (const p of front) root.append(svg('circle', { cx: x(p.params).toFixed(1), cy: y(p.sed).toFixed(1), r: '3', class: 'pareto' }));
  return root;
}

function histogram(v: ResultsView): SVGSVGElement | undefined {
  const h = v.histogram;
  if (!h || h.counts.length === 0) return undefined;
  const bins = h.counts.length;
  const chosen = v.chosen !== undefined ? v.rows[v.chosen] : v.rows[0];
  const mark = chosen ? binOf(chosen.sed, h.min, h.binWidth, bins) : -1;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'plot',
    'aria-label': `Histogram of SED over ${h.of === 'space' ? 'the whole space' : 'a seeded sample of the space'}${chosen ? `; the ${v.chosen !== undefined ? 'chosen' : 'best'} architecture has SED ${chosen.sed.toFixed(3)}` : ''}` });
  const span = bins * h.binWidth;
  const x = linearScale([h.min - 0.03 * span, h.min + 1.03 * span], [M.l, W - M.r]);
  const y = linearScale([0, Math.max(...h.counts)], [H - M.b, M.t]);
  axes(root, x, y, 'SED (nats)', 'architectures');
  h.counts.forEach((c, i) => {
    const x0 = x(h.min + i * h.binWidth), x1 = x(h.min + (i + 1) * h.binWidth);
    // The marked bin stays visible even when only a few architectures fall in it.
    const barH = i === mark ? Math.max(3, y(0) - y(c)) : y(0) - y(c);
    root.append(svg('rect', { x: x0.toFixed(1), width: Math.max(0.5, x1 - x0 - 1).toFixed(1), y: (y(0) - barH).toFixed(1), height: barH.toFixed(1), class: i === mark ? 'bar marked' : 'bar' }));
  });
  if (chosen && Number.isFinite(chosen.sed)) {
    const cx = x(chosen.sed).toFixed(1);
    root.append(svg('line', { x1: cx, x2: cx, y1: String(M.t), y2: String(H - M.b), class: 'chosen' }));
  }
  return root;
}

function table(v: ResultsView): HTMLTableElement {
  const t = el('table', { class: 'results' });
  const head = el('tr');
  for (const h of ['#', 'SED', 'params (M)', 'MFLOPs', 'architecture', '']) head.append(el('th', { scope: 'col' }, h));
  t.append(el('thead'), el('tbody'));
  t.tHead!.append(head);
  for (const [i, r] of v.rows.entries()) {
    const tr = el('tr', i === v.chosen ? { class: 'chosen-row' } : {});
    const insert = el('button', { class: 'link', 'aria-label': `Insert result ${r.rank} at the cursor` }, 'Insert');
    insert.addEventListener('click', () => vscode.postMessage({ type: 'insert', index: i }));
    const arch = el('td', { class: 'arch' });
    arch.append(el('code', {}, r.arch));
    tr.append(el('td', {}, String(r.rank)), el('td', {}, r.sed.toFixed(3)), el('td', {}, r.params.toFixed(3)), el('td', {}, r.flops.toFixed(1)), arch);
    const cell = el('td');
    cell.append(insert);
    tr.append(cell);
    t.tBodies[0].append(tr);
  }
  return t;
}

function render(v: ResultsView): void {
  app.replaceChildren(
    el('h2', {}, `${v.space}: top ${v.rows.length} by SED`),
    el('p', { class: 'muted' }, `${v.evaluated.toLocaleString('en-US')} candidates evaluated in ${Math.round(v.millis)} ms${v.cancelled ? ' (cancelled: best so far)' : ''} · constraints: ${v.constraints}`),
    table(v),
  );
  const charts = el('div', { class: 'charts' });
  const s = el('figure');
  s.append(scatter(v), el('figcaption', { class: 'muted' }, 'SED against params; the Pareto front (more SED for fewer params) is highlighted'));
  charts.append(s);
  const hist = histogram(v);
  if (hist) {
    const f = el('figure');
    f.append(hist, el('figcaption', { class: 'muted' }, `SED over ${v.histogram!.of === 'space' ? 'the whole space' : 'a seeded sample of the space'}; the line marks the ${v.chosen !== undefined ? 'chosen' : 'best'} architecture${v.histogram!.minusInfinity ? ` (${v.histogram!.minusInfinity} disconnected cells not shown)` : ''}`));
    charts.append(f);
  }
  app.append(charts);
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as HostToResults;
  if (isObject(m) && m.type === 'results' && isObject(m.view)) {
    vscode.setState(m.view);
    render(m.view);
  }
});
const saved = vscode.getState();
if (isObject(saved)) render(saved as unknown as ResultsView);
vscode.postMessage({ type: 'ready' });
