// Its own module, light enough for `fetch --help` (which shows this folder as the default of --dir): data/fetch.ts
// loads the loaders.
import { defaultDataDir } from '@counterweight/datasets';

/**
 * The data directory `npm run fetch-data` (and `fetchCtrData`) fills: `$XDG_CACHE_HOME/counterweight/data` (else
 * `~/.cache/…`), holding `open-bandit-dataset/…` and `uci-bank-marketing/…` — `defaultDataDir` of
 * `@counterweight/datasets`.
 */
export function defaultCtrFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  return defaultDataDir(env);
}
