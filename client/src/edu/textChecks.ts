// Pure: whether a text can be sent for segmentation.

/** Why a text cannot be segmented, or undefined. */
export function checkText(text: string, maxChars: number, wholeDocument: boolean): string | undefined {
  if (!text.trim()) return wholeDocument ? 'the document is empty: nothing to segment.' : 'the selection is empty: nothing to segment.';
  if (text.includes('\u0000')) return 'the text contains NUL characters; it looks like a binary file, which cannot be segmented.';
  if (text.length > maxChars) {
    return `the ${wholeDocument ? 'document' : 'selection'} has ${text.length.toLocaleString('en-US')} characters; the limit is ${maxChars.toLocaleString('en-US')} (setting entropyLens.edu.maxChars). Select a shorter part.`;
  }
  return undefined;
}
