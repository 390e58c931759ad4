// Activation only: build the context, start the client, register commands and the panel serializer.
import * as vscode from 'vscode';
import { ServerContext } from './serverContext';
import { registerCommands } from './commands';
import { EduController } from './edu/eduController';
import { EDU_PANEL_VIEW_TYPE } from './edu/entropyPanel';
import { ResultsPanel, RESULTS_VIEW_TYPE } from './sed/resultsPanel';

let ctx: ServerContext | undefined;

export interface EntropyLensApi {
  /** For tests: what the EDU panel currently shows. */
  eduSnapshot: EduController['snapshot'];
  /** For tests: what the search results view shows. */
  searchResults: () => ResultsPanel['current'];
}

export async function activate(context: vscode.ExtensionContext): Promise<EntropyLensApi> {
  ctx = new ServerContext(context);
  const server = ctx;
  const edu = new EduController(context, () => server.languageClient);
  const results = new ResultsPanel(context.extensionUri);
  context.subscriptions.push(ctx, edu, results);
  registerCommands(context, ctx, edu, results);
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => results.revive(panel),
  }));
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(EDU_PANEL_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => edu.revive(panel),
  }));
  try {
    await ctx.start();
  } catch (e) {
    void vscode.window.showErrorMessage(`Entropy Lens could not start its language server: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { eduSnapshot: () => edu.snapshot(), searchResults: () => results.current };
}

export function deactivate(): Thenable<void> | undefined {
  return ctx?.stop();
}
