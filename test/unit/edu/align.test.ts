import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignPieces, alignTokens, checkAlignment, type Piece } from '../../../server/src/edu/align';

const texts = (text: string, ranges: { start: number; end: number }[]) => ranges.map((r) => text.slice(r.start, r.end));

test('clean pieces align one to one', () => {
  const text = 'Hello world, x = 3.';
  const pieces = ['Hello', ' world', ',', ' x', ' =', ' 3', '.'];
  const r = alignPieces(text, pieces);
  assert.equal(checkAlignment(text, r), null);
  assert.deepEqual(texts(text, r), pieces);
});

test('SentencePiece prefix space on the first piece is dropped', () => {
  assert.deepEqual(texts('Hello world', alignPieces('Hello world', [' Hello', ' world'])), ['Hello', ' world']);
  // Text that really starts with a space: pieces spell " " + text.
  const t = ' lead';
  assert.deepEqual(texts(t, alignPieces(t, [' ', ' le', 'ad'])), ['', ' le', 'ad']);
  assert.deepEqual(texts(t, alignPieces(t, [' le', 'ad'])), [' le', 'ad']);
});

test('byte pieces of multi-byte characters group onto the first token', () => {
  const text = 'café 😀!';
  const pieces: Piece[] = ['caf', [0xc3], [0xa9], ' ', [0xf0], [0x9f], [0x98], [0x80], '!'];
  const r = alignPieces(text, pieces);
  assert.equal(checkAlignment(text, r), null);
  assert.deepEqual(texts(text, r), ['caf', 'é', '', ' ', '😀', '', '', '', '!']);
});

test('lossy "\\uFFFD" pieces (vLLM decode of single byte tokens) re-synchronise on the next token', () => {
  const text = 'x é y';
  const r = alignPieces(text, ['x', ' ', '\uFFFD', '\uFFFD', ' y']);
  assert.equal(checkAlignment(text, r), null);
  assert.equal(texts(text, r).join(''), text);
  assert.deepEqual(texts(text, r).slice(-1), [' y']);
  // Incremental detokenizers emit "" until a character is complete.
  const r2 = alignPieces(text, ['x', ' ', '', 'é', ' y']);
  assert.deepEqual(texts(text, r2), ['x', ' ', '', 'é', ' y']);
});

test('normalised characters (literal ▁ decoded as a space) and dropped leading spaces re-synchronise', () => {
  const text = 'ok\u2581z <s>';
  const r = alignPieces(text, ['ok', ' ', 'z', ' ', '<', 's', '>']);
  assert.deepEqual(texts(text, r), ['ok', '\u2581', 'z', ' ', '<', 's', '>']);
  const text2 = 'a  bc d';
  const r2 = alignPieces(text2, ['a', 'bc', 'd']); // a backend that lost the spaces
  assert.deepEqual(texts(text2, r2), ['a', '  bc', ' d']);
});

test('surrogate pairs are never split and the last token absorbs unmatched text', () => {
  const text = '😀😀 end';
  const r = alignTokens(text, 2, (a, b) => ['?', 'x'].slice(a, b).join(''));
  assert.equal(checkAlignment(text, r), null);
  for (const x of r) {
    const code = text.charCodeAt(x.end - 1);
    assert.ok(!(code >= 0xd800 && code <= 0xdbff && x.end < text.length), 'range ends inside a surrogate pair');
  }
});

test('randomised round trip: arbitrary splits of random text align exactly', () => {
  const alphabet = ['a', 'b', ' ', '\n', 'é', '😀', '≥', '\u2581', '.', 'x'];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let trial = 0; trial < 200; trial++) {
    let text = '';
    const n = 1 + Math.floor(rand() * 30);
    for (let i = 0; i < n; i++) text += alphabet[Math.floor(rand() * alphabet.length)];
    // Split into pieces at random UTF-8 byte positions.
    const bytes = new TextEncoder().encode(text);
    const pieces: Piece[] = [];
    let i = 0;
    while (i < bytes.length) {
      const len = 1 + Math.floor(rand() * 4);
      const chunk = bytes.slice(i, i + len);
      let asString: string | null = null;
      try { asString = new TextDecoder('utf-8', { fatal: true }).decode(chunk); } catch { /* partial */ }
      pieces.push(asString ?? [...chunk]);
      i += len;
    }
    const r = alignPieces(text, pieces);
    assert.equal(checkAlignment(text, r), null, JSON.stringify({ text, pieces }));
    assert.equal(texts(text, r).join(''), text);
  }
});

test('checkAlignment reports gaps', () => {
  assert.match(checkAlignment('abc', [{ start: 0, end: 1 }, { start: 2, end: 3 }])!, /starts at 2/);
  assert.match(checkAlignment('abc', [{ start: 0, end: 2 }])!, /end at 2/);
  assert.equal(checkAlignment('', []), null);
});
