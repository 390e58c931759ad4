// Per-operation local-entropy terms (docs/sed.md §3). Each term is the information, in nats per
// output unit, that an operation adds to (or removes from) the feature map it writes.
import { type OpInfo, opInfo, NB201_OPS } from '../ops';
import { maxOfNormalsVariance, unitCapacity } from './gaussian';

/**
 * fresh      a parametric op (ReLU-conv-BN and friends): random zero-mean weights make its output
 *            independent of its input at initialisation, so it adds a new Gaussian component.
 * transport  a deterministic linear map of its input (pooling): it can only keep or lose entropy.
 * neutral    identity: transports the input unchanged (0 nats).
 */
export type TermKind = 'fresh' | 'transport' | 'neutral';

export interface OpEntropy {
  /** Nats per output unit added (positive) or removed (negative). */
  nats: number;
  kind: TermKind;
  /** Short human-readable reason, e.g. "fresh component, 9 taps, ×2 stages". */
  why: string;
}

/** Information of the identity channel, ½ ln 2: the reference every transport op is measured against. */
export const IDENTITY_CAPACITY = unitCapacity(1, 1);

/**
 * The local-entropy term of one operation.
 * `strided`: the op reads a cell input of a DARTS reduction cell (stride 2). A strided
 * `skip_connect` is DARTS' FactorizedReduce (ReLU, two 1×1 convs, concat, BN): a fresh 1×1 stage.
 */
export function opEntropy(info: OpInfo, strided = false): OpEntropy {
  const taps = info.kernel * info.kernel;
  switch (info.kind) {
    case 'zero':
      return { nats: 0, kind: 'neutral', why: 'zero op: the edge is absent' };
    case 'identity':
      if (strided) {
        return { nats: unitCapacity(1), kind: 'fresh', why: 'strided skip = FactorizedReduce, a fresh 1×1 stage: ½ ln(1+1)' };
      }
      return { nats: 0, kind: 'neutral', why: 'identity copies its input: no new local entropy' };
    case 'conv':
      return { nats: unitCapacity(taps), kind: 'fresh', why: `fresh component, ${taps} tap${taps > 1 ? 's' : ''}: ½ ln(1+${taps})` };
    case 'separable':
      // Depthwise k×k + pointwise 1×1, applied twice: two fresh stages in series.
      return { nats: 2 * unitCapacity(taps), kind: 'fresh', why: `two fresh stages of ${taps} taps: 2 · ½ ln(1+${taps})` };
    case 'dilated': {
      // k² taps spread over an effective (d(k−1)+1)² window; on white input the taps stay independent,
      // so the count of taps, not the span, sets the variance (docs/sed.md §3.3).
      const span = info.dilation * (info.kernel - 1) + 1;
      return { nats: unitCapacity(taps), kind: 'fresh', why: `fresh component, ${taps} taps over a ${span}×${span} span: ½ ln(1+${taps})` };
    }
    case 'pooling': {
      const p = info.kernel;
      if (info.pool === 'max') {
        const v = maxOfNormalsVariance(taps);
        return {
          nats: 0.5 * Math.log1p(v) - IDENTITY_CAPACITY,
          kind: 'transport',
          why: `max of ${taps} taps keeps variance ${v.toFixed(3)}: ½ ln((1+${v.toFixed(3)})/2)`,
        };
      }
      return {
        nats: unitCapacity(taps, 1 / taps) - IDENTITY_CAPACITY,
        kind: 'transport',
        why: `average of ${taps} taps keeps variance 1/${taps}: ½ ln((1+1/${taps})/2)`,
      };
    }
  }
}

const byName = new Map<string, OpEntropy>();

/** Term of a canonical op name (memoised); unknown names are treated as neutral (the parsers report them). */
export function opEntropyByName(name: string, strided = false): OpEntropy {
  const key = strided ? `${name}/s2` : name;
  let term = byName.get(key);
  if (!term) {
    const info = opInfo(name);
    term = info ? opEntropy(info, strided) : { nats: 0, kind: 'neutral', why: `unknown op '${name}', counted as 0` };
    byName.set(key, term);
  }
  return term;
}

/** Terms of NB201_OPS by index (index 0, `none`, is never added: a none edge is absent). */
export const NB201_TERMS: Float64Array = Float64Array.from(NB201_OPS, (name) => opEntropyByName(name).nats);

/** NB201 op indices 1..4 ordered by ascending term: the summation order of `sumTerms` (see score.ts). */
export const NB201_TERM_ORDER: Int8Array = Int8Array.from([1, 2, 3, 4].sort((a, b) => NB201_TERMS[a] - NB201_TERMS[b] || a - b));

/**
 * Order-independent sum of a multiset of terms: equal values are grouped and each group adds
 * count × value, groups in ascending order of value. Isomorphic cells (same terms, different
 * edge order) therefore get bit-identical scores.
 */
export function sumTerms(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let s = 0;
  for (const v of [...counts.keys()].sort((a, b) => a - b)) s += counts.get(v)! * v;
  return s;
}
