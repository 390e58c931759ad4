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

export function analyzeText(text: string, languageId: string): AnalyzedDefinition[] {
  return findDefinitions(text, languageId).map(analyzeDefinition);
}

export function analyzeDefinition(def: Definition): AnalyzedDefinition {
  if (!def.arch) return def;
  try {
    const score = scoreArchitecture(def.arch);
    const findings: Finding[] = [...def.findings, ...topologyFindings(def.arch, def.span)];
    return { ...def, findings, score, cost: costOf(def.arch), rank: rankInSpace(def.arch, score.sed) };
  } catch (e) {
    // A scorer bug must never take the server down: report it on the definition instead.
    const message = `internal error while scoring: ${e instanceof Error ? e.message : String(e)}`;
    return { ...def, findings: [...def.findings, { span: def.span, severity: 'error', code: 'internal', message }] };
  }
}

export function hasErrors(def: Definition): boolean {
  return def.findings.some((f) => f.severity === 'error');
}
