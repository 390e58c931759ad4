// Owns the language client's lifecycle and its output channel.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { CELL_LANGUAGE_ID } from '../../server/src/protocol/ids';
import { readConfig, RESTART_KEYS } from './config';

export class ServerContext implements vscode.Disposable {
  private client: LanguageClient | undefined;
  readonly output = vscode.window.createOutputChannel('Entropy Lens', { log: true });
  private readonly disposables: vscode.Disposable[] = [this.output];

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_KEYS.some((k) => e.affectsConfiguration(k))) void this.restart();
    }));
  }

  get languageClient(): LanguageClient | undefined { return this.client; }

  async start(): Promise<void> {
    const module = this.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const languages = [...readConfig().languages, CELL_LANGUAGE_ID];
    const clientOptions: LanguageClientOptions = {
      documentSelector: languages.flatMap((language) => [
        { scheme: 'file', language }, { scheme: 'untitled', language }, { scheme: 'vscode-remote', language },
      ]),
      outputChannel: this.output,
      synchronize: { configurationSection: 'entropyLens' },
    };
    this.client = new LanguageClient('entropyLens', 'Entropy Lens', serverOptions, clientOptions);
    await this.client.start();
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) d.dispose();
  }
}
