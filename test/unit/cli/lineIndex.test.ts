import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../../../server/src/core/lineIndex';
import { parseArgs, UsageError } from '../../../server/src/cli/io';
import { languageOf } from '../../../server/src/cli/languageOf';

test('LineIndex agrees with the LSP TextDocument on LF, CRLF and CR line ends', () => {
  const text = 'a\nbb\r\nccc\rdddd\n\n😀e';
  const idx = new LineIndex(text);
  const doc = TextDocument.create('file:///x', 'plaintext', 1, text);
  for (let off = 0; off <= text.length; off++) {
    if (text[off - 1] === '\r' && text[off] === '\n') continue; // inside a CRLF pair
    assert.deepEqual(idx.position(off), doc.positionAt(off), `offset ${off}`);
  }
});

test('parseArgs separates values, flags and positionals and rejects unknown options', () => {
  const r = parseArgs(['a.py', '--json', '--top', '5', '--seed=3', 'b.py'], ['top', 'seed'], ['json']);
  assert.deepEqual(r.positional, ['a.py', 'b.py']);
  assert.equal(r.values.get('top'), '5');
  assert.equal(r.values.get('seed'), '3');
  assert.ok(r.flags.has('json'));
  assert.throws(() => parseArgs(['--nope'], [], []), UsageError);
  assert.throws(() => parseArgs(['--top'], ['top'], []), /needs a value/);
});

test('languageOf maps extensions like VS Code, with the dedicated cell type first', () => {
  assert.equal(languageOf('x/genotypes.py'), 'python');
  assert.equal(languageOf('model.cell.yaml'), 'entropy-cell');
  assert.equal(languageOf('model.yaml'), 'yaml');
  assert.equal(languageOf('spec.JSON'), 'json');
  assert.equal(languageOf('notes.md'), 'markdown');
  assert.equal(languageOf('archs.txt'), 'plaintext');
});
