// One small factory per command; no business logic here.
import * as vscode from 'vscode';
import { COMMANDS } from '../../server/src/protocol/ids';
import type { ServerContext } from './serverContext';
import type { EduController } from './edu/eduController';
import { chooseModel, setEndpoint } from './edu/eduSettings';
import { improveArchitecture, searchArchitectures } from './sed/searchCommands';
import type { SearchForm } from './sed/searchForm';
import type { ResultsPanel } from './sed/resultsPanel';

export function registerCommands(context: vscode.ExtensionContext, ctx: ServerContext, edu: EduController, results: ResultsPanel): void {
  const commands: Record<string, (...args: any[]) => unknown> = {
    [COMMANDS.restartServer]: async () => {
      try {
        await ctx.restart();
        void vscode.window.setStatusBarMessage('Entropy Lens: language server restarted', 3000);
      } catch (e) {
        void vscode.window.showErrorMessage(`Entropy Lens: restart failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    [COMMANDS.showOutput]: () => ctx.output.show(true),
    [COMMANDS.searchArchitectures]: (preset?: SearchForm) => searchArchitectures(ctx.languageClient, results, preset),
    [COMMANDS.improveArchitecture]: (uri?: string, offset?: number) => improveArchitecture(ctx.languageClient, uri, offset),
    [COMMANDS.segmentReasoning]: () => edu.segmentSelection(),
    [COMMANDS.insertStepSeparators]: (style?: string) => edu.insertSeparators(style),
    [COMMANDS.copyStepsAsProcessBench]: () => edu.copyProcessBench(),
    [COMMANDS.toggleStepAnnotations]: () => edu.toggleAnnotations(),
    [COMMANDS.chooseModel]: () => chooseModel(),
    [COMMANDS.setEndpoint]: () => setEndpoint(context.secrets),
  };
  for (const [id, run] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  }
}
