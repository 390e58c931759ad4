// `sumTerms` (sed/terms.ts) groups equal term values and adds count × value in ascending order of
// value. A fast scorer that knows which term each operation contributes can therefore count terms
// per *value class* and add the classes in ascending order: bit-identical to the reference scorer.

export class TermClasses {
  /** Distinct values, ascending. */
  readonly values: Float64Array;
  readonly counts: Int32Array;

  constructor(terms: readonly number[]) {
    const distinct = [...new Set(terms)].sort((a, b) => a - b);
    this.values = Float64Array.from(distinct);
    this.counts = new Int32Array(distinct.length);
  }

  /** Class index of a term value (which must be one of the constructor's terms). */
  classOf(value: number): number {
    const i = this.values.indexOf(value);
    if (i < 0) throw new Error(`term ${value} has no class`);
    return i;
  }

  reset(): void {
    this.counts.fill(0);
  }

  /** sumTerms of the counted multiset. */
  sum(): number {
    let s = 0;
    const { values, counts } = this;
    for (let c = 0; c < values.length; c++) if (counts[c] > 0) s += counts[c] * values[c];
    return s;
  }
}
