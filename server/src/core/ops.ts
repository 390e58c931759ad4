// The operation vocabulary: every op name the parsers accept, with the structural facts
// the SED derivation and the cost model need.

export type OpKind = 'conv' | 'separable' | 'dilated' | 'pooling' | 'identity' | 'zero';

export interface OpInfo {
  name: string;
  kind: OpKind;
  /** Spatial kernel size (1 for identity/zero). */
  kernel: number;
  dilation: number;
  pool?: 'avg' | 'max';
}

function op(name: string, kind: OpKind, kernel = 1, dilation = 1, pool?: 'avg' | 'max'): OpInfo {
  return { name, kind, kernel, dilation, pool };
}

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export const DARTS_OPS = [
  'none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect',
  'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5',
] as const;
export const NB101_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const;

const TABLE: Record<string, OpInfo> = {};
for (const info of [
  op('none', 'zero'),
  op('skip_connect', 'identity'),
  op('nor_conv_1x1', 'conv', 1),
  op('nor_conv_3x3', 'conv', 3),
  op('avg_pool_3x3', 'pooling', 3, 1, 'avg'),
  op('max_pool_3x3', 'pooling', 3, 1, 'max'),
  op('sep_conv_3x3', 'separable', 3),
  op('sep_conv_5x5', 'separable', 5),
  op('dil_conv_3x3', 'dilated', 3, 2),
  op('dil_conv_5x5', 'dilated', 5, 2),
  op('conv3x3-bn-relu', 'conv', 3),
  op('conv1x1-bn-relu', 'conv', 1),
  op('maxpool3x3', 'pooling', 3, 1, 'max'),
]) TABLE[info.name] = info;

/** Look up a canonical op name. */
export function opInfo(name: string): OpInfo | undefined {
  return TABLE[name] ?? genericOp(name);
}

/**
 * Names accepted by the generic cell format beyond the canonical ones:
 * conv_KxK, sep_conv_KxK, dil_conv_KxK, avg_pool_KxK, max_pool_KxK, identity/skip, zero/none.
 */
export function genericOp(name: string): OpInfo | undefined {
  const n = name.trim().toLowerCase();
  if (n === 'identity' || n === 'skip' || n === 'skip_connect') return op(n, 'identity');
  if (n === 'zero' || n === 'none') return op(n, 'zero');
  const m = /^(conv|sep_conv|dil_conv|avg_pool|max_pool)_(\d{1,2})x(\d{1,2})$/.exec(n);
  if (!m || m[2] !== m[3]) return undefined;
  const k = Number(m[2]);
  if (k < 1 || k % 2 === 0) return undefined;
  switch (m[1]) {
    case 'conv': return op(n, 'conv', k);
    case 'sep_conv': return op(n, 'separable', k);
    case 'dil_conv': return op(n, 'dilated', k, 2);
    case 'avg_pool': return op(n, 'pooling', k, 1, 'avg');
    default: return op(n, 'pooling', k, 1, 'max');
  }
}

/** Closest vocabulary entry by edit distance, for "did you mean" messages. */
export function closestOp(name: string, vocabulary: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const cand of vocabulary) {
    const d = editDistance(name.toLowerCase(), cand);
    if (d < bestDist) { bestDist = d; best = cand; }
  }
  return best !== undefined && bestDist <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function unknownOpMessage(name: string, vocabulary: readonly string[]): string {
  const hint = closestOp(name, vocabulary);
  return `unknown operation '${name}'` + (hint ? ` — did you mean '${hint}'?` : ` — expected one of ${vocabulary.join(', ')}`);
}
