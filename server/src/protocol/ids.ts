// Identifiers shared by the client, the server and the tests. A unit test checks them
// against package.json so the two cannot drift apart.

export const CONFIG_SECTION = 'entropyLens';
export const CELL_LANGUAGE_ID = 'entropy-cell';
export const DIAGNOSTIC_SOURCE = 'Entropy Lens';

export const DEFAULT_LANGUAGES = ['python', 'yaml', 'json', 'jsonc', 'plaintext', 'markdown'] as const;

export const COMMANDS = {
  restartServer: 'entropyLens.restartServer',
  showOutput: 'entropyLens.showOutput',
  searchArchitectures: 'entropyLens.searchArchitectures',
  improveArchitecture: 'entropyLens.improveArchitecture',
  segmentReasoning: 'entropyLens.segmentReasoning',
  insertStepSeparators: 'entropyLens.insertStepSeparators',
  copyStepsAsProcessBench: 'entropyLens.copyStepsAsProcessBench',
  toggleStepAnnotations: 'entropyLens.toggleStepAnnotations',
  chooseModel: 'entropyLens.chooseModel',
  setEndpoint: 'entropyLens.setEndpoint',
} as const;
