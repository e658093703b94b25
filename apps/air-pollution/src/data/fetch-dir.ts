// Its own module, light enough for `fetch --help` (which shows this folder as the default of --dir): data/fetch.ts
// loads the loaders.
import { BEIJING_MULTISITE, datasetDir, defaultDataDir } from '@counterweight/datasets';

/**
 * Where `fetchBeijingData` (and `npm run fetch-data -- beijing-multisite`) writes the CSVs: the
 * `beijing-multisite-air-quality` folder of `$XDG_CACHE_HOME/counterweight/data` (else `~/.cache/…`).
 */
export function defaultAirPollutionFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  return datasetDir(BEIJING_MULTISITE, defaultDataDir(env));
}
