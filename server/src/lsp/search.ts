// The search request: validated options in, the engine's result out, plus each result in the
// format the client will insert. Runs in slices so hovers and code lenses keep being answered.
import { formatArchitecture, search, type SearchResult } from '../core/search';
import { findDefinitions } from '../core/parsers/findDefinitions';
import type { SedSearchParams } from '../protocol/lsp';

export interface SearchResponse extends SearchResult {
  /** `results[i].arch` in the requested insert format (same order), when it differs. */
  insertTexts?: (string | null)[];
}

export async function runSearch(p: SedSearchParams, isCancelled: () => boolean, onProgress: (done: number, total: number) => void): Promise<SearchResponse> {
  const result: SearchResponse = await search({
    space: p.space, top: p.top, budget: p.budget, seed: p.seed, maxParams: p.maxParams, maxFlops: p.maxFlops,
    onProgress, isCancelled,
  });
  if (p.insertFormat && p.insertFormat !== p.space) {
    result.insertTexts = result.results.map((r) => {
      const arch = findDefinitions(r.arch, 'plaintext').find((d) => d.arch)?.arch
        ?? findDefinitions(r.arch, 'python').find((d) => d.arch)?.arch;
      if (!arch) return null;
      try { return formatArchitecture(arch, p.insertFormat!); } catch { return null; }
    });
  }
  return result;
}
