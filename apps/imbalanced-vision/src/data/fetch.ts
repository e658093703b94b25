import { homedir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, DataFileError, describeDownloadFailure, downloadBytes, sha256Hex, writeFileAtomic } from '@counterweight/runtime';

import { FASHION_MNIST_FILES, type FashionMnistFile } from './fashion-mnist.js';
import { DEFAULT_IDX_DIR, maybeGunzip, readMaybeGzip } from './idx.js';

/**
 * Zalando Research's download locations of Fashion-MNIST, tried in this order: the S3 website its README links to,
 * then the files in its GitHub repository. Each is a base URL the file names are appended to.
 */
export const FASHION_MNIST_URLS: readonly string[] = [
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
];

/** Where {@link fetchFashionMnist} stores downloads by default: `$XDG_CACHE_HOME/counterweight/fashion-mnist` (else `~/.cache/…`). */
export function defaultFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env['XDG_CACHE_HOME'] !== undefined && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(cache, 'counterweight', 'fashion-mnist');
}

/** Options of {@link fetchFashionMnist}. */
export interface FetchFashionMnistOptions {
  /** Directory downloads are written to (atomically). Default {@link defaultFetchDir}. */
  readonly dir?: string;
  /** Base URLs to try in order. Default {@link FASHION_MNIST_URLS}. */
  readonly baseUrls?: readonly string[];
  /** Time allowed for each file (connection and body), in milliseconds. Default 120,000. */
  readonly timeoutMs?: number;
  /** Local copy used when no download succeeds. Default {@link DEFAULT_IDX_DIR} (Debian's `dataset-fashion-mnist`). */
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
 * Checks a Fashion-MNIST file against {@link FASHION_MNIST_FILES}: its decompressed content must have the recorded
 * size and SHA-256 (whichever copy it is: Zalando's, Debian's or a re-compressed mirror).
 * @returns undefined when it matches, else the reason.
 */
export async function verifyFashionMnistFile(path: string, file: FashionMnistFile): Promise<string | undefined> {
  let content: Uint8Array;
  try {
    content = (await readMaybeGzip(path)).bytes;
  } catch (error) {
    return (error as Error).message;
  }
  return verifyContent(content, file, path);
}

function verifyContent(content: Uint8Array, file: FashionMnistFile, where: string): string | undefined {
  if (content.length !== file.size) return `${where}: decompressed size ${content.length} bytes, expected ${file.size}`;
  const sha256 = sha256Hex(content);
  if (sha256 !== file.sha256) return `${where}: decompressed SHA-256 ${sha256}, expected ${file.sha256}`;
  return undefined;
}

/**
 * Gets the full Fashion-MNIST (the four IDX `.gz` files) and says where it is:
 * 1. if `dir` already holds all four files and they verify, nothing is downloaded (`cache`);
 * 2. otherwise the missing files are downloaded from each base URL in turn (Zalando Research's by default), each
 *    within `timeoutMs`, verified by its decompressed size and SHA-256 ({@link verifyFashionMnistFile}) and only then
 *    written to `dir` atomically (`download`);
 * 3. if some file could not be downloaded (no network, as on machines without internet access, or a bad mirror),
 *    Debian's copy in `fallbackDir` is verified the same way and returned in place, nothing copied (`debian`).
 *
 * @throws DataFileError naming the fallback directory when neither a download nor the local copy works; the message
 *   lists every failure and how to install the Debian package.
 */
export async function fetchFashionMnist(options: FetchFashionMnistOptions = {}): Promise<FetchResult> {
  const dir = options.dir ?? defaultFetchDir();
  const baseUrls = options.baseUrls ?? FASHION_MNIST_URLS;
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new ConfigError('timeoutMs', `must be a positive number, got ${timeoutMs}`);
  const fallbackDir = options.fallbackDir ?? DEFAULT_IDX_DIR;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));

  const missing: FashionMnistFile[] = [];
  for (const file of FASHION_MNIST_FILES) {
    if ((await verifyFashionMnistFile(join(dir, file.name), file)) !== undefined) missing.push(file);
  }
  if (missing.length === 0) {
    log(`fashion-mnist: using the verified files in ${dir}`);
    return { dir, source: 'cache', urls: [], failures: [] };
  }

  const failures: string[] = [];
  const urls: string[] = [];
  for (const base of baseUrls) {
    for (const file of [...missing]) {
      const url = new URL(file.name, base.endsWith('/') ? base : `${base}/`).href;
      log(`fashion-mnist: downloading ${url}`);
      try {
        const bytes = await downloadBytes(url, { timeoutMs, label: file.name, ...(options.quiet === undefined ? {} : { quiet: options.quiet }) });
        const { bytes: content } = await maybeGunzip(bytes, url);
        const problem = verifyContent(content, file, url);
        if (problem !== undefined) throw new Error(`checksum mismatch: ${problem}`);
        await writeFileAtomic(join(dir, file.name), bytes);
        urls.push(url);
        missing.splice(missing.indexOf(file), 1);
      } catch (error) {
        const reason = `${url}: ${describeDownloadFailure(error, timeoutMs)}`;
        failures.push(reason);
        log(`fashion-mnist: ${reason}`);
        break; // this base URL fails; try the next one for the remaining files
      }
    }
    if (missing.length === 0) {
      log(`fashion-mnist: downloaded and verified into ${dir}`);
      return { dir, source: 'download', urls, failures };
    }
  }

  const fallbackProblems: string[] = [];
  for (const file of FASHION_MNIST_FILES) {
    const problem = await verifyFashionMnistFile(join(fallbackDir, file.name), file);
    if (problem !== undefined) fallbackProblems.push(problem);
  }
  if (fallbackProblems.length === 0) {
    log(`fashion-mnist: no download (${failures.length} failure(s)); using the verified local copy in ${fallbackDir}`);
    return { dir: fallbackDir, source: 'debian', urls: [], failures };
  }
  throw new DataFileError(
    { file: fallbackDir },
    `no usable Fashion-MNIST: downloads failed (${failures.join('; ') || 'no base URL given'}) and the local copy is not usable ` +
      `(${fallbackProblems.join('; ')}); on Debian: apt-get install dataset-fashion-mnist`,
  );
}
