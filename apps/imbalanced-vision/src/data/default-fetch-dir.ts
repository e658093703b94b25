// Its own module, light enough for `fetch --help` (which shows this folder as the default of --dir): data/fetch.ts
// loads the IDX reader and the network code.
import { FASHION_MNIST, datasetDir, defaultDataDir } from '@counterweight/datasets';

/**
 * Where `fetchFashionMnist` stores downloads by default: the `fashion-mnist` folder of the data directory that
 * `npm run fetch-data` fills, `$XDG_CACHE_HOME/counterweight/data/fashion-mnist` (else `~/.cache/…`).
 */
export function defaultFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  return datasetDir(FASHION_MNIST, defaultDataDir(env));
}
