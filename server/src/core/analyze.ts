// One pass over a document: find definitions, then score, cost, rank and check each one.
import type { Definition, Finding } from './types';
import { findDefinitions } from './parsers/findDefinitions';
import { scoreArchitecture, type SedResult } from './sed/score';
import { topologyFindings } from './sed/topology';
import { rankInSpace, type SpaceRank } from './sed/rank';
import { costOf, type Cost } from './cost/cost';

export interface AnalyzedDefinition extends Definition {
  score?: SedResult;
  cost?: Cost;
  rank?: SpaceRank;
}

interface Scored {
  /** Term spans are relative to the definition's start, like the topology findings. */
  score: SedResult;
  cost?: Cost;
  rank?: SpaceRank;
  /** Topology findings with spans relative to the definition's start. */
  topology: Finding[];
}

/**
 * Scores keyed by a definition's format and exact source text. After an edit, only the
 * definitions whose text changed are scored again; the rest are looked up and shifted.
 */
export class ScoreCache {
  private readonly map = new Map<string, Scored>();
  constructor(private readonly maxEntries = 50_000) {}

  get(key: string): Scored | undefined { return this.map.get(key); }

  set(key: string, value: Scored): void {
    if (this.map.size >= this.maxEntries) this.map.clear();
    this.map.set(key, value);
  }

  get size(): number { return this.map.size; }
}

export function analyzeText(text: string, languageId: string, cache?: ScoreCache): AnalyzedDefinition[] {
  return findDefinitions(text, languageId).map((d) => analyzeDefinition(d, cache && { cache, text }));
}

export function analyzeDefinition(def: Definition, memo?: { cache: ScoreCache; text: string }): AnalyzedDefinition {
  if (!def.arch) return def;
  try {
    const key = memo && `${def.format}\u0000${memo.text.slice(def.span.start, def.span.end)}`;
    let scored = key !== undefined ? memo!.cache.get(key) : undefined;
    if (!scored) {
      const score = scoreArchitecture(def.arch);
      const topology = topologyFindings(def.arch, def.span).map((f) => shift(f, -def.span.start));
      scored = { score: shiftTerms(score, -def.span.start), cost: costOf(def.arch), rank: rankInSpace(def.arch, score.sed), topology };
      if (key !== undefined) memo!.cache.set(key, scored);
    }
    const findings: Finding[] = [...def.findings, ...scored.topology.map((f) => shift(f, def.span.start))];
    return { ...def, findings, score: shiftTerms(scored.score, def.span.start), cost: scored.cost, rank: scored.rank };
  } catch (e) {
    // A scorer bug must never take the server down: report it on the definition instead.
    const message = `internal error while scoring: ${e instanceof Error ? e.message : String(e)}`;
    return { ...def, findings: [...def.findings, { span: def.span, severity: 'error', code: 'internal', message }] };
  }
}

function shiftTerms(score: SedResult, by: number): SedResult {
  if (!score.terms.some((t) => t.span)) return score;
  return { ...score, terms: score.terms.map((t) => (t.span ? { ...t, span: { start: t.span.start + by, end: t.span.end + by } } : t)) };
}

function shift(f: Finding, by: number): Finding {
  return { ...f, span: { start: f.span.start + by, end: f.span.end + by } };
}

export function hasErrors(def: Definition): boolean {
  return def.findings.some((f) => f.severity === 'error');
}
