// Activation only: build the context, start the client, register commands.
import * as vscode from 'vscode';
import { ServerContext } from './serverContext';
import { registerCommands } from './commands';

let ctx: ServerContext | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ctx = new ServerContext(context);
  context.subscriptions.push(ctx);
  registerCommands(context, ctx);
  try {
    await ctx.start();
  } catch (e) {
    void vscode.window.showErrorMessage(`Entropy Lens could not start its language server: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function deactivate(): Thenable<void> | undefined {
  return ctx?.stop();
}
