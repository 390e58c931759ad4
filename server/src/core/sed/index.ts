// SED (derived from the stated theory of arXiv 2411.06236): see docs/sed.md.
export { scoreArchitecture, scoreCell, scoreNb201Codes, sedValue, cellLiveness, cellMultiplicity } from './score';
export type { SedResult, SedTerm, CellSed, CellLiveness } from './score';
export { opEntropy, opEntropyByName, NB201_TERMS, IDENTITY_CAPACITY } from './terms';
export type { OpEntropy, TermKind } from './terms';
export { topologyFindings } from './topology';
export { rankInSpace, nb201Population, dartsPopulation, nb101Population, topPercentIn, RANK_SAMPLE_SIZE, RANK_SEED } from './rank';
export type { SpaceRank } from './rank';
