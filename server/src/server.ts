// Language server entry: the only file that touches the Connection.
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  DidChangeConfigurationNotification, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText, ScoreCache } from './core/analyze';
import { AnalysisStore, type Analysis } from './lsp/analysisStore';
import { SettingsCache } from './lsp/settingsCache';
import { toDiagnostic } from './lsp/convert';
import { codeLenses } from './lsp/codeLens';
import { hoverAt } from './lsp/hover';
import { summarize } from './lsp/summary';
import {
  AnalysisDoneNotification, DocumentScoresRequest, EduEntropiesRequest, NeighboursRequest, SED_SEARCH_METHOD,
  type EduEntropiesParams, type NeighboursParams, type SedSearchParams,
} from './protocol/lsp';
import { neighboursAt } from './lsp/neighbourEdits';
import { runSearch } from './lsp/search';
import { improveActions } from './lsp/codeActions';
import { EduService } from './lsp/eduService';
import { CELL_LANGUAGE_ID } from './protocol/ids';
import type { Diagnostic } from 'vscode-languageserver';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const scores = new ScoreCache();
let settings = new SettingsCache();

const store = new AnalysisStore(
  async (doc) => {
    const s = await settings.get(doc.uri);
    if (!s.enable) return [];
    if (doc.languageId !== CELL_LANGUAGE_ID && !s.languages.includes(doc.languageId)) return [];
    return analyzeText(doc.getText(), doc.languageId, scores);
  },
  (doc, analysis) => void publish(doc, analysis),
);

async function publish(doc: TextDocument, analysis: Analysis): Promise<void> {
  // Only the newest version of an open document may publish.
  const current = documents.get(doc.uri);
  if (!current || current.version !== analysis.version) return;
  const s = await settings.get(doc.uri);
  const diagnostics: Diagnostic[] = [];
  for (const def of analysis.definitions) {
    for (const f of def.findings) {
      const d = toDiagnostic(doc, f, s.diagnostics.topologySeverity);
      if (d) diagnostics.push(d);
    }
  }
  await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  await connection.sendNotification(AnalysisDoneNotification, {
    uri: doc.uri, version: doc.version, definitions: analysis.definitions.length, millis: analysis.millis,
  });
}

async function schedule(doc: TextDocument): Promise<void> {
  const s = await settings.get(doc.uri);
  store.schedule(doc, s.analysisDelayMs);
}

connection.onInitialize((params): InitializeResult => {
  if (params.capabilities.workspace?.configuration) {
    settings = new SettingsCache((scopeUri, section) => connection.workspace.getConfiguration({ scopeUri, section }));
  }
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    },
    serverInfo: { name: 'entropy-lens', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  for (const doc of documents.all()) void schedule(doc);
});

documents.onDidOpen((e) => void schedule(e.document));
documents.onDidChangeContent((e) => void schedule(e.document));
documents.onDidClose((e) => {
  store.forget(e.document.uri);
  settings.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onCodeLens(async ({ textDocument }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return [];
  const [analysis, s] = await Promise.all([store.get(doc), settings.get(doc.uri)]);
  return analysis && s.codeLens.enable ? codeLenses(doc, analysis) : [];
});

connection.onCodeAction(async ({ textDocument, range }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return [];
  const analysis = await store.get(doc);
  return analysis ? improveActions(doc, analysis.definitions, doc.offsetAt(range.start)) : [];
});

connection.onRequest(NeighboursRequest, async (p: NeighboursParams) => {
  const doc = documents.get(p.uri);
  if (!doc) return { neighbours: [], message: 'The document is not open.' };
  const analysis = await store.get(doc);
  return neighboursAt(doc, analysis?.definitions ?? [], p.offset, p.k ?? 10);
});

connection.onRequest(SED_SEARCH_METHOD, async (p: SedSearchParams, token) => {
  const progress = p.workDoneToken !== undefined ? connection.window.attachWorkDoneProgress(p.workDoneToken) : undefined;
  progress?.begin('SED search', 0, undefined, true);
  try {
    return await runSearch(p, () => token.isCancellationRequested, (done, total) =>
      progress?.report(Math.floor((100 * done) / Math.max(1, total)), `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} candidates`));
  } finally {
    progress?.done();
  }
});

connection.onHover(async ({ textDocument, position }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return null;
  const analysis = await store.get(doc);
  return (analysis && hoverAt(doc, analysis, position)) ?? null;
});

connection.onRequest(DocumentScoresRequest, async ({ uri }: { uri: string }) => {
  const doc = documents.get(uri);
  if (!doc) return [];
  const analysis = await store.get(doc);
  return analysis ? summarize(doc, analysis) : [];
});

const edu = new EduService();

connection.onRequest(EduEntropiesRequest, async (params: EduEntropiesParams, token) => {
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  const progress = params.workDoneToken !== undefined
    ? connection.window.attachWorkDoneProgress(params.workDoneToken)
    : undefined;
  progress?.begin('Computing token entropies', 0, undefined, true);
  try {
    return await edu.entropies(params.text, params.source, abort.signal, {
      report: (done, total) => progress?.report(total > 0 ? Math.round((100 * done) / total) : 0, `${done} / ${total} tokens`),
    });
  } finally {
    progress?.done();
    sub.dispose();
  }
});

connection.onShutdown(() => edu.dispose());

// The server must outlive any bug in a single request: log it and keep serving.
process.on('uncaughtException', (e) => connection.console.error(`Entropy Lens: ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`Entropy Lens: ${e instanceof Error ? e.stack : String(e)}`));

documents.listen(connection);
connection.listen();
