// Typed reader over the entropyLens.* settings the client itself needs.
import * as vscode from 'vscode';
import { CONFIG_SECTION } from '../../server/src/protocol/ids';
import { DEFAULT_SETTINGS, toSettings, type Settings } from '../../server/src/protocol/settings';

/** Settings that change which documents the client sends, so they need a restart. */
export const RESTART_KEYS = [`${CONFIG_SECTION}.languages`];

export function readConfig(): Settings {
  const c = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return toSettings({
    enable: c.get('enable', DEFAULT_SETTINGS.enable),
    languages: c.get('languages', DEFAULT_SETTINGS.languages),
    codeLens: { enable: c.get('codeLens.enable', DEFAULT_SETTINGS.codeLens.enable) },
    diagnostics: { topologySeverity: c.get('diagnostics.topologySeverity', DEFAULT_SETTINGS.diagnostics.topologySeverity) },
    analysisDelayMs: c.get('analysisDelayMs', DEFAULT_SETTINGS.analysisDelayMs),
  });
}
