// EDU backend settings and the API key in SecretStorage (never in settings).
import * as vscode from 'vscode';
import type { EduSourceConfig } from '../../../server/src/protocol/lsp';

export const API_KEY_SECRET = 'entropyLens.edu.apiKey';
const SECTION = 'entropyLens.edu';

export interface EduLimits {
  maxChars: number;
}

export type BackendChoice = { config: EduSourceConfig } | { missing: string };

export async function resolveBackend(secrets: vscode.SecretStorage): Promise<BackendChoice> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const backend = c.get<string>('backend', 'gguf');
  if (backend === 'openai') {
    const endpoint = c.get<string>('endpoint', '').trim();
    if (!endpoint) return { missing: 'No OpenAI-compatible endpoint is set. Set one (vLLM or llama.cpp server on this machine), or choose a GGUF model to run embedded.' };
    const apiKey = (await secrets.get(API_KEY_SECRET)) || undefined;
    const model = c.get<string>('model', '').trim() || undefined;
    return { config: { kind: 'openai', endpoint, apiKey, model, topK: c.get<number>('topK', 20) } };
  }
  const modelPath = c.get<string>('modelPath', '').trim();
  if (!modelPath) return { missing: 'No GGUF model is chosen. Choose a local GGUF file to compute token entropies with the embedded backend, or set an endpoint.' };
  return { config: { kind: 'gguf', modelPath, idleTimeoutMs: 1000 * c.get<number>('idleTimeoutSeconds', 300) } };
}

export function eduLimits(): EduLimits {
  return { maxChars: vscode.workspace.getConfiguration(SECTION).get<number>('maxChars', 200_000) };
}

export async function chooseModel(): Promise<boolean> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false, openLabel: 'Use this model', title: 'Choose a GGUF model for EDU segmentation',
    filters: { 'GGUF models': ['gguf'] },
  });
  if (!picked?.[0]) return false;
  const c = vscode.workspace.getConfiguration(SECTION);
  await c.update('modelPath', picked[0].fsPath, vscode.ConfigurationTarget.Global);
  await c.update('backend', 'gguf', vscode.ConfigurationTarget.Global);
  return true;
}

export async function setEndpoint(secrets: vscode.SecretStorage): Promise<boolean> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const endpoint = await vscode.window.showInputBox({
    title: 'OpenAI-compatible endpoint (vLLM, llama.cpp server)',
    prompt: 'Base URL, for example http://127.0.0.1:8000/v1',
    value: c.get<string>('endpoint', ''),
    validateInput: (v) => (/^https?:\/\/[^\s]+$/.test(v.trim()) ? undefined : 'Enter an http:// or https:// URL'),
  });
  if (endpoint === undefined) return false;
  const key = await vscode.window.showInputBox({
    title: 'API key (optional)', prompt: 'Kept in VS Code\'s secret storage. Leave empty for none.', password: true,
  });
  if (key === undefined) return false;
  if (key.trim()) await secrets.store(API_KEY_SECRET, key.trim()); else await secrets.delete(API_KEY_SECRET);
  await c.update('endpoint', endpoint.trim(), vscode.ConfigurationTarget.Global);
  await c.update('backend', 'openai', vscode.ConfigurationTarget.Global);
  return true;
}
