// Per-resource settings, fetched from the client once per document and dropped on change.
import { DEFAULT_SETTINGS, toSettings, type Settings } from '../protocol/settings';
import { CONFIG_SECTION } from '../protocol/ids';

export type ConfigurationFetcher = (scopeUri: string, section: string) => Promise<unknown>;

export class SettingsCache {
  private readonly cache = new Map<string, Promise<Settings>>();

  /** Without a fetcher (client lacks workspace/configuration) every document gets the defaults. */
  constructor(private readonly fetch?: ConfigurationFetcher) {}

  get(uri: string): Promise<Settings> {
    if (!this.fetch) return Promise.resolve(DEFAULT_SETTINGS);
    let s = this.cache.get(uri);
    if (!s) {
      s = this.fetch(uri, CONFIG_SECTION).then(toSettings, () => DEFAULT_SETTINGS);
      this.cache.set(uri, s);
    }
    return s;
  }

  forget(uri: string): void { this.cache.delete(uri); }
  clear(): void { this.cache.clear(); }
}
