// Independent float64 reference for llama-architecture GGUF models, used to check the entropies
// computed through node-llama-cpp: its own GGUF reader (F32/F16 tensors), RMSNorm, RoPE (llama.cpp
// "normal" mode: adjacent pairs), grouped-query causal attention, SwiGLU, tied or separate output.

import { readFileSync } from 'node:fs';

export interface GgufFile {
  metadata: Map<string, unknown>;
  tensors: Map<string, { dims: number[]; data: Float64Array }>;
}

export function readGguf(path: string): GgufFile {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = 0;
  const u8 = () => view.getUint8(o++);
  const u32 = () => { const v = view.getUint32(o, true); o += 4; return v; };
  const i32 = () => { const v = view.getInt32(o, true); o += 4; return v; };
  const u64 = () => { const v = Number(view.getBigUint64(o, true)); o += 8; return v; };
  const i64 = () => { const v = Number(view.getBigInt64(o, true)); o += 8; return v; };
  const f32 = () => { const v = view.getFloat32(o, true); o += 4; return v; };
  const f64 = () => { const v = view.getFloat64(o, true); o += 8; return v; };
  const str = () => { const n = u64(); const s = buf.toString('utf8', o, o + n); o += n; return s; };
  const value = (type: number): unknown => {
    switch (type) {
      case 0: return u8();
      case 1: { const v = view.getInt8(o); o += 1; return v; }
      case 2: { const v = view.getUint16(o, true); o += 2; return v; }
      case 3: { const v = view.getInt16(o, true); o += 2; return v; }
      case 4: return u32();
      case 5: return i32();
      case 6: return f32();
      case 7: return u8() !== 0;
      case 8: return str();
      case 9: { const t = u32(); const n = u64(); const a: unknown[] = []; for (let i = 0; i < n; i++) a.push(value(t)); return a; }
      case 10: return u64();
      case 11: return i64();
      case 12: return f64();
      default: throw new Error(`unknown GGUF value type ${type}`);
    }
  };
  if (buf.toString('latin1', 0, 4) !== 'GGUF') throw new Error('not a GGUF file');
  o = 4;
  const version = u32();
  if (version < 2) throw new Error(`GGUF v${version} not supported`);
  const nTensors = u64();
  const nKv = u64();
  const metadata = new Map<string, unknown>();
  for (let i = 0; i < nKv; i++) { const k = str(); metadata.set(k, value(u32())); }
  const infos: { name: string; dims: number[]; type: number; offset: number }[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = str();
    const nd = u32();
    const dims: number[] = [];
    for (let d = 0; d < nd; d++) dims.push(u64());
    infos.push({ name, dims, type: u32(), offset: u64() });
  }
  const alignment = Number(metadata.get('general.alignment') ?? 32);
  const dataStart = Math.ceil(o / alignment) * alignment;
  const tensors = new Map<string, { dims: number[]; data: Float64Array }>();
  for (const t of infos) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    const data = new Float64Array(n);
    const base = dataStart + t.offset;
    if (t.type === 0) for (let i = 0; i < n; i++) data[i] = view.getFloat32(base + 4 * i, true);
    else if (t.type === 1) for (let i = 0; i < n; i++) data[i] = halfToFloat(view.getUint16(base + 2 * i, true));
    else continue; // quantised tensors are not needed by the tests
    tensors.set(t.name, { dims: t.dims, data });
  }
  return { metadata, tensors };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

export class ReferenceLlama {
  readonly vocab: number;
  private readonly embd: number;
  private readonly layers: number;
  private readonly heads: number;
  private readonly kvHeads: number;
  private readonly headDim: number;
  private readonly ropeBase: number;
  private readonly eps: number;

  constructor(private readonly file: GgufFile) {
    const m = file.metadata;
    const arch = String(m.get('general.architecture'));
    const get = (k: string) => m.get(`${arch}.${k}`) as number | undefined;
    this.embd = get('embedding_length')!;
    this.layers = get('block_count')!;
    this.heads = get('attention.head_count')!;
    this.kvHeads = get('attention.head_count_kv') ?? this.heads;
    this.headDim = this.embd / this.heads;
    this.ropeBase = get('rope.freq_base') ?? 10000;
    this.eps = get('attention.layer_norm_rms_epsilon') ?? 1e-5;
    this.vocab = this.t('token_embd.weight').dims[1];
  }

  private t(name: string): { dims: number[]; data: Float64Array } {
    const x = this.file.tensors.get(name);
    if (!x) throw new Error(`missing tensor ${name}`);
    return x;
  }

  /** y = W x with W stored as GGUF dims [in, out]. */
  private matvec(name: string, x: Float64Array): Float64Array {
    const { dims, data } = this.t(name);
    const [nIn, nOut] = dims;
    const y = new Float64Array(nOut);
    for (let r = 0; r < nOut; r++) {
      let s = 0;
      const off = r * nIn;
      for (let i = 0; i < nIn; i++) s += data[off + i] * x[i];
      y[r] = s;
    }
    return y;
  }

  private rmsnorm(x: Float64Array, weight: string): Float64Array {
    let ss = 0;
    for (const v of x) ss += v * v;
    const scale = 1 / Math.sqrt(ss / x.length + this.eps);
    const w = this.t(weight).data;
    return x.map((v, i) => v * scale * w[i]);
  }

  private rope(x: Float64Array, pos: number, nHeads: number): void {
    for (let h = 0; h < nHeads; h++) {
      for (let i = 0; i < this.headDim; i += 2) {
        const theta = pos * this.ropeBase ** (-i / this.headDim);
        const c = Math.cos(theta), s = Math.sin(theta);
        const a = x[h * this.headDim + i], b = x[h * this.headDim + i + 1];
        x[h * this.headDim + i] = a * c - b * s;
        x[h * this.headDim + i + 1] = a * s + b * c;
      }
    }
  }

  /** Log-softmax rows: for each position, the next-token log-probabilities. */
  logprobs(tokens: readonly number[]): Float64Array[] {
    const n = tokens.length;
    const E = this.embd, D = this.headDim;
    const emb = this.t('token_embd.weight').data;
    const xs: Float64Array[] = tokens.map((tok) => emb.slice(tok * E, (tok + 1) * E));
    const group = this.heads / this.kvHeads;
    for (let l = 0; l < this.layers; l++) {
      const ks: Float64Array[] = [], vs: Float64Array[] = [], qs: Float64Array[] = [];
      for (let p = 0; p < n; p++) {
        const h = this.rmsnorm(xs[p], `blk.${l}.attn_norm.weight`);
        const q = this.matvec(`blk.${l}.attn_q.weight`, h);
        const k = this.matvec(`blk.${l}.attn_k.weight`, h);
        this.rope(q, p, this.heads);
        this.rope(k, p, this.kvHeads);
        qs.push(q); ks.push(k); vs.push(this.matvec(`blk.${l}.attn_v.weight`, h));
      }
      for (let p = 0; p < n; p++) {
        const att = new Float64Array(E);
        for (let hd = 0; hd < this.heads; hd++) {
          const kv = Math.floor(hd / group);
          const scores = new Float64Array(p + 1);
          let max = -Infinity;
          for (let j = 0; j <= p; j++) {
            let s = 0;
            for (let i = 0; i < D; i++) s += qs[p][hd * D + i] * ks[j][kv * D + i];
            scores[j] = s / Math.sqrt(D);
            if (scores[j] > max) max = scores[j];
          }
          let z = 0;
          for (let j = 0; j <= p; j++) { scores[j] = Math.exp(scores[j] - max); z += scores[j]; }
          for (let j = 0; j <= p; j++) {
            const w = scores[j] / z;
            for (let i = 0; i < D; i++) att[hd * D + i] += w * vs[j][kv * D + i];
          }
        }
        const o = this.matvec(`blk.${l}.attn_output.weight`, att);
        for (let i = 0; i < E; i++) xs[p][i] += o[i];
      }
      for (let p = 0; p < n; p++) {
        const h = this.rmsnorm(xs[p], `blk.${l}.ffn_norm.weight`);
        const g = this.matvec(`blk.${l}.ffn_gate.weight`, h);
        const u = this.matvec(`blk.${l}.ffn_up.weight`, h);
        const a = g.map((v, i) => (v / (1 + Math.exp(-v))) * u[i]);
        const d = this.matvec(`blk.${l}.ffn_down.weight`, a);
        for (let i = 0; i < E; i++) xs[p][i] += d[i];
      }
    }
    const outName = this.file.tensors.has('output.weight') ? 'output.weight' : 'token_embd.weight';
    return xs.map((x) => {
      const logits = this.matvec(outName, this.rmsnorm(x, 'output_norm.weight'));
      let max = -Infinity;
      for (const v of logits) if (v > max) max = v;
      let z = 0;
      for (const v of logits) z += Math.exp(v - max);
      const lz = max + Math.log(z);
      return logits.map((v) => v - lz);
    });
  }

  /** Entropy (nats) of each next-token distribution. */
  entropies(tokens: readonly number[]): number[] {
    return this.logprobs(tokens).map((lp) => {
      let h = 0;
      for (const l of lp) h -= Math.exp(l) * l;
      return h;
    });
  }
}
