// Activation only: build the context, start the client, register commands and the panel serializer.
import * as vscode from 'vscode';
import { ServerContext } from './serverContext';
import { registerCommands } from './commands';
import { EduController } from './edu/eduController';
import { EDU_PANEL_VIEW_TYPE } from './edu/entropyPanel';

let ctx: ServerContext | undefined;

export interface EntropyLensApi {
  /** For tests: what the EDU panel currently shows. */
  eduSnapshot: EduController['snapshot'];
}

export async function activate(context: vscode.ExtensionContext): Promise<EntropyLensApi> {
  ctx = new ServerContext(context);
  const server = ctx;
  const edu = new EduController(context, () => server.languageClient);
  context.subscriptions.push(ctx, edu);
  registerCommands(context, ctx, edu);
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(EDU_PANEL_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => edu.revive(panel),
  }));
  try {
    await ctx.start();
  } catch (e) {
    void vscode.window.showErrorMessage(`Entropy Lens could not start its language server: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { eduSnapshot: () => edu.snapshot() };
}

export function deactivate(): Thenable<void> | undefined {
  return ctx?.stop();
}
