import { join } from 'node:path';

import { ConfigError, writeFileAtomic } from '@counterweight/runtime/base';

import { checkContent } from './content-check.js';
import { defaultDataDir, localCopyPath, localCopyPlaces, type LocalCopyPlace } from './data-locations.js';
import type { Dataset, DatasetFile, FileSource } from './dataset.js';
import { DownloadSession } from './download-session.js';
import { fileContent, verifyFile } from './file-content.js';
import { extractZipEntry } from './zip.js';

/**
 * What was used for one file: `cached` (a verified earlier download in the data directory), `downloaded` (now, verified,
 * written atomically), `local` (no download worked; a verified local copy is used in place, nothing copied) or
 * `missing` (neither; `failures` says why).
 */
export type FileOutcome = 'cached' | 'downloaded' | 'local' | 'missing';

/** The result of fetching one file. */
export interface FileResult {
  /** The data set's name (`open-bandit`). */
  readonly dataset: string;
  /** The file's name inside the data set's folder (`random/men/men.csv`). */
  readonly file: string;
  readonly outcome: FileOutcome;
  /** The verified file to read (plain or gzip); absent when missing. */
  readonly path?: string;
  /** For `downloaded`: the URL it came from (an archive URL with the member in parentheses). */
  readonly url?: string;
  /** For `local`: which local copy (`shared data`, `Debian package dataset-fashion-mnist`, `copy in the repository`). */
  readonly localCopy?: string;
  /** Why each attempt failed, in order (download attempts, then unusable local copies). */
  readonly failures: readonly string[];
}

/** Options of {@link fetchDataset} and {@link fetchDatasets}. */
export interface FetchDatasetOptions {
  /** Data directory; each data set's files go to `<dataDir>/<folder>/`. Default {@link defaultDataDir}. */
  readonly dataDir?: string;
  /** The data set's own folder, instead of `<dataDir>/<folder>` (one data set only). */
  readonly dir?: string;
  /** Only these files (names inside the data set's folder). Default: all. */
  readonly only?: readonly string[];
  /** Do not try the network: use earlier downloads and local copies only. Default false. */
  readonly offline?: boolean;
  /** Time allowed for each request (connection and body), in milliseconds. Default 120,000. */
  readonly timeoutMs?: number;
  /** Shared data directory. Default: runtime's `sharedDataDir()`. */
  readonly sharedDir?: string;
  /** Local copies to use instead of the data set's own (tests). */
  readonly localCopies?: readonly LocalCopyPlace[];
  /** The URLs to try for a canonical URL (tests, mirrors); default: the URL itself. An empty list skips it. */
  readonly mirrors?: (url: string) => readonly string[];
  /** Downloads shared with other data sets of the same fetch (what failed is not asked again). Default: a new one. */
  readonly session?: DownloadSession;
  /** Receives one line per step. Default: stderr. */
  readonly log?: (line: string) => void;
  /** Suppress progress bars. Default: the runtime's quiet setting. */
  readonly quiet?: boolean;
}

/** Thrown (and caught) when downloaded bytes are not the expected file. */
class ChecksumMismatch extends Error {
  override readonly name = 'ChecksumMismatch';
}

interface Attempt {
  readonly url: string;
  readonly shown: string;
  readonly get: () => Promise<Uint8Array>;
}

/** The download attempts of one source: one per mirror URL, each resolving to the file's bytes. */
function attemptsOf(source: FileSource, session: DownloadSession, mirrors: (url: string) => readonly string[]): Attempt[] {
  if ('url' in source) {
    return mirrors(source.url).map((url) => ({ url, shown: url, get: () => session.download(url, new URL(url).pathname.split('/').pop() ?? url) }));
  }
  const { archive, members } = source;
  return mirrors(archive.url).map((url) => ({
    url,
    shown: `${url} (${members.at(-1) ?? ''})`,
    get: async () => {
      const zip = await session.download(url, new URL(url).pathname.split('/').pop() ?? url, true);
      const problem = checkContent(zip, archive.check);
      if (problem !== undefined) throw new ChecksumMismatch(`checksum mismatch of the archive: ${problem}`);
      let bytes: Uint8Array = zip;
      let where = url;
      for (const member of members) {
        bytes = extractZipEntry(bytes, member, where);
        where = `${where}!${member}`;
      }
      return bytes;
    },
  }));
}

/** Tries every download source of `file`; the verified bytes of the first that works, with its URL, or undefined. */
async function download(
  file: DatasetFile,
  session: DownloadSession,
  mirrors: (url: string) => readonly string[],
  failures: string[],
  log: (line: string) => void,
  prefix: string,
): Promise<{ bytes: Uint8Array; url: string } | undefined> {
  for (const source of file.sources) {
    for (const attempt of attemptsOf(source, session, mirrors)) {
      const skip = session.skipReason(attempt.url);
      if (skip !== undefined) {
        failures.push(`${attempt.shown}: ${skip}`);
        continue;
      }
      log(`${prefix}: downloading ${attempt.shown}`);
      try {
        const bytes = await attempt.get();
        const problem = checkContent(await fileContent(bytes, attempt.shown), file.check);
        if (problem !== undefined) throw new ChecksumMismatch(`checksum mismatch: ${problem}`);
        return { bytes, url: attempt.shown };
      } catch (error) {
        const reason = `${attempt.shown}: ${session.fail(attempt.url, error)}`;
        failures.push(reason);
        log(`${prefix}: ${reason}`);
      }
    }
  }
  return undefined;
}

/** The first local copy of `file` that verifies, or undefined (reasons added to `failures`). */
async function fromLocalCopies(file: DatasetFile, places: readonly LocalCopyPlace[], failures: string[]): Promise<{ path: string; place: LocalCopyPlace } | undefined> {
  if (file.local === false) {
    failures.push('no local copy holds this file (only a download provides it)');
    return undefined;
  }
  for (const place of places) {
    const path = localCopyPath(place, file);
    if (path === undefined) {
      failures.push(`${place.label}: ${place.reason ?? 'not available'}`);
      continue;
    }
    const problem = await verifyFile(path, file.check);
    if (problem === undefined) return { path, place };
    failures.push(place.hint !== undefined && problem.endsWith(': file not found') ? `${problem} (${place.hint})` : problem);
  }
  return undefined;
}

/**
 * Makes the files of `dataset` available and verified, and says for each which copy it is ({@link FileResult}):
 * 1. a file already in `<dataDir>/<folder>/` (or `dir`) whose content checks is used (`cached`);
 * 2. unless `offline`, it is downloaded from each source in turn (the canonical URL first), verified by its checksum
 *    (of the decompressed content when gzip) and only then written there atomically (`downloaded`);
 * 3. otherwise the data set's local copies are verified the same way and the first good one is used in place (`local`);
 * 4. else `missing`, with every reason. For a data set read as one folder (`together`), a file that was not cached or
 *    downloaded sends every file to the first local copy that holds all of them.
 * Never throws for a missing file or a failed download: the caller decides what it needs.
 * @throws ConfigError for an unknown file in `only` or a timeout that is not a positive number.
 */
export async function fetchDataset(dataset: Dataset, options: FetchDatasetOptions = {}): Promise<readonly FileResult[]> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new ConfigError('timeout', `must be a positive number of milliseconds, got ${timeoutMs}`);
  const unknown = (options.only ?? []).filter((name) => !dataset.files.some((f) => f.name === name));
  if (unknown.length > 0) {
    throw new ConfigError('only', `${dataset.name} has no file ${unknown.join(', ')}; its files: ${dataset.files.map((f) => f.name).join(', ')}`);
  }
  const files = options.only === undefined ? dataset.files : dataset.files.filter((f) => options.only?.includes(f.name));
  const dir = options.dir ?? join(options.dataDir ?? defaultDataDir(), dataset.folder);
  const session = options.session ?? new DownloadSession({ timeoutMs, ...(options.quiet === undefined ? {} : { quiet: options.quiet }) });
  const mirrors = options.mirrors ?? ((url: string) => [url]);
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const places = options.localCopies ?? localCopyPlaces(dataset, options.sharedDir === undefined ? {} : { sharedDir: options.sharedDir });

  const results: FileResult[] = [];
  for (const file of files) {
    const base = { dataset: dataset.name, file: file.name };
    const target = join(dir, ...file.name.split('/'));
    const failures: string[] = [];
    if ((await verifyFile(target, file.check)) === undefined) {
      results.push({ ...base, outcome: 'cached', path: target, failures });
      continue;
    }
    if (options.offline !== true) {
      const got = await download(file, session, mirrors, failures, log, `${dataset.name} ${file.name}`);
      if (got !== undefined) {
        try {
          await writeFileAtomic(target, got.bytes);
          results.push({ ...base, outcome: 'downloaded', path: target, url: got.url, failures });
          continue;
        } catch (error) {
          failures.push(`${target}: cannot write the download (${(error as Error).message})`);
        }
      }
    }
    const local = await fromLocalCopies(file, places, failures);
    if (local !== undefined) results.push({ ...base, outcome: 'local', path: local.path, localCopy: local.place.label, failures });
    else results.push({ ...base, outcome: 'missing', failures });
  }
  return dataset.together === true ? oneFolder(files, results, places) : results;
}

/** For a `together` data set: all files from one place — all cached/downloaded, else all from one local copy. */
async function oneFolder(files: readonly DatasetFile[], results: FileResult[], places: readonly LocalCopyPlace[]): Promise<FileResult[]> {
  if (results.every((r) => r.outcome === 'cached' || r.outcome === 'downloaded')) return results;
  for (const place of places) {
    const paths: string[] = [];
    for (const file of files) {
      const path = localCopyPath(place, file);
      const known = results.find((r) => r.file === file.name && r.path === path);
      if (path === undefined || (known === undefined && (await verifyFile(path, file.check)) !== undefined)) break;
      paths.push(path);
    }
    if (paths.length === files.length) {
      return results.map((r, i) => ({ dataset: r.dataset, file: r.file, outcome: 'local', path: paths[i] ?? '', localCopy: place.label, failures: r.failures }));
    }
  }
  return results;
}

/**
 * {@link fetchDataset} for several data sets with one download session (a host that failed for one is not asked again
 * for the next); `dir` does not apply. Results in order.
 */
export async function fetchDatasets(datasets: readonly Dataset[], options: Omit<FetchDatasetOptions, 'dir' | 'only'> = {}): Promise<readonly FileResult[]> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new ConfigError('timeout', `must be a positive number of milliseconds, got ${timeoutMs}`);
  const session = options.session ?? new DownloadSession({ timeoutMs, ...(options.quiet === undefined ? {} : { quiet: options.quiet }) });
  const results: FileResult[] = [];
  for (const dataset of datasets) results.push(...(await fetchDataset(dataset, { ...options, session })));
  return results;
}
