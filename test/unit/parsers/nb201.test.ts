import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNb201, nb201OpCodes, nb201Text, parseNb201 } from '../../../server/src/core/parsers/nb201';
import type { Definition, Finding } from '../../../server/src/core/types';

const ARCH = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';

/** The findings as [code, message, covered text] triples. */
function described(text: string, d: Definition): [string, string, string][] {
  return d.findings.map((f: Finding) => [f.code, f.message, text.slice(f.span.start, f.span.end)]);
}

function withoutSpans(d: Definition): unknown {
  return JSON.parse(JSON.stringify(d.arch, (k, v) => (k === 'span' ? undefined : v)));
}

test('a valid arch string becomes a 4-node cell with 6 summed edges', () => {
  const d = parseNb201(ARCH);
  assert.deepEqual(d.findings, []);
  const cell = d.arch!.cells[0].cell;
  assert.equal(d.arch!.space, 'nb201');
  assert.equal(cell.nodeCount, 4);
  assert.deepEqual(cell.edges.map((e) => `${e.from}->${e.to}:${e.op}`), [
    '0->1:nor_conv_3x3', '0->2:nor_conv_3x3', '1->2:avg_pool_3x3', '0->3:skip_connect', '1->3:nor_conv_3x3', '2->3:skip_connect',
  ]);
  assert.deepEqual(cell.aggregation, ['sum', 'sum', 'sum', 'sum']);
  assert.equal(ARCH.slice(cell.edges[2].span!.start, cell.edges[2].span!.end), 'avg_pool_3x3~1');
  assert.equal(d.canonical, ARCH);
});

test('canonical text parses back to the same architecture', () => {
  const d = parseNb201(ARCH);
  const again = parseNb201(d.canonical!);
  assert.deepEqual(withoutSpans(again), withoutSpans(d));
  assert.equal(nb201Text(d.arch!.cells[0].cell), ARCH);
});

test('unknown op: did-you-mean message on exactly the op name', () => {
  const s = ARCH.replace('avg_pool_3x3~1', 'avg_pool_3x4~1');
  const d = parseNb201(s, 10);
  assert.equal(d.arch, undefined);
  assert.equal(d.findings.length, 1);
  const f = d.findings[0];
  assert.equal(f.code, 'nb201/unknown-op');
  assert.equal(f.message, "unknown operation 'avg_pool_3x4' — did you mean 'avg_pool_3x3'?");
  assert.equal(s.slice(f.span.start - 10, f.span.end - 10), 'avg_pool_3x4');
});

test('input index out of range names the node and its valid inputs', () => {
  const s = ARCH.replace('avg_pool_3x3~1', 'avg_pool_3x3~2');
  assert.deepEqual(described(s, parseNb201(s)), [['nb201/node-range', 'node index 2 out of range: node 2 takes inputs 0…1', '2']]);
});

test('missing groups and extra groups are syntax errors', () => {
  const two = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|';
  assert.deepEqual(described(two, parseNb201(two)), [['nb201/syntax', "NAS-Bench-201 strings have 3 node groups separated by '+'; found 2", two]]);
  const four = ARCH + '+|none~0|';
  const d = parseNb201(four);
  assert.equal(d.findings[0].code, 'nb201/syntax');
  assert.equal(four.slice(d.findings[0].span.start, d.findings[0].span.end), '+|none~0|');
});

test('empty groups, tokens and op names never produce empty spans', () => {
  for (const s of [ARCH + '+', '|nor_conv_3x3~0|++|none~0|none~1|none~2|', '|~0|+|none~0|none~1|+|none~0|none~1|none~2|',
    '|nor_conv_3x3~0|+|none~0||+|none~0|none~1|none~2|', '|none~|+|none~0|none~1|+|none~0|none~1|none~2|']) {
    const d = parseNb201(s);
    assert.ok(d.findings.length > 0, s);
    for (const f of d.findings) assert.ok(f.span.end > f.span.start, `${s}: ${f.message}`);
  }
  const d = parseNb201('|~0|+|none~0|none~1|+|none~0|none~1|none~2|');
  assert.deepEqual(described('|~0|+|none~0|none~1|+|none~0|none~1|none~2|', d),
    [['nb201/unknown-op', "missing operation name before '~' (for example 'nor_conv_3x3~0')", '~0']]);
});

test('findNb201 reports UTF-16 offsets after astral characters', () => {
  const text = `# 😀 best cell 🚀\narch = "${ARCH}"  # ✓\n`;
  const defs = findNb201(text);
  assert.equal(defs.length, 1);
  assert.equal(text.slice(defs[0].span.start, defs[0].span.end), ARCH);
  assert.equal(defs[0].span.start, text.indexOf('|'));
  const e = defs[0].arch!.cells[0].cell.edges[5];
  assert.equal(text.slice(e.span!.start, e.span!.end), 'skip_connect~2');
});

test('findNb201 ignores Markdown tables and shell pipes', () => {
  const text = '| a | b |\n|---|---|\n| x~ | 1 |\ncat f | grep x~1\n';
  assert.deepEqual(findNb201(text), []);
});

test('a long run of table-rule characters is scanned in linear time', () => {
  const text = '|-'.repeat(1_000_000) + ' ' + ARCH;
  const t0 = performance.now();
  const defs = findNb201(text);
  const ms = performance.now() - t0;
  assert.equal(defs.length, 1);
  assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
});

test('nb201OpCodes encodes the 6 edges and rejects anything else', () => {
  assert.deepEqual([...nb201OpCodes(ARCH)!], [3, 3, 4, 1, 3, 1]);
  assert.equal(nb201OpCodes(ARCH.replace('avg_pool_3x3', 'avg_pool')), null);
});

test('mutated arch strings never throw and spans stay inside the input', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const alphabet = '|+~0123456789_abcnorvkipe😀 \n';
  for (let i = 0; i < 3000; i++) {
    const chars = [...ARCH];
    const edits = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(rnd() * chars.length);
      const r = rnd();
      if (r < 0.33) chars.splice(at, 1);
      else if (r < 0.66) chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]);
      else chars.length = at;
    }
    const s = chars.join('');
    for (const d of findNb201(s)) {
      for (const f of d.findings) assert.ok(f.span.start >= 0 && f.span.end <= s.length && f.span.start <= f.span.end, s);
      assert.ok((d.arch === undefined) === d.findings.some((f) => f.severity === 'error'), s);
    }
  }
});
