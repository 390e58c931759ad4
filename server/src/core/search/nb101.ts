// The NAS-Bench-101 space for REA: compact genomes, a direct SED scorer equal to `sedValue`, and
// the exact CIFAR-10 cost of cost.ts computed from bit masks.
//
// Genome (26 bytes), as nasbench's `original_matrix` / `original_ops`: the 21 upper-triangular
// entries of a 7×7 adjacency matrix (row-major, 0/1), then the ops of nodes 1…5 (indices into
// NB101_OPS). The network is the *pruned* spec (nodes on no input→output path removed, as
// nasbench's ModelSpec does); a genome is valid when the output is reachable and the pruned spec
// has at most 9 edges. Mutations act on the unpruned genome, so dead parts can drift neutrally.
import type { Architecture } from '../types';
import type { Rng } from '../space/random';
import { NB101_OPS } from '../ops';
import { nb101Architecture, type Nb101Spec } from '../space/nb101Space';
import { opEntropyByName } from '../sed/terms';
import { unitCapacity } from '../sed/gaussian';
import { nb101Text } from '../parsers/nb101';
import { nb101RawCost, NB101_COST_OUT } from './costTables';
import { TermClasses } from './termClasses';
import type { ReaCodec } from './rea';

export const NB101_GENOME = 26;
const NODES = 7;
const EDGES = 21;
const MAX_EDGES = 9;
const OUT_BIT = 1 << (NODES - 1);
const N_OPS = NB101_OPS.length;
const EDGE_FROM = new Int8Array(EDGES);
const EDGE_TO = new Int8Array(EDGES);
{
  let e = 0;
  for (let i = 0; i < NODES; i++) for (let j = i + 1; j < NODES; j++) { EDGE_FROM[e] = i; EDGE_TO[e] = j; e++; }
}

const PROJECTION = unitCapacity(1);
const SKIP = opEntropyByName('skip_connect').nats;
const OP_TERMS = NB101_OPS.map((o) => opEntropyByName(o).nats);
const classes = new TermClasses([PROJECTION, SKIP, ...OP_TERMS]);
const PROJECTION_CLASS = classes.classOf(PROJECTION);
const SKIP_CLASS = classes.classOf(SKIP);
const OP_CLASS = Int8Array.from(OP_TERMS, (v) => classes.classOf(v));

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Scratch: rows of the genome (bit j of rows[i] = edge i → j). */
const ROWS = new Int32Array(NODES);

/** Fill ROWS from the genome; return the mask of live nodes (0 when the output is unreachable). */
function liveMask(g: Int8Array, off: number): number {
  ROWS.fill(0);
  for (let e = 0; e < EDGES; e++) if (g[off + e]) ROWS[EDGE_FROM[e]] |= 1 << EDGE_TO[e];
  let fwd = 1;
  for (let i = 0; i < NODES; i++) if (fwd & (1 << i)) fwd |= ROWS[i];
  if (!(fwd & OUT_BIT)) return 0;
  let bwd = OUT_BIT;
  for (let i = NODES - 2; i >= 0; i--) if (ROWS[i] & bwd) bwd |= 1 << i;
  return fwd & bwd;
}

/** Edges of the pruned spec (edges between live nodes), given ROWS and the live mask. */
function prunedEdges(live: number): number {
  let n = 0;
  for (let i = 0; i < NODES; i++) if (live & (1 << i)) n += popcount(ROWS[i] & live);
  return n;
}

export function nb101GenomeValid(g: Int8Array, off = 0): boolean {
  const live = liveMask(g, off);
  return live !== 0 && prunedEdges(live) <= MAX_EDGES;
}

/** SED of a valid genome: equals `sedValue(nb101Architecture(pruned spec))` exactly. */
export function nb101GenomeSed(g: Int8Array, off = 0): number {
  const live = liveMask(g, off);
  if (live === 0) return -Infinity;
  return sedOfLive(g, off, live);
}

function sedOfLive(g: Int8Array, off: number, live: number): number {
  classes.reset();
  const counts = classes.counts;
  const interior = live & ~1 & ~OUT_BIT;
  // Each effective edge out of the input carries a 1×1 projection; interior → interior edges are
  // identities (0 nats); interior → output edges only wire the concatenation.
  counts[PROJECTION_CLASS] += popcount(ROWS[0] & live);
  for (let v = 1; v < NODES - 1; v++) {
    if (!(interior & (1 << v))) continue;
    counts[SKIP_CLASS] += popcount(ROWS[v] & interior);
    counts[OP_CLASS[g[off + EDGES + v - 1]]]++;
  }
  return classes.sum();
}

const CROWS = new Int32Array(NODES);
const COPS = new Int8Array(NODES);
const INDEX = new Int8Array(NODES);

/** Compact the live nodes of the genome into CROWS / COPS; returns the node count. */
function compact(g: Int8Array, off: number, live: number): number {
  let n = 0;
  for (let v = 0; v < NODES; v++) if (live & (1 << v)) INDEX[v] = n++;
  for (let v = 0; v < NODES; v++) {
    if (!(live & (1 << v))) continue;
    let row = 0;
    const r = ROWS[v] & live;
    for (let w = v + 1; w < NODES; w++) if (r & (1 << w)) row |= 1 << INDEX[w];
    CROWS[INDEX[v]] = row;
    COPS[INDEX[v]] = v > 0 && v < NODES - 1 ? g[off + EDGES + v - 1] : -1;
  }
  return n;
}

/** The pruned spec of a valid genome. */
export function nb101GenomeSpec(g: Int8Array, off = 0): Nb101Spec {
  const live = liveMask(g, off);
  if (live === 0) throw new Error('nb101 genome: the output is not reachable from the input');
  const n = compact(g, off, live);
  const matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (CROWS[i] >> j) & 1));
  const ops = Array.from({ length: n }, (_, v) => (v === 0 ? 'input' : v === n - 1 ? 'output' : NB101_OPS[COPS[v]]));
  return { matrix, ops };
}

export function nb101GenomeArchitecture(g: Int8Array, off = 0): Architecture {
  return nb101Architecture(nb101GenomeSpec(g, off));
}

/** Genome of a spec with at most 7 nodes (smaller specs are padded with dead nodes). */
export function nb101GenomeOf(spec: Nb101Spec): Int8Array | undefined {
  const n = spec.ops.length;
  if (n < 2 || n > NODES || spec.matrix.length !== n) return undefined;
  const g = new Int8Array(NB101_GENOME);
  // Node v of the spec → genome node v, except the output, which is genome node 6.
  const map = (v: number) => (v === n - 1 ? NODES - 1 : v);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (!spec.matrix[i][j]) continue;
      const a = map(i), b = map(j);
      let e = 0;
      while (!(EDGE_FROM[e] === a && EDGE_TO[e] === b)) e++;
      g[e] = 1;
    }
  }
  for (let v = 1; v < n - 1; v++) {
    const op = (NB101_OPS as readonly string[]).indexOf(spec.ops[v]);
    if (op < 0) return undefined;
    g[EDGES + v - 1] = op;
  }
  return g;
}

/** Params and FLOPs (M) of a valid genome into out[1], out[2]: equal to `costOf` exactly. */
export function nb101GenomeCost(g: Int8Array, off: number, out: Float64Array): void {
  const live = liveMask(g, off);
  const n = compact(g, off, live);
  const c = nb101RawCost(n, CROWS, COPS, NB101_COST_OUT);
  out[1] = c[0] / 1e6;
  out[2] = c[1] / 1e6;
}

/** Permutations of 0…m−1 for m = 0…5. */
const PERMS: number[][][] = [0, 1, 2, 3, 4, 5].map((m) => {
  const out: number[][] = [];
  const rec = (prefix: number[]) => {
    if (prefix.length === m) { out.push(prefix); return; }
    for (let v = 0; v < m; v++) if (!prefix.includes(v)) rec([...prefix, v]);
  };
  rec([]);
  return out;
});

/**
 * Isomorphism-class key: the pruned spec relabelled by every permutation of its interior nodes
 * that keeps the matrix upper-triangular, encoded (node count, adjacency bits, ops), minimum taken.
 */
export function nb101GenomeKey(g: Int8Array, off = 0): number {
  const live = liveMask(g, off);
  if (live === 0) return -1;
  const n = compact(g, off, live);
  const m = n - 2;
  const pos = new Int8Array(n);
  let best = Infinity;
  outer: for (const perm of PERMS[m]) {
    pos[0] = 0;
    pos[n - 1] = n - 1;
    for (let v = 1; v <= m; v++) pos[v] = 1 + perm[v - 1];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) if ((CROWS[i] >> j) & 1 && pos[i] >= pos[j]) continue outer;
    }
    let bits = 0;
    let opsCode = 0;
    const relabelled = new Int32Array(n);
    const ops = new Int8Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) if ((CROWS[i] >> j) & 1) relabelled[pos[i]] |= 1 << pos[j];
      ops[pos[i]] = COPS[i];
    }
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) bits = bits * 2 + ((relabelled[i] >> j) & 1);
    for (let v = 1; v <= m; v++) opsCode = opsCode * 4 + ops[v];
    const code = (n * 2 ** 21 + bits) * 1024 + opsCode;
    if (code < best) best = code;
  }
  return best;
}

/** Exact smallest params and FLOPs (M) of the space (computed by `nb101ExhaustiveMinimum`; see tests). */
export const NB101_MINIMUM = { params: 0.227274, flops: 44.430336 };

/**
 * Enumerate every 7×7 upper-triangular matrix with max-pool interior ops (no op costs fewer
 * params or FLOPs: a conv adds weights, and a 1×1 conv costs ≥ 28 FLOPs per element against a
 * 3×3 max-pool's 9 once a node has ≥ 25 channels, which every NB101 node has) and return the
 * smallest params and FLOPs of the valid pruned specs. About a second: for tests only.
 */
export function nb101ExhaustiveMinimum(): { params: number; flops: number } {
  const g = new Int8Array(NB101_GENOME);
  for (let v = 0; v < 5; v++) g[EDGES + v] = (NB101_OPS as readonly string[]).indexOf('maxpool3x3');
  const seen = new Set<number>();
  let params = Infinity;
  let flops = Infinity;
  for (let mask = 0; mask < 1 << EDGES; mask++) {
    for (let e = 0; e < EDGES; e++) g[e] = (mask >> e) & 1;
    const live = liveMask(g, 0);
    if (live === 0 || prunedEdges(live) > MAX_EDGES) continue;
    let key = live;
    for (let i = 0; i < NODES; i++) key = key * 128 + (ROWS[i] & live);
    if (seen.has(key)) continue;
    seen.add(key);
    const n = compact(g, 0, live);
    const c = nb101RawCost(n, CROWS, COPS, NB101_COST_OUT);
    params = Math.min(params, c[0]);
    flops = Math.min(flops, c[1]);
  }
  return { params: params / 1e6, flops: flops / 1e6 };
}

function randomGenome(rng: Rng, g: Int8Array, off: number): void {
  for (;;) {
    for (let e = 0; e < EDGES; e++) g[off + e] = rng.next() < 0.5 ? 1 : 0;
    for (let v = 0; v < 5; v++) g[off + EDGES + v] = rng.int(N_OPS);
    if (nb101GenomeValid(g, off)) return;
  }
}

/**
 * nasbench's `mutate_spec` with mutation rate 1: flip each of the 21 matrix entries with
 * probability 1/7 and change each op with probability 1/5 (to a different op); retry until the
 * result is valid and differs from the parent. The independent coin flips are drawn by geometric
 * skipping (one uniform per success instead of one per entry): the same distribution, fewer draws.
 */
function mutateGenome(rng: Rng, src: Int8Array, so: number, dst: Int8Array, doff: number): void {
  for (;;) {
    for (let i = 0; i < NB101_GENOME; i++) dst[doff + i] = src[so + i];
    let changed = false;
    for (let e = geometric(rng, LOG_KEEP_EDGE); e < EDGES; e += 1 + geometric(rng, LOG_KEEP_EDGE)) {
      dst[doff + e] ^= 1;
      changed = true;
    }
    for (let v = geometric(rng, LOG_KEEP_OP); v < 5; v += 1 + geometric(rng, LOG_KEEP_OP)) {
      const k = doff + EDGES + v;
      const op = rng.int(N_OPS - 1);
      dst[k] = op >= dst[k] ? op + 1 : op;
      changed = true;
    }
    if (changed && nb101GenomeValid(dst, doff)) return;
  }
}

const LOG_KEEP_EDGE = Math.log(1 - 1 / NODES);
const LOG_KEEP_OP = Math.log(1 - 1 / 5);

/** Failures before the next success of a Bernoulli(p) sequence; `logKeep` = ln(1 − p). */
function geometric(rng: Rng, logKeep: number): number {
  return Math.floor(Math.log(1 - rng.next()) / logKeep);
}

export const nb101Codec: ReaCodec = {
  space: 'nb101',
  name: 'NAS-Bench-101',
  genomeSize: NB101_GENOME,
  population: 100,
  sampleSize: 25,
  random: randomGenome,
  mutate: mutateGenome,
  evaluate(g, off, out) {
    const live = liveMask(g, off);
    out[0] = sedOfLive(g, off, live);
    const n = compact(g, off, live);
    const c = nb101RawCost(n, CROWS, COPS, NB101_COST_OUT);
    out[1] = c[0] / 1e6;
    out[2] = c[1] / 1e6;
  },
  key: nb101GenomeKey,
  text: (g) => nb101Text(nb101GenomeArchitecture(g)),
  minimum: () => NB101_MINIMUM,
};
