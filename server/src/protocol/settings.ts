// Settings as the server sees them; mirrors `contributes.configuration` in package.json.

export type TopologySeverity = 'default' | 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface Settings {
  enable: boolean;
  languages: string[];
  codeLens: { enable: boolean };
  diagnostics: { topologySeverity: TopologySeverity };
  analysisDelayMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  languages: ['python', 'yaml', 'json', 'jsonc', 'plaintext', 'markdown'],
  codeLens: { enable: true },
  diagnostics: { topologySeverity: 'default' },
  analysisDelayMs: 150,
};

/** Merge a raw configuration object over the defaults, ignoring values of the wrong type. */
export function toSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const severities: TopologySeverity[] = ['default', 'error', 'warning', 'information', 'hint', 'off'];
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : DEFAULT_SETTINGS.enable,
    languages: Array.isArray(r.languages) && r.languages.every((l: unknown) => typeof l === 'string')
      ? r.languages : DEFAULT_SETTINGS.languages,
    codeLens: { enable: typeof r.codeLens?.enable === 'boolean' ? r.codeLens.enable : DEFAULT_SETTINGS.codeLens.enable },
    diagnostics: {
      topologySeverity: severities.includes(r.diagnostics?.topologySeverity)
        ? r.diagnostics.topologySeverity : DEFAULT_SETTINGS.diagnostics.topologySeverity,
    },
    analysisDelayMs: typeof r.analysisDelayMs === 'number' && r.analysisDelayMs >= 0 && r.analysisDelayMs <= 5000
      ? r.analysisDelayMs : DEFAULT_SETTINGS.analysisDelayMs,
  };
}
