// A minimal LSP client that drives the real built server over stdio. Used by the
// in-process LSP tests and by `entropy-lens lsp bench`.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
  InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification, PublishDiagnosticsNotification, CodeLensRequest, HoverRequest,
  ConfigurationRequest, RegistrationRequest, CodeActionRequest, type CodeAction, type Command, ShutdownRequest, ExitNotification,
  DidChangeConfigurationNotification, type PublishDiagnosticsParams, type CodeLens, type Hover,
  type Position, type TextDocumentContentChangeEvent, WorkDoneProgress, CancellationTokenSource,
  type WorkDoneProgressBegin, type WorkDoneProgressReport, type WorkDoneProgressEnd,
} from 'vscode-languageserver-protocol/node';
import {
  AnalysisDoneNotification, DocumentScoresRequest, EduEntropiesRequest, NeighboursRequest, SED_SEARCH_METHOD,
  type NeighboursResult, type SedSearchParams,
  type AnalysisDoneParams, type DefinitionSummary, type EduEntropiesResult, type EduSourceConfig,
} from '../protocol/lsp';
import type { SearchResponse } from '../lsp/search';

type Waiter<T> = { match: (v: T) => boolean; resolve: (v: T) => void };

export class LspHarness {
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly diagWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly doneWaiters: Waiter<AnalysisDoneParams>[] = [];
  readonly stderr: string[] = [];
  settings: Record<string, unknown> = {};

  private constructor(private readonly child: ChildProcess, readonly connection: ProtocolConnection) {}

  static async start(serverPath: string, settings: Record<string, unknown> = {}): Promise<LspHarness> {
    const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const h = new LspHarness(child, connection);
    h.settings = settings;
    child.stderr!.on('data', (d) => h.stderr.push(String(d)));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      h.diagnostics.set(p.uri, p);
      settle(h.diagWaiters, p);
    });
    connection.onNotification(AnalysisDoneNotification, (p) => settle(h.doneWaiters, p));
    connection.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => h.settings));
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, workspaceFolders: null,
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return h;
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** Resolves with the next diagnostics for `uri` (at `version` when given). */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return wait(this.diagWaiters, (p) => p.uri === uri && (version === undefined || p.version === version));
  }

  nextAnalysis(uri: string, version?: number, where: (p: AnalysisDoneParams) => boolean = () => true): Promise<AnalysisDoneParams> {
    return wait(this.doneWaiters, (p) => p.uri === uri && (version === undefined || p.version === version) && where(p));
  }

  lastDiagnostics(uri: string): PublishDiagnosticsParams | undefined {
    return this.diagnostics.get(uri);
  }

  codeLens(uri: string): Promise<CodeLens[] | null> {
    return this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  codeActions(uri: string, position: Position): Promise<(Command | CodeAction)[] | null> {
    return this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } });
  }

  neighbours(uri: string, offset: number, k?: number): Promise<NeighboursResult> {
    return this.connection.sendRequest(NeighboursRequest, { uri, offset, k });
  }

  /** The SED search with work-done progress; `cancel` cancels it through `$/cancelRequest`. */
  sedSearch(params: Omit<SedSearchParams, 'workDoneToken'>, onProgress?: (p: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => void): { result: Promise<SearchResponse>; cancel: () => void } {
    const workDoneToken = `search-${++this.progressTokens}`;
    const sub = onProgress ? this.connection.onProgress(WorkDoneProgress.type, workDoneToken, onProgress) : undefined;
    const cts = new CancellationTokenSource();
    const result = this.connection.sendRequest<SearchResponse>(SED_SEARCH_METHOD, { ...params, workDoneToken }, cts.token)
      .finally(() => sub?.dispose());
    return { result, cancel: () => cts.cancel() };
  }

  documentScores(uri: string): Promise<DefinitionSummary[]> {
    return this.connection.sendRequest(DocumentScoresRequest, { uri });
  }

  /** The EDU request with work-done progress; `cancel` cancels it through `$/cancelRequest`. */
  eduEntropies(text: string, source: EduSourceConfig, onProgress?: (p: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd) => void): { result: Promise<EduEntropiesResult>; cancel: () => void } {
    const workDoneToken = `edu-${++this.progressTokens}`;
    const sub = onProgress ? this.connection.onProgress(WorkDoneProgress.type, workDoneToken, onProgress) : undefined;
    const cts = new CancellationTokenSource();
    const result = this.connection.sendRequest(EduEntropiesRequest, { text, source, workDoneToken }, cts.token)
      .finally(() => sub?.dispose());
    return { result, cancel: () => cts.cancel() };
  }

  private progressTokens = 0;

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch { /* already gone */ }
    this.connection.dispose();
    if (this.alive) this.child.kill();
  }
}

function settle<T>(waiters: Waiter<T>[], v: T): void {
  for (let i = waiters.length - 1; i >= 0; i--) {
    if (waiters[i].match(v)) {
      waiters[i].resolve(v);
      waiters.splice(i, 1);
    }
  }
}

function wait<T>(waiters: Waiter<T>[], match: (v: T) => boolean, timeoutMs = 20000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for the language server')), timeoutMs);
    waiters.push({ match, resolve: (v) => { clearTimeout(timer); resolve(v); } });
  });
}
