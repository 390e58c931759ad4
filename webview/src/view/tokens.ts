// The text as tokens coloured by entropy. Rendered incrementally (a chunk per frame) so a
// 20,000-token selection paints at once and stays responsive; step anchors are classes that
// are swapped without re-rendering.
import type { StepView, TokenView } from '../../../server/src/protocol/webview';
import { entropyBucket, formatNats, formatProb } from '../model/entropyScale';
import { el } from './dom';

const CHUNK = 2000;

export interface TokenViewHandle {
  setAnchors(steps: readonly StepView[]): void;
  /** Resolves when every token is in the DOM; `firstPaint` when the first chunk is. */
  done: Promise<void>;
  firstPaint: Promise<void>;
}

export function renderTokens(root: HTMLElement, tooltip: HTMLElement, tokens: readonly TokenView[], max: number): TokenViewHandle {
  root.replaceChildren();
  root.setAttribute('tabindex', '0');
  root.setAttribute('role', 'application');
  root.setAttribute('aria-label', 'Tokens coloured by entropy. Left and right arrows move between tokens.');
  const spans: HTMLSpanElement[] = new Array(tokens.length);
  let anchors: number[] = [];
  let pendingAnchors: readonly StepView[] = [];
  let active = -1;

  const applyAnchors = () => {
    for (const i of anchors) spans[i]?.classList.remove('anchor');
    anchors = pendingAnchors.filter((s) => s.anchor >= 0 && spans[s.anchor]).map((s) => s.anchor);
    for (const s of pendingAnchors) {
      const span = spans[s.anchor];
      if (s.anchor >= 0 && span) { span.classList.add('anchor'); span.dataset.step = String(s.index + 1); }
    }
  };

  let resolveFirst!: () => void;
  const firstPaint = new Promise<void>((r) => { resolveFirst = r; });
  const done = new Promise<void>((resolve) => {
    let next = 0;
    const step = () => {
      if (!root.isConnected && next > 0) return resolve();
      const frag = document.createDocumentFragment();
      const end = Math.min(tokens.length, next + CHUNK);
      for (let i = next; i < end; i++) {
        const t = tokens[i];
        const s = el('span', { class: `tok h${entropyBucket(t.entropy, max)}`, 'data-i': String(i) }, t.text);
        spans[i] = s;
        frag.append(s);
      }
      root.append(frag);
      next = end;
      applyAnchors();
      if (next === end && end > 0 && end <= CHUNK) resolveFirst();
      if (next < tokens.length) requestAnimationFrame(step); else { resolveFirst(); resolve(); }
    };
    step();
  });

  const show = (i: number, anchor: HTMLElement) => {
    const t = tokens[i];
    if (!t) return;
    tooltip.replaceChildren(
      el('div', {}, `“${t.text}”`),
      el('div', {}, `entropy ${formatNats(t.entropy)} · log p ${t.logprob.toFixed(3)} (${formatProb(t.logprob)})`),
    );
    if (t.top.length) {
      const list = el('ol', { class: 'alts' });
      for (const a of t.top.slice(0, 5)) list.append(el('li', {}, `“${a.text}” ${formatProb(a.logprob)}`));
      tooltip.append(list);
    }
    const r = anchor.getBoundingClientRect();
    tooltip.style.left = `${Math.max(0, r.left)}px`;
    tooltip.style.top = `${r.bottom + window.scrollY + 4}px`;
    tooltip.hidden = false;
  };
  root.addEventListener('mouseover', (e) => {
    const target = e.target as HTMLElement;
    if (target.dataset.i !== undefined) show(Number(target.dataset.i), target);
  });
  root.addEventListener('mouseleave', () => { tooltip.hidden = true; });
  root.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    spans[active]?.classList.remove('active');
    active = Math.max(0, Math.min(tokens.length - 1, active + (e.key === 'ArrowRight' ? 1 : -1)));
    const span = spans[active];
    if (!span) return;
    span.classList.add('active');
    span.scrollIntoView({ block: 'nearest' });
    show(active, span);
  });
  root.addEventListener('blur', () => { tooltip.hidden = true; });

  return {
    setAnchors(steps) { pendingAnchors = steps; applyAnchors(); },
    done,
    firstPaint,
  };
}
