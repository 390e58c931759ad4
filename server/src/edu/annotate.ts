// Pure: writing steps back into text. Separator insertions (applied by the editor as one edit)
// and the ProcessBench record for the clipboard.

export type SeparatorStyle = 'blankLine' | 'stepLabel' | 'mathShepherd' | 'qwenPrm';

export interface StepRange {
  start: number;
  end: number;
}

export interface Insertion {
  offset: number;
  text: string;
}

export const SEPARATOR_STYLES: { id: SeparatorStyle; label: string; detail: string }[] = [
  { id: 'blankLine', label: 'Blank line', detail: 'a blank line between steps' },
  { id: 'stepLabel', label: 'Step k:', detail: '"Step 1: " at the start of each step' },
  { id: 'mathShepherd', label: 'Math-Shepherd ки', detail: '" ки" at the end of each step' },
  { id: 'qwenPrm', label: 'Qwen PRM <extra_0>', detail: '"<extra_0>" at the end of each step' },
];

/** Offset just after the last non-whitespace character in [start, end). */
function contentEnd(text: string, r: StepRange): number {
  let e = r.end;
  while (e > r.start && /\s/.test(text[e - 1])) e--;
  return e;
}

function contentStart(text: string, r: StepRange): number {
  let s = r.start;
  while (s < r.end && /\s/.test(text[s])) s++;
  return s;
}

/**
 * Insertions (ascending offsets, relative to `text`) that mark every step boundary.
 * Steps must tile the text in order; empty steps are skipped.
 */
export function separatorInsertions(text: string, steps: readonly StepRange[], style: SeparatorStyle): Insertion[] {
  const out: Insertion[] = [];
  const real = steps.filter((s) => contentStart(text, s) < contentEnd(text, s));
  real.forEach((step, k) => {
    switch (style) {
      case 'blankLine': {
        if (k === 0) return;
        const at = contentStart(text, step);
        const before = text.slice(Math.max(0, at - 2), at);
        const gap = text.slice(contentEnd(text, real[k - 1]), at);
        const newlines = (gap.match(/\n/g) ?? []).length;
        if (newlines >= 2) return;
        out.push({ offset: at, text: newlines === 1 || before.endsWith('\n') ? '\n' : '\n\n' });
        return;
      }
      case 'stepLabel': {
        const at = contentStart(text, step);
        const atLineStart = at === 0 || text[at - 1] === '\n';
        out.push({ offset: at, text: `${atLineStart ? '' : '\n'}Step ${k + 1}: ` });
        return;
      }
      case 'mathShepherd':
        out.push({ offset: contentEnd(text, step), text: ' ки' });
        return;
      case 'qwenPrm':
        out.push({ offset: contentEnd(text, step), text: '<extra_0>' });
        return;
    }
  });
  return out.sort((a, b) => a.offset - b.offset);
}

/** Applies insertions to a string (what the editor edit will produce), for previews and tests. */
export function applyInsertions(text: string, insertions: readonly Insertion[]): string {
  let out = '';
  let pos = 0;
  for (const i of insertions) {
    out += text.slice(pos, i.offset) + i.text;
    pos = i.offset;
  }
  return out + text.slice(pos);
}

export interface ProcessBenchRecord {
  problem: string;
  steps: string[];
}

/**
 * `{problem, steps}` as in ProcessBench. When the text opens with a paragraph labelled
 * "Problem:" or "Question:", that paragraph is the problem and is left out of the steps.
 */
export function processBenchRecord(text: string, steps: readonly StepRange[]): ProcessBenchRecord {
  const m = /^\s*(?:problem|question)\s*:\s*([\s\S]*?)(?:\n\s*\n|$)/i.exec(text);
  const problemEnd = m ? m.index + m[0].length : 0;
  const stepTexts: string[] = [];
  for (const s of steps) {
    const start = Math.max(s.start, problemEnd);
    if (start >= s.end) continue;
    const t = text.slice(start, s.end).trim();
    if (t) stepTexts.push(t);
  }
  return { problem: m ? m[1].trim() : '', steps: stepTexts };
}
