import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where `fetchFashionMnist` stores downloads by default: the `fashion-mnist` folder of the data directory that
 * `npm run fetch-data` fills, `$XDG_CACHE_HOME/counterweight/data/fashion-mnist` (else `~/.cache/…`). The same path
 * as `datasetDir(FASHION_MNIST, defaultDataDir(env))` of `@counterweight/datasets` (held equal by
 * `default-fetch-dir.test.ts`), computed here without that package, whose entry loads tfjs: the `fetch` command shows
 * it in its help.
 */
export function defaultFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env['XDG_CACHE_HOME'] !== undefined && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(cache, 'counterweight', 'data', 'fashion-mnist');
}
