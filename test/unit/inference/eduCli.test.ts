import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEduCli } from '../../../server/src/cli/edu';
import { writeGguf } from '../../fixtures/gguf/makeGguf';
import { findNativeBinary } from '../../../server/src/inference/nativeEntropy';
import { startGenerateOnlyMock, startVllmMock } from './mockServers';

let dir: string;
let bigram: string;
let small: string;
const TEXT = 'Let x be 3. Then 2x = 6, so x = 3.\nHowever, we check it: 2 * 3 = 6.';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-lens-cli-'));
  bigram = join(dir, 'bigram.gguf');
  small = join(dir, 'small.gguf');
  writeGguf(bigram, { seed: 7, bigram: true });
  writeGguf(small, { seed: 9, vocabSize: 1024, contextLength: 256 });
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await runEduCli(args, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, readStdin: async () => stdin });
  return { code, out, err };
}

test('usage errors exit with 2 and a message', async () => {
  for (const [args, pattern] of [
    [[], /missing command/],
    [['frobnicate'], /unknown command/],
    [['segment'], /exactly one of --model GGUF or --endpoint URL/],
    [['segment', '--model', 'a.gguf', '--endpoint', 'http://127.0.0.1:1'], /exactly one/],
    [['segment', '--model', 'a.gguf', '--min-gap', '0'], /--min-gap must be an integer ≥ 1/],
    [['segment', '--model', 'a.gguf', '--percentile', '150'], /--percentile must be in \(0, 100\]/],
    [['segment', '--model', 'a.gguf', '--threshold', 'abc'], /--threshold must be a number/],
    [['segment', '--model', 'a.gguf', '--bogus'], /unknown option --bogus/],
    [['segment', '--model', 'a.gguf', '--top-k', '5'], /apply to --endpoint only/],
    [['segment', 'a.txt', 'b.txt', '--model', 'a.gguf'], /at most one FILE/],
    [['bench'], /bench needs --model/],
  ] as [string[], RegExp][]) {
    const r = await run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, pattern, args.join(' '));
    assert.match(r.err, /usage:/);
  }
});

test('segment --model --json from stdin: tokens and steps cover the text exactly', async () => {
  const r = await run(['segment', '-', '--model', bigram, '--min-gap', '2', '--json'], TEXT);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.match(j.model, /bigram\.gguf/);
  assert.equal(typeof j.millis, 'number');
  assert.equal(j.tokens.map((t: { text: string }) => t.text).join(''), TEXT);
  assert.deepEqual(Object.keys(j.tokens[0]).sort(), ['end', 'entropy', 'logprob', 'start', 'text']);
  assert.deepEqual(Object.keys(j.steps[0]).sort(), ['end', 'maxEntropy', 'meanEntropy', 'start', 'text']);
  assert.equal(j.steps.map((s: { text: string }) => s.text).join(''), TEXT);
  assert.ok(j.steps.length >= 3);
  assert.ok(j.steps.some((s: { text: string }) => s.text.startsWith('However')));
});

test('segment FILE with human-readable output and percentile mode', async () => {
  const file = join(dir, 'solution.txt');
  writeFileSync(file, TEXT);
  const r = await run(['segment', file, '--model', bigram, '--percentile', '30', '--min-gap', '1']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /tokens, mean H .* steps at H ≥/);
  assert.match(r.out, /step 1 /);
  assert.match(r.out, /step 2 .*anchor/);
});

test('segment --endpoint: vLLM with an API key from the environment', async () => {
  const server = await startVllmMock({ apiKey: 'sk-cli' });
  process.env.EL_TEST_KEY = 'sk-cli';
  try {
    const r = await run(['segment', '--endpoint', `${server.url}/v1`, '--api-key-env', 'EL_TEST_KEY', '--top-k', '10', '--json'], TEXT);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.capabilities.protocol, 'vllm-prompt-logprobs');
    assert.equal(j.tokens.map((t: { text: string }) => t.text).join(''), TEXT);
    assert.ok(server.requests.every((q) => q.authorization === 'Bearer sk-cli'));
    const denied = await run(['segment', '--endpoint', server.url, '--api-key-env', 'EL_NO_SUCH_VAR'], TEXT);
    assert.equal(denied.code, 1);
    assert.match(denied.err, /refused the credentials/);
  } finally {
    delete process.env.EL_TEST_KEY;
    await server.close();
  }
});

test('backend errors exit with 1 and a clear message', async () => {
  const gen = await startGenerateOnlyMock();
  try {
    const r = await run(['segment', '--endpoint', gen.url], TEXT);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot score existing text/);
  } finally {
    await gen.close();
  }
  const missing = await run(['segment', '--model', join(dir, 'nope.gguf')], TEXT);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /could not load GGUF model/);
  const noFile = await run(['segment', join(dir, 'nope.txt'), '--model', bigram]);
  assert.equal(noFile.code, 1);
  assert.match(noFile.err, /cannot read/);
});

test('bench --json reports plain vs exact throughput, peak RSS and the approximate mode error', async () => {
  const r = await run(['bench', '--model', small, '--tokens', '96', '--top-k', '64', '--repeats', '1', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.tokens, 96);
  for (const k of ['plainTokensPerSecond', 'exactTokensPerSecond', 'ratio', 'peakRssMB']) assert.ok(j[k] > 0, k);
  assert.equal(j.vocabSize, 1024);
  assert.equal(j.approximate.length, 1);
  assert.equal(j.approximate[0].k, 64);
  assert.ok(j.approximate[0].meanAbsError > 0.5, 'top-64 of a flat 1024-token distribution loses a lot');
  // With the native scorer built, both exact paths are measured side by side and agree.
  assert.equal(j.exactPath, findNativeBinary() ? 'native' : 'probabilities');
  if (j.exactPath === 'native') {
    assert.ok(j.probabilitiesExact.tokensPerSecond > 0);
    assert.ok(j.probabilitiesExact.maxAbsDiffNats < 1e-4, `native vs probabilities ${j.probabilitiesExact.maxAbsDiffNats}`);
  }
  const human = await run(['bench', '--model', small, '--tokens', '32', '--top-k', '', '--repeats', '1']);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /exact entropy \((native|probabilities)\): +[\d.]+ tokens\/s/);
});
