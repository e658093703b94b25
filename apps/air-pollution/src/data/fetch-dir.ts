// Its own module, free of tfjs: `fetch --help` shows this folder as the default of --dir. `@counterweight/datasets`
// computes the same path (`datasetDir(BEIJING_MULTISITE, defaultDataDir(env))`) but loads the whole runtime, tfjs
// included; fetch-dir.test.ts holds the two equal.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder of the Beijing data under a data directory (`BEIJING_MULTISITE.folder` of `@counterweight/datasets`). */
export const BEIJING_FETCH_FOLDER = 'beijing-multisite-air-quality';

/**
 * Where `fetchBeijingData` (and `npm run fetch-data -- beijing-multisite`) writes the CSVs: the
 * `beijing-multisite-air-quality` folder of `$XDG_CACHE_HOME/counterweight/data` (else `~/.cache/…`).
 */
export function defaultAirPollutionFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CACHE_HOME'];
  const cache = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache');
  return join(cache, 'counterweight', 'data', BEIJING_FETCH_FOLDER);
}
