// Plain data shared by every engine. Offsets are UTF-16 code units into the source string.

export interface Span {
  start: number;
  end: number;
}

export type ArchFormat = 'nb201' | 'darts' | 'nb101' | 'cell';

/** The search space whose network skeleton a definition is placed in. */
export type SpaceId = 'nb201' | 'darts' | 'nb101' | 'generic';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  span: Span;
  severity: Severity;
  /** Stable machine code, e.g. `unknown-op`, `sed/disconnected-output`. */
  code: string;
  message: string;
}

/** One operation on an edge or on a node. `op` is a canonical name from ops.ts. */
export interface Edge {
  from: number;
  to: number;
  op: string;
  span?: Span;
}

export type Aggregation = 'sum' | 'concat';

/**
 * A cell as a DAG. Nodes are numbered 0..nodeCount-1 in topological order.
 * Edge ops transform the source feature map; a node first aggregates its incoming edges
 * (`aggregation[node]`) and then applies `nodeOps[node]` if set (NAS-Bench-101 style).
 */
export interface Cell {
  nodeCount: number;
  inputs: number[];
  output: number;
  edges: Edge[];
  aggregation: Aggregation[];
  nodeOps: (string | null)[];
}

export interface NamedCell {
  /** `cell` for single-cell spaces, `normal` / `reduce` for DARTS. */
  role: 'cell' | 'normal' | 'reduce';
  cell: Cell;
}

export interface Architecture {
  space: SpaceId;
  cells: NamedCell[];
}

/** A definition found in a document; `arch` is absent when it had errors. */
export interface Definition {
  format: ArchFormat;
  span: Span;
  arch?: Architecture;
  /** Canonical text (parseable by the same parser) when `arch` is present. */
  canonical?: string;
  findings: Finding[];
}
