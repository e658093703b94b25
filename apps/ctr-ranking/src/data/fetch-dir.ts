// Its own module, free of tfjs: `fetch --help` shows this folder as the default of --dir. `@counterweight/datasets`
// computes the same path (`defaultDataDir(env)`) but its entry loads the whole runtime, tfjs included;
// fetch-dir.test.ts holds the two equal.
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The data directory `npm run fetch-data` (and `fetchCtrData`) fills: `$XDG_CACHE_HOME/counterweight/data` (else
 * `~/.cache/…`), holding `open-bandit-dataset/…` and `uci-bank-marketing/…`.
 */
export function defaultCtrFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CACHE_HOME'];
  const cache = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache');
  return join(cache, 'counterweight', 'data');
}
