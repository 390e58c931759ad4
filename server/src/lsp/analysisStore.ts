// Debounced, per-document analysis. Each edit reschedules only that document; a request
// (code lens, hover) for a document with pending analysis runs it at once instead of waiting.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalyzedDefinition } from '../core/analyze';

export interface Analysis {
  uri: string;
  version: number;
  definitions: AnalyzedDefinition[];
  millis: number;
}

interface Pending {
  doc: TextDocument;
  timer: ReturnType<typeof setTimeout>;
}

export class AnalysisStore {
  private readonly results = new Map<string, Analysis>();
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly analyze: (doc: TextDocument) => Promise<AnalyzedDefinition[] | undefined>,
    private readonly publish: (doc: TextDocument, analysis: Analysis) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  schedule(doc: TextDocument, delayMs: number): void {
    const old = this.pending.get(doc.uri);
    if (old) clearTimeout(old.timer);
    const timer = setTimeout(() => void this.run(doc.uri), delayMs);
    this.pending.set(doc.uri, { doc, timer });
  }

  /** The analysis of this exact document version, running it now if it is still pending. */
  async get(doc: TextDocument): Promise<Analysis | undefined> {
    const cached = this.results.get(doc.uri);
    if (cached && cached.version === doc.version) return cached;
    const p = this.pending.get(doc.uri);
    if (p) return this.run(doc.uri);
    return this.compute(doc);
  }

  forget(uri: string): void {
    const p = this.pending.get(uri);
    if (p) clearTimeout(p.timer);
    this.pending.delete(uri);
    this.results.delete(uri);
  }

  private async run(uri: string): Promise<Analysis | undefined> {
    const p = this.pending.get(uri);
    if (!p) return this.results.get(uri);
    clearTimeout(p.timer);
    this.pending.delete(uri);
    return this.compute(p.doc);
  }

  private async compute(doc: TextDocument): Promise<Analysis | undefined> {
    const t0 = this.now();
    const definitions = await this.analyze(doc);
    if (!definitions) return undefined;
    const analysis: Analysis = { uri: doc.uri, version: doc.version, definitions, millis: this.now() - t0 };
    const newest = this.results.get(doc.uri);
    if (!newest || newest.version <= doc.version) this.results.set(doc.uri, analysis);
    this.publish(doc, analysis);
    return analysis;
  }
}
