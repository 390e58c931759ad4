import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dartsText, findDarts, parseDartsGenotype } from '../../../server/src/core/parsers/darts';
import type { Definition } from '../../../server/src/core/types';

// quark0/darts cnn/genotypes.py, the cell reported in the DARTS paper (second order).
const DARTS_V2 = `DARTS_V2 = Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])`;
const CANONICAL_V2 = DARTS_V2.slice('DARTS_V2 = '.length);

const NORMAL = "[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)]";
const REDUCE = "[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)]";

function described(text: string, d: Definition): [string, string, string][] {
  return d.findings.map((f) => [f.code, f.message, text.slice(f.span.start, f.span.end)]);
}

function withoutSpans(d: Definition): unknown {
  return JSON.parse(JSON.stringify(d.arch, (k, v) => (k === 'span' ? undefined : v)));
}

function edgeList(d: Definition, role: 'normal' | 'reduce'): string[] {
  return d.arch!.cells.find((c) => c.role === role)!.cell.edges.map((e) => `${e.from}->${e.to}:${e.op}`);
}

test('the DARTS_V2 genotype from the paper parses into normal and reduce cells', () => {
  const defs = findDarts(DARTS_V2, 'python');
  assert.equal(defs.length, 1);
  const d = defs[0];
  assert.deepEqual(d.findings, []);
  assert.equal(DARTS_V2.slice(d.span.start, d.span.end), CANONICAL_V2);
  assert.equal(d.arch!.space, 'darts');
  assert.deepEqual(d.arch!.cells.map((c) => c.role), ['normal', 'reduce']);
  assert.deepEqual(edgeList(d, 'normal'), [
    '0->2:sep_conv_3x3', '1->2:sep_conv_3x3', '0->3:sep_conv_3x3', '1->3:sep_conv_3x3',
    '1->4:sep_conv_3x3', '0->4:skip_connect', '0->5:skip_connect', '2->5:dil_conv_3x3',
    '2->6:skip_connect', '3->6:skip_connect', '4->6:skip_connect', '5->6:skip_connect',
  ]);
  const reduce = d.arch!.cells[1].cell;
  assert.equal(reduce.nodeCount, 7);
  assert.deepEqual(reduce.inputs, [0, 1]);
  assert.equal(reduce.output, 6);
  assert.deepEqual(reduce.aggregation, ['sum', 'sum', 'sum', 'sum', 'sum', 'sum', 'concat']);
  assert.deepEqual(reduce.nodeOps, [null, null, null, null, null, null, null]);
  // Pair edges point at their tuple; the implicit concat edges have no span.
  const e = reduce.edges[7];
  assert.equal(DARTS_V2.slice(e.span!.start, e.span!.end), "('max_pool_3x3', 1)");
  assert.equal(reduce.edges[8].span, undefined);
  assert.equal(d.canonical, CANONICAL_V2);
});

test('canonical text round-trips and dartsText sorts pairs by node', () => {
  const d = parseDartsGenotype(CANONICAL_V2);
  assert.deepEqual(withoutSpans(parseDartsGenotype(d.canonical!)), withoutSpans(d));
  const shuffled = { ...d.arch!, cells: d.arch!.cells.map((c) => ({ ...c, cell: { ...c.cell, edges: [...c.cell.edges].reverse() } })) };
  const again = parseDartsGenotype(dartsText(shuffled));
  assert.deepEqual(edgeList(again, 'normal').slice(0, 8).map((s) => s.split('->')[1].split(':')[0]), ['2', '2', '3', '3', '4', '4', '5', '5']);
});

test('multi-line genotypes with comments, double quotes, tuples of lists, range() and trailing commas', () => {
  const text = `
PC_DARTS = genotypes.Genotype(
    normal=[
        ("sep_conv_3x3", 1), ["skip_connect", 0],  # node 2
        ('sep_conv_3x3', 0), ('dil_conv_3x3', 1),  # node 3
        ('sep_conv_5x5', 0), ('sep_conv_3x3', 1),
        ('avg_pool_3x3', 0), ('dil_conv_3x3', 1),
    ],
    normal_concat=range(2, 6),
    reduce=[('sep_conv_5x5', 1), ('max_pool_3x3', 0), ('sep_conv_5x5', 1), ('sep_conv_5x5', 2),
            ('sep_conv_3x3', 0), ('sep_conv_3x3', 3), ('sep_conv_3x3', 1), ('sep_conv_3x3', 2),],
    reduce_concat=list(range(2, 6)),
)
`;
  const [d] = findDarts(text, 'python');
  assert.deepEqual(d.findings, []);
  assert.ok(text.slice(d.span.start, d.span.end).startsWith('genotypes.Genotype('));
  assert.ok(text.slice(d.span.start, d.span.end).endsWith(')'));
  assert.deepEqual(edgeList(d, 'normal').slice(0, 2), ['1->2:sep_conv_3x3', '0->2:skip_connect']);
  assert.deepEqual(edgeList(d, 'reduce').slice(8), ['2->6:skip_connect', '3->6:skip_connect', '4->6:skip_connect', '5->6:skip_connect']);
});

test('positional fields in the order normal, normal_concat, reduce, reduce_concat', () => {
  const [d] = findDarts(`G = Genotype(${NORMAL}, [2, 3, 4, 5], ${REDUCE}, [4, 5])`);
  assert.deepEqual(d.findings, []);
  assert.deepEqual(edgeList(d, 'reduce').slice(8), ['4->6:skip_connect', '5->6:skip_connect']);
  assert.match(d.canonical!, /reduce_concat=\[4, 5\]\)$/);
});

test('unknown op: did-you-mean on the name between the quotes', () => {
  const text = DARTS_V2.replace("('dil_conv_3x3', 2)", "('dil_conv_3x5', 2)");
  assert.deepEqual(described(text, findDarts(text)[0]), [
    ['darts/unknown-op', "unknown operation 'dil_conv_3x5' — did you mean 'dil_conv_3x3'?", 'dil_conv_3x5'],
  ]);
  const far = DARTS_V2.replace("('dil_conv_3x3', 2)", "('conv_7x1_1x7', 2)");
  assert.equal(findDarts(far)[0].findings[0].message,
    "unknown operation 'conv_7x1_1x7' — expected one of none, max_pool_3x3, avg_pool_3x3, skip_connect, sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, dil_conv_5x5");
});

test('input index out of range names the node and the inputs it can take', () => {
  // Pair 3 (0-based 2) feeds node 3.
  const text = DARTS_V2.replace("('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1)", "('sep_conv_3x3', 6), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1)");
  const d = findDarts(text)[0];
  assert.deepEqual(described(text, d), [['darts/node-range', 'input 6 out of range: node 3 takes inputs 0…2', '6']]);
  assert.equal(d.span.start, text.indexOf('Genotype'));
  const f = d.findings[0];
  assert.equal(f.span.start, text.indexOf("('sep_conv_3x3', 6)") + "('sep_conv_3x3', ".length);
  const neg = DARTS_V2.replace("('sep_conv_3x3', 0)", "('sep_conv_3x3', -1)");
  assert.deepEqual(described(neg, findDarts(neg)[0]), [['darts/node-range', 'input -1 out of range: node 2 takes inputs 0…1', '-1']]);
});

test('wrong number of pairs: too few marks the list, too many marks the extra pairs', () => {
  const seven = DARTS_V2.replace(", ('dil_conv_3x3', 2)]", ']');
  const d7 = findDarts(seven)[0];
  assert.equal(d7.arch, undefined);
  assert.deepEqual(described(seven, d7), [[
    'darts/pair-count', 'the normal cell needs 8 (op, input) pairs, 2 for each of the intermediate nodes 2…5; found 7',
    NORMAL.replace(", ('dil_conv_3x3', 2)]", ']'),
  ]]);
  const ten = DARTS_V2.replace("('max_pool_3x3', 1)], reduce_concat", "('max_pool_3x3', 1), ('skip_connect', 5), ('skip_connect', 6)], reduce_concat");
  assert.deepEqual(described(ten, findDarts(ten)[0]), [[
    'darts/pair-count', 'the reduce cell needs 8 (op, input) pairs, 2 for each of the intermediate nodes 2…5; found 10',
    "('skip_connect', 5), ('skip_connect', 6)",
  ]]);
});

test('concat indices must be intermediate nodes, listed once', () => {
  const list = DARTS_V2.replace('normal_concat=[2, 3, 4, 5]', 'normal_concat=[2, 3, 4, 6]');
  assert.deepEqual(described(list, findDarts(list)[0]), [['darts/concat-range', "concat index 6 out of range: the cell's intermediate nodes are 2…5", '6']]);
  const range = DARTS_V2.replace('reduce_concat=[2, 3, 4, 5]', 'reduce_concat=range(1, 6)');
  assert.deepEqual(described(range, findDarts(range)[0]), [['darts/concat-range', "concat index 1 out of range: the cell's intermediate nodes are 2…5", 'range(1, 6)']]);
  const dup = DARTS_V2.replace('normal_concat=[2, 3, 4, 5]', 'normal_concat=[2, 3, 3]');
  assert.deepEqual(described(dup, findDarts(dup)[0]), [['darts/concat-duplicate', "node 3 is listed twice in 'normal_concat'", '3']]);
  const empty = DARTS_V2.replace('normal_concat=[2, 3, 4, 5]', 'normal_concat=range(2, 2)');
  assert.equal(findDarts(empty)[0].findings[0].code, 'darts/concat-empty');
});

test('missing, unknown and repeated fields', () => {
  const missing = `G = Genotype(normal=${NORMAL}, normal_concat=[2, 3, 4, 5], reduce=${REDUCE})`;
  assert.deepEqual(described(missing, findDarts(missing)[0]), [[
    'darts/missing-field', "this Genotype has no 'reduce_concat' (a genotype needs normal, normal_concat, reduce and reduce_concat)", 'Genotype',
  ]]);
  const typo = DARTS_V2.replace('reduce_concat=', 'reduce_concta=');
  const ft = described(typo, findDarts(typo)[0]);
  assert.deepEqual(ft[0], ['darts/unknown-field', "unknown Genotype field 'reduce_concta' — did you mean 'reduce_concat'?", 'reduce_concta']);
  assert.deepEqual(ft[1][0], 'darts/missing-field');
  const twice = `G = Genotype(${NORMAL}, [2, 3, 4, 5], ${REDUCE}, [2, 3, 4, 5], normal=${NORMAL})`;
  assert.deepEqual(described(twice, findDarts(twice)[0]), [['darts/syntax', "'normal' is given twice", 'normal']]);
});

test('malformed pairs are explained', () => {
  const text = DARTS_V2.replace("('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0)", "('sep_conv_3x3', 0, 1), (sep_conv_3x3, 1), ('sep_conv_3x3', 'x')");
  assert.deepEqual(described(text, findDarts(text)[0]), [
    ['darts/syntax', "expected an (op, input) pair such as ('sep_conv_3x3', 0); found a 3-element tuple", "('sep_conv_3x3', 0, 1)"],
    ['darts/syntax', "expected the operation name as a string, such as 'sep_conv_3x3'; found 'sep_conv_3x3'", 'sep_conv_3x3'],
    ['darts/syntax', "expected the input node index (an integer); found 'x'", "'x'"],
  ]);
});

test('truncated genotype: unclosed brackets span to the end of what exists, the next genotype still parses', () => {
  const cut = "A = Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)";
  const text = `${cut}\n${DARTS_V2}\n`;
  const defs = findDarts(text, 'python');
  assert.equal(defs.length, 2);
  assert.deepEqual(described(text, defs[0]), [
    ['darts/syntax', "'[' is never closed: expected ']' before the next statement", "[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)"],
    ['darts/syntax', "'(' is never closed: expected ')' before the next statement", "(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)"],
  ]);
  assert.equal(text.slice(defs[0].span.start, defs[0].span.end), cut.slice(4));
  assert.deepEqual(defs[1].findings, []);
  // At the very end of the document.
  const eof = "G = Genotype(normal=[('sep_conv_3x3', 0), ('sep_co";
  const d = findDarts(eof)[0];
  assert.deepEqual(described(eof, d).map((x) => x[2]), ["'sep_co", "('sep_co", "[('sep_conv_3x3', 0), ('sep_co", "(normal=[('sep_conv_3x3', 0), ('sep_co"]);
  assert.equal(d.findings[0].message, 'unterminated string: add the closing quote');
  assert.equal(eof.slice(d.findings[0].span.start, d.findings[0].span.end), "'sep_co");
  assert.equal(d.span.end, eof.length);
});

test('a mismatched closing bracket is reported where it is', () => {
  const text = DARTS_V2.replace("('sep_conv_3x3', 1), ('sep_conv_3x3', 0)", "('sep_conv_3x3', 1]), ('sep_conv_3x3', 0)");
  const d = findDarts(text)[0];
  assert.equal(d.findings[0].code, 'darts/syntax');
  assert.equal(d.findings[0].message, "expected ')' to close the '(' opened earlier, found ']'");
  assert.equal(d.findings[0].span.start, text.indexOf('1])') + 1);
});

test('genotypes built from variables, commented out, or declared are not definitions', () => {
  const text = [
    "Genotype = namedtuple('Genotype', 'normal normal_concat reduce reduce_concat')",
    'genotype = Genotype(normal=gene_normal, normal_concat=concat, reduce=gene_reduce, reduce_concat=concat)',
    'g = Genotype(*parts)',
    `# OLD = ${DARTS_V2}`,
    'class Genotype(NamedTuple):',
    'x = MyGenotype(normal=[], normal_concat=[])',
  ].join('\n');
  assert.deepEqual(findDarts(text, 'python'), []);
  // Without a language, '#' is not known to be a comment.
  assert.equal(findDarts(`# ${DARTS_V2}`).length, 1);
});

test('genotypes inside YAML and JSON string values', () => {
  const yaml = `model:\n  genotype: "${CANONICAL_V2}"\n  lr: 0.025\n`;
  const [y] = findDarts(yaml, 'yaml');
  assert.deepEqual(y.findings, []);
  assert.equal(yaml.slice(y.span.start, y.span.end), CANONICAL_V2);
  const json = `{"genotype": "${CANONICAL_V2}", "epochs": 600}`;
  assert.equal(findDarts(json, 'json')[0].canonical, CANONICAL_V2);
});

test('UTF-16 offsets are right after astral characters', () => {
  const text = `# 🧬 searched cell 😀\n${DARTS_V2}`;
  const [d] = findDarts(text, 'python');
  assert.equal(text.slice(d.span.start, d.span.end), CANONICAL_V2);
  const e = d.arch!.cells[0].cell.edges[7];
  assert.equal(text.slice(e.span!.start, e.span!.end), "('dil_conv_3x3', 2)");
  const bad = text.replace("'dil_conv_3x3', 2", "'dil_conv_3x3', 9");
  const f = findDarts(bad)[0].findings[0];
  assert.equal(bad.slice(f.span.start, f.span.end), '9');
});

test('parseDartsGenotype shifts every span by the offset and rejects non-genotypes', () => {
  const d = parseDartsGenotype(CANONICAL_V2, 100);
  assert.equal(d.span.start, 100);
  assert.equal(d.span.end, 100 + CANONICAL_V2.length);
  assert.equal(d.arch!.cells[0].cell.edges[0].span!.start, 100 + CANONICAL_V2.indexOf("('"));
  const bad = parseDartsGenotype('hello', 5);
  assert.equal(bad.findings[0].code, 'darts/syntax');
  assert.deepEqual(bad.findings[0].span, { start: 5, end: 10 });
});

test('mutated and truncated genotypes never throw; spans stay inside the text', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const alphabet = "()[],'\"#=\n 0123456789_abcdeGnortype😀\\";
  const base = `${DARTS_V2}\nX = Genotype(\n  normal=${NORMAL},  # c\n  normal_concat=range(2, 6),\n  reduce=${REDUCE},\n  reduce_concat=[2, 3, 4, 5],\n)\n`;
  for (let i = 0; i < 1500; i++) {
    const chars = base.split('');
    const edits = 1 + Math.floor(rnd() * 6);
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(rnd() * chars.length);
      const r = rnd();
      if (r < 0.4) chars.splice(at, 1 + Math.floor(rnd() * 3));
      else if (r < 0.8) chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]);
      else chars.length = at;
    }
    const s = chars.join('');
    for (const lang of ['python', undefined]) {
      const defs = findDarts(s, lang);
      let prevEnd = 0;
      for (const d of defs) {
        assert.ok(d.span.start >= prevEnd && d.span.end <= s.length, s);
        prevEnd = d.span.end;
        assert.ok(!d.findings.some((f) => f.code === 'internal'), s);
        for (const f of d.findings) assert.ok(f.span.start >= 0 && f.span.end <= s.length && f.span.start <= f.span.end, s);
        if (d.arch) assert.deepEqual(withoutSpans(parseDartsGenotype(d.canonical!)), withoutSpans(d));
      }
    }
  }
});
