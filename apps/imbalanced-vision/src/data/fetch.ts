import { dirname } from 'node:path';

import {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST,
  FASHION_MNIST_URLS,
  datasetDir,
  defaultDataDir,
  fetchDataset,
  verifyFile,
  type DatasetFile,
  type LocalCopyPlace,
} from '@counterweight/datasets';
import { DataFileError } from '@counterweight/runtime/base';

export { FASHION_MNIST_URLS } from '@counterweight/datasets';

/**
 * Where `fetchFashionMnist` stores downloads by default: the `fashion-mnist` folder of the data directory that
 * `npm run fetch-data` fills, `$XDG_CACHE_HOME/counterweight/data/fashion-mnist` (else `~/.cache/…`).
 */
export function defaultFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  return datasetDir(FASHION_MNIST, defaultDataDir(env));
}

/** Options of {@link fetchFashionMnist}. */
export interface FetchFashionMnistOptions {
  /** Directory downloads are written to (atomically). Default {@link defaultFetchDir}. */
  readonly dir?: string;
  /** Base URLs to try in order, instead of Zalando Research's ({@link FASHION_MNIST_URLS}). */
  readonly baseUrls?: readonly string[];
  /** Time allowed for each file (connection and body), in milliseconds. Default 120,000. */
  readonly timeoutMs?: number;
  /** Local copy used when no download succeeds. Default: Debian's `dataset-fashion-mnist` (`/usr/share/datasets/fashion-mnist`). */
  readonly fallbackDir?: string;
  /** Receives one line per step (default: stderr). */
  readonly log?: (line: string) => void;
  /** Suppress progress bars (default: the runtime's quiet setting). */
  readonly quiet?: boolean;
}

/**
 * Where the data came from: `cache` (already downloaded and verified in `dir`), `download` (downloaded now), `debian`
 * (no download succeeded; Debian's copy is used in place).
 */
export type FetchSource = 'cache' | 'download' | 'debian';

/** Result of {@link fetchFashionMnist}. */
export interface FetchResult {
  /** Directory holding the four verified files; pass it to `loadFashionMnist` / `loadIdxDataset`. */
  readonly dir: string;
  readonly source: FetchSource;
  /** For `download`: the URL of each file downloaded now. */
  readonly urls: readonly string[];
  /** Why downloads failed (one line per attempt), e.g. to explain a fallback. */
  readonly failures: readonly string[];
}

/**
 * Checks a Fashion-MNIST file (plain or gzip) against its registry entry (`FASHION_MNIST_FILES`): its decompressed
 * content must have the recorded size and SHA-256 (whichever copy it is: Zalando's, Debian's or a re-compressed mirror).
 * @returns undefined when it matches, else the reason, naming the path.
 */
export async function verifyFashionMnistFile(path: string, file: DatasetFile): Promise<string | undefined> {
  return verifyFile(path, file.check);
}

/**
 * Gets the full Fashion-MNIST (the four IDX `.gz` files) with `@counterweight/datasets` and says where it is:
 * 1. if `dir` already holds all four files and they verify, nothing is downloaded (`cache`);
 * 2. otherwise the missing files are downloaded from each base URL in turn (Zalando Research's by default), verified
 *    by decompressed size and SHA-256 and written to `dir` atomically (`download`);
 * 3. if some file could not be downloaded, Debian's copy in `fallbackDir` is verified and returned in place (`debian`).
 *
 * @throws DataFileError naming the fallback directory when neither a download nor the local copy works; the message
 *   lists every failure and how to install the Debian package.
 */
export async function fetchFashionMnist(options: FetchFashionMnistOptions = {}): Promise<FetchResult> {
  const dir = options.dir ?? defaultFetchDir();
  const fallbackDir = options.fallbackDir ?? DEBIAN_FASHION_MNIST_DIR;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const baseUrls = options.baseUrls;
  const canonical = FASHION_MNIST_URLS[0] ?? '';
  const localCopies: LocalCopyPlace[] = [{ label: 'Debian package dataset-fashion-mnist', dir: fallbackDir, suffix: '', hint: 'apt-get install dataset-fashion-mnist' }];
  const results = await fetchDataset(FASHION_MNIST, {
    dir,
    localCopies,
    log,
    ...(baseUrls === undefined
      ? {}
      : { mirrors: (url: string) => (url.startsWith(canonical) ? baseUrls.map((base) => url.replace(canonical, base.endsWith('/') ? base : `${base}/`)) : []) }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const failures = [...new Set(results.flatMap((r) => r.failures))];
  if (results.every((r) => r.outcome === 'cached')) {
    log(`fashion-mnist: using the verified files in ${dir}`);
    return { dir, source: 'cache', urls: [], failures: [] };
  }
  if (results.every((r) => r.outcome === 'cached' || r.outcome === 'downloaded')) {
    log(`fashion-mnist: downloaded and verified into ${dir}`);
    return { dir, source: 'download', urls: results.flatMap((r) => (r.url === undefined ? [] : [r.url])), failures };
  }
  const first = results[0]?.path;
  if (results.every((r) => r.outcome === 'local') && first !== undefined) {
    log(`fashion-mnist: no download (${failures.length} failure(s)); using the verified local copy in ${dirname(first)}`);
    return { dir: dirname(first), source: 'debian', urls: [], failures };
  }
  throw new DataFileError(
    { file: fallbackDir },
    `no usable Fashion-MNIST: ${failures.join('; ') || 'no download source'}; on Debian: apt-get install dataset-fashion-mnist`,
  );
}
