// Side-by-side benchmark, in one process: node-llama-cpp plain prefill, node-llama-cpp exact
// (controlledEvaluate + probabilities Map), native plain, native exact (this addon).
//
//   npx esbuild server/native/bench.ts --bundle --platform=node --format=cjs \
//     --external:node-llama-cpp --outfile=.native-build/bench.js
//   node .native-build/bench.js [--model M.gguf] [--tokens 1000] [--threads 2] [--repeats 3] [--skip-map] [--json]
//
// Without --model, a random 58M-parameter, 32,000-token llama model is generated once into
// .native-build/models/ (test/fixtures/gguf/makeGguf.ts).

import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeGguf } from '../../test/fixtures/gguf/makeGguf';
import { BENCH_TEXT } from '../src/inference/bench';
import { disposeSharedLlama, LlamaEntropySource } from '../src/inference/llamaSource';
import { NativeEntropyModel, nativeLoadError } from '../src/inference/nativeEntropy';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const rssMB = () => process.memoryUsage().rss / 2 ** 20;
const peakMB = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  const root = __dirname; // the bundle lives in .native-build/
  let modelPath = arg('model');
  if (!modelPath) {
    const dir = join(root, 'models');
    mkdirSync(dir, { recursive: true });
    modelPath = join(dir, 'random-58m-v32000.gguf');
    if (!existsSync(modelPath)) {
      const t0 = performance.now();
      writeGguf(modelPath, { seed: 3, vocabSize: 32000, embd: 512, layers: 8, ff: 1376, heads: 8, kvHeads: 8, contextLength: 2048 });
      console.error(`generated ${modelPath} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
  const tokens = Number(arg('tokens') ?? 1000);
  const threads = Number(arg('threads') ?? Math.max(1, availableParallelism()));
  const repeats = Math.max(1, Number(arg('repeats') ?? 3));
  const json = process.argv.includes('--json');
  const load0 = loadavg()[0];
  const phases: Record<string, { ms: number; tps: number; rssAfterMB: number; extra?: Record<string, number> }> = {};

  const source = new LlamaEntropySource({ modelPath, threads, idleTimeoutMs: Infinity, native: false }); // the probabilities Map path
  let ids = await source.tokenize(BENCH_TEXT);
  const unit = ids;
  const wanted = Math.min(tokens, source.windowTokens - 2);
  while (ids.length < wanted) ids = ids.concat(unit);
  ids = ids.slice(0, wanted);
  await source.scoreTokenIds(ids.slice(0, 16)); // warm-up
  const n = ids.length;
  const best = async (f: () => Promise<number>) => {
    let m = Infinity;
    for (let r = 0; r < repeats; r++) m = Math.min(m, await f());
    return m;
  };
  const record = (name: string, ms: number, extra?: Record<string, number>) => {
    phases[name] = { ms, tps: (n / ms) * 1000, rssAfterMB: rssMB(), ...(extra ? { extra } : {}) };
  };

  record('nlc plain', await best(() => source.evaluatePlain(ids)));
  let exactMap: Awaited<ReturnType<typeof source.scoreTokenIds>> | undefined;
  // --skip-map: leave out the Map path (e.g. to see the peak RSS of plain + native alone).
  if (process.argv.includes('--skip-map')) exactMap = await source.scoreTokenIds(ids.slice(0, 64), { mode: 'exact', topAlternatives: 0 });
  else record('nlc exact (Map)', await best(async () => {
    const t0 = performance.now();
    exactMap = await source.scoreTokenIds(ids, { mode: 'exact', topAlternatives: 0 });
    return performance.now() - t0;
  }));
  const peakAfterNlc = peakMB();
  const vocab = source.vocabularySize;
  const trainCtx = source.windowTokens;
  await source.dispose();

  const native = await NativeEntropyModel.load(modelPath, { threads, contextSize: trainCtx });
  if (!native) throw new Error(`native scorer unavailable: ${nativeLoadError()}`);
  const bos = native.info.bos >= 0 ? native.info.bos : native.info.eos >= 0 ? native.info.eos : null;
  await native.scoreIds(ids.slice(0, 16), { start: bos }); // warm-up
  record('native plain', await best(() => native.plain([...(bos !== null ? [bos] : []), ...ids])));
  let nat: Awaited<ReturnType<typeof native.scoreIds>> | undefined;
  for (const k of [0, 5]) {
    let dec = 0, st = 0;
    let bestMs = Infinity;
    record(`native exact (top ${k})`, await best(async () => {
      const t0 = performance.now();
      nat = await native.scoreIds(ids, { start: bos, topAlternatives: k });
      const ms = performance.now() - t0;
      if (ms < bestMs) { bestMs = ms; dec = nat.decodeMs; st = nat.statsMs; } // split of the best run
      return ms;
    }), { decodeMs: dec, statsMs: st });
  }
  native.dispose();
  await disposeSharedLlama();

  let maxDH = 0, maxDL = 0;
  for (let t = 0; t < n; t++) {
    const a = exactMap!.entropy[t], b = nat!.entropy[t];
    if (t >= exactMap!.entropy.length) break;
    if (Number.isFinite(a) && Number.isFinite(b)) maxDH = Math.max(maxDH, Math.abs(a - b));
    const la = exactMap!.logprob[t], lb = nat!.logprob[t];
    if (Number.isFinite(la) && Number.isFinite(lb)) maxDL = Math.max(maxDL, Math.abs(la - lb));
  }
  const plain = phases['nlc plain'].ms;
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.versions.node}`,
    model: modelPath, vocab, tokens: n, threads, repeats,
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, { ...v, vsNlcPlain: v.ms / plain }])),
    maxAbsDeltaEntropy: maxDH, maxAbsDeltaLogprob: maxDL,
    peakRssMB: { afterNodeLlamaCpp: peakAfterNlc, end: peakMB() },
    loadAverage: [load0, loadavg()[0]],
  };
  if (json) { console.log(JSON.stringify(result, null, 2)); return; }
  console.log(`${result.date}  ${result.machine}`);
  console.log(`model ${modelPath}  V=${vocab}  tokens=${n}  threads=${threads}  best of ${repeats}  load ${load0.toFixed(1)}→${loadavg()[0].toFixed(1)}`);
  for (const [k, v] of Object.entries(result.phases))
    console.log(`${k.padEnd(22)} ${v.ms.toFixed(0).padStart(7)} ms  ${v.tps.toFixed(0).padStart(7)} tok/s  ×${v.vsNlcPlain.toFixed(2)} of nlc plain  rss ${v.rssAfterMB.toFixed(0)} MB${v.extra ? `  ${JSON.stringify(v.extra)}` : ''}`);
  console.log(`max |ΔH| native vs Map ${maxDH.toExponential(2)} nats, max |Δlogprob| ${maxDL.toExponential(2)}; peak RSS ${peakAfterNlc.toFixed(0)} MB after node-llama-cpp phases, ${peakMB().toFixed(0)} MB at the end`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
