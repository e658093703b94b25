import {
  BANK_MARKETING,
  BANK_MARKETING_URL,
  OBD_BASE_URL,
  OPEN_BANDIT,
  checkContent,
  defaultDataDir,
  fetchDataset,
  DownloadSession,
  type ContentCheck,
  type Dataset,
  type FileOutcome,
} from '@counterweight/datasets';
import { ConfigError } from '@counterweight/runtime/base';

export { BANK_MARKETING_URL, BANK_MARKETING_ZIP_BLOB, OBD_BASE_URL, type ContentCheck } from '@counterweight/datasets';

/**
 * The data directory `npm run fetch-data` (and `fetchCtrData`) fills: `$XDG_CACHE_HOME/counterweight/data` (else
 * `~/.cache/…`), holding `open-bandit-dataset/…` and `uci-bank-marketing/…` — `defaultDataDir` of
 * `@counterweight/datasets`.
 */
export function defaultCtrFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  return defaultDataDir(env);
}

/** One data file {@link fetchCtrData} provides (a view of `@counterweight/datasets`' Open Bandit and Bank Marketing files). */
export interface CtrDataFile {
  /** Path under the fetch directory (and, with `.gz`, under the shared data): `<data set folder>/<file>`. */
  readonly name: string;
  readonly check: ContentCheck;
  /** Where it comes from: a URL of the raw file, or the bank zip (`bank-zip:<member of bank-additional.zip>`). */
  readonly source: string;
  /** Whether the shared data has a gzipped copy (`<shared>/<name>.gz`). */
  readonly shared: boolean;
}

const CTR_DATASETS: readonly Dataset[] = [OPEN_BANDIT, BANK_MARKETING];

/**
 * The files: the whole Open Bandit sample of `st-tech/zr-obp` (`random` and `bts`, campaigns men/women/all, with
 * item_context) and UCI Bank Marketing `bank-additional*.csv`, as `@counterweight/datasets` registers them (SOURCES.md's
 * `sha256(raw)`; the two `all.csv` logs, not in the shared data, by their git blob ids).
 */
export const CTR_DATA_FILES: readonly CtrDataFile[] = CTR_DATASETS.flatMap((dataset) =>
  dataset.files.map((file) => {
    const source = file.sources[0];
    return {
      name: `${dataset.folder}/${file.name}`,
      check: file.check,
      source: source === undefined ? '' : 'url' in source ? source.url : `bank-zip:${source.members.at(-1) ?? ''}`,
      shared: file.local !== false,
    };
  }),
);

/** Checks content against a {@link ContentCheck}; undefined when it matches, else the reason (`SHA-256 <hex>, expected <hex>`). */
export function verifyContent(content: Uint8Array, check: ContentCheck): string | undefined {
  return checkContent(content, check);
}

/** Options of {@link fetchCtrData}. */
export interface FetchCtrDataOptions {
  /** Data directory downloads are written to (atomically, as plain files). Default {@link defaultCtrFetchDir}. */
  readonly dir?: string;
  /** Only these files (names of {@link CTR_DATA_FILES}). Default: all. */
  readonly only?: readonly string[];
  /** Do not try the network; use the cache and the shared data only. Default false. */
  readonly offline?: boolean;
  /** Base URL replacing {@link OBD_BASE_URL} (tests, mirrors). */
  readonly obdBaseUrl?: string;
  /** URL replacing {@link BANK_MARKETING_URL}. */
  readonly bankUrl?: string;
  /** Shared data directory used offline. Default `sharedDataDir()`. */
  readonly sharedDir?: string;
  /** Per request, in milliseconds. Default 120,000. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly quiet?: boolean;
}

/** Where one file came from: verified `cache` in `dir`, `download`ed now, the verified `shared` copy in place, or `missing`. */
export interface FetchedFile {
  readonly name: string;
  readonly source: 'cache' | 'download' | 'shared' | 'missing';
  /** The verified file to read (plain or `.gz`), absent when missing. */
  readonly path?: string;
  /** Why downloads or local copies failed. */
  readonly failures: readonly string[];
}

const SOURCE_OF: Readonly<Record<FileOutcome, FetchedFile['source']>> = { cached: 'cache', downloaded: 'download', local: 'shared', missing: 'missing' };

/**
 * `ctr-ranking fetch`: makes the Open Bandit sample and UCI Bank Marketing available and verified, with
 * `@counterweight/datasets` (the same as `npm run fetch-data -- open-bandit bank-marketing`). For each file: a
 * verified copy in `dir` (`cache`); else, unless `offline`, a verified download written atomically (`download`);
 * else the verified gzipped copy in the shared data, used in place (`shared`); else `missing`, with every reason (the
 * two `all.csv` logs are only available online). Never throws for a missing file: the caller decides which it needs.
 * @throws ConfigError for an unknown file name in `only` or a bad timeout.
 */
export async function fetchCtrData(options: FetchCtrDataOptions = {}): Promise<readonly FetchedFile[]> {
  const only = options.only;
  if (only !== undefined) {
    const unknown = only.filter((name) => !CTR_DATA_FILES.some((f) => f.name === name));
    if (unknown.length > 0) throw new ConfigError('only', `unknown file(s) ${unknown.join(', ')}; known: ${CTR_DATA_FILES.map((f) => f.name).join(', ')}`);
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  const session = new DownloadSession({ timeoutMs, ...(options.quiet === undefined ? {} : { quiet: options.quiet }) });
  const mirrors = (url: string): readonly string[] => {
    if (options.obdBaseUrl !== undefined && url.startsWith(OBD_BASE_URL)) return [url.replace(OBD_BASE_URL, options.obdBaseUrl)];
    if (options.bankUrl !== undefined && url === BANK_MARKETING_URL) return [options.bankUrl];
    return [url];
  };
  const results: FetchedFile[] = [];
  for (const dataset of CTR_DATASETS) {
    const prefix = `${dataset.folder}/`;
    const names = only?.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
    if (names !== undefined && names.length === 0) continue;
    const fetched = await fetchDataset(dataset, {
      dataDir: options.dir ?? defaultCtrFetchDir(),
      offline: options.offline === true,
      timeoutMs,
      session,
      mirrors,
      ...(names === undefined ? {} : { only: names }),
      ...(options.sharedDir === undefined ? {} : { sharedDir: options.sharedDir }),
      ...(options.log === undefined ? {} : { log: options.log }),
      ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
    });
    for (const r of fetched) {
      results.push({ name: `${prefix}${r.file}`, source: SOURCE_OF[r.outcome], ...(r.path === undefined ? {} : { path: r.path }), failures: r.failures });
    }
  }
  return results;
}
