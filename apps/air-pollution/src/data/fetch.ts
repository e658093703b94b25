import { existsSync } from 'node:fs';
import { join } from 'node:path';

import {
  BEIJING_BASE_URL,
  BEIJING_MULTISITE,
  BEIJING_STATIONS,
  beijingFileName,
  datasetDir,
  defaultDataDir,
  fetchDataset,
  type BeijingStation,
  type FileOutcome,
} from '@counterweight/datasets';
import { ConfigError, DataFileError, sharedDataDir } from '@counterweight/runtime/base';

export { BEIJING_BASE_URL, beijingFileName } from '@counterweight/datasets';

/**
 * Where `fetchBeijingData` (and `npm run fetch-data -- beijing-multisite`) writes the CSVs: the
 * `beijing-multisite-air-quality` folder of `$XDG_CACHE_HOME/counterweight/data` (else `~/.cache/…`).
 */
export function defaultAirPollutionFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  return datasetDir(BEIJING_MULTISITE, defaultDataDir(env));
}

/** Folder of the Beijing data under the shared data directory (and under the data directory downloads go to). */
export const BEIJING_SHARED_FOLDER = BEIJING_MULTISITE.folder;

/** One Beijing station file: station name, SHA-256 and size of the CSV, and SHA-256 of the shared `.csv.gz` copy (SOURCES.md §1). */
export type BeijingFile = BeijingStation;

/** The twelve stations of the UCI Beijing Multi-Site Air-Quality data (Zhang et al., 2017), with their checksums (from `@counterweight/datasets`). */
export const BEIJING_FILES: readonly BeijingFile[] = BEIJING_STATIONS;

/** Options of {@link fetchBeijingData}. */
export interface FetchBeijingOptions {
  /** Directory the CSVs are written to (atomically). Default {@link defaultAirPollutionFetchDir}. */
  readonly dir?: string;
  /** Only these stations. Default: all twelve. */
  readonly stations?: readonly string[];
  /** Do not try the network; use the cache and the shared data only. Default false. */
  readonly offline?: boolean;
  /** Base URL replacing the canonical one (tests, mirrors). */
  readonly baseUrl?: string;
  /** Shared data directory (default `sharedDataDir()`). */
  readonly sharedDir?: string;
  /** Per request, in milliseconds. Default 120,000. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly quiet?: boolean;
}

/** Where one station file came from: verified `cache`, `download`ed now, the verified `shared` .gz copy, or `missing` (with every reason). */
export interface FetchedBeijingFile {
  readonly station: string;
  readonly source: 'cache' | 'download' | 'shared' | 'missing';
  readonly path?: string;
  readonly failures: readonly string[];
}

const SOURCE_OF: Readonly<Record<FileOutcome, FetchedBeijingFile['source']>> = { cached: 'cache', downloaded: 'download', local: 'shared', missing: 'missing' };

/**
 * `air-pollution fetch`: makes the twelve Beijing station CSVs available and verified with `@counterweight/datasets`
 * (the same as `npm run fetch-data -- beijing-multisite`). Per station: a copy in `dir` whose SHA-256 matches
 * SOURCES.md (`cache`); else, unless `offline`, a verified download from the pinned GitHub copy written atomically
 * (`download`); else the shared data's verified `.csv.gz`, used in place (`shared`); else `missing`, with every
 * reason. Never throws for a missing file; {@link beijingDataFiles} does.
 * @throws ConfigError for an unknown station or a bad timeout.
 */
export async function fetchBeijingData(options: FetchBeijingOptions = {}): Promise<readonly FetchedBeijingFile[]> {
  const unknown = (options.stations ?? []).filter((s) => !BEIJING_FILES.some((f) => f.station === s));
  if (unknown.length > 0) throw new ConfigError('stations', `unknown station(s) ${unknown.join(', ')}; known: ${BEIJING_FILES.map((f) => f.station).join(', ')}`);
  const stations = options.stations ?? BEIJING_FILES.map((f) => f.station);
  const baseUrl = options.baseUrl;
  const results = await fetchDataset(BEIJING_MULTISITE, {
    dir: options.dir ?? defaultAirPollutionFetchDir(),
    only: BEIJING_FILES.filter((f) => stations.includes(f.station)).map((f) => beijingFileName(f.station)),
    offline: options.offline === true,
    ...(baseUrl === undefined ? {} : { mirrors: (url: string) => [url.replace(BEIJING_BASE_URL, baseUrl)] }),
    ...(options.sharedDir === undefined ? {} : { sharedDir: options.sharedDir }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  return results.map((r) => ({
    station: BEIJING_FILES.find((f) => beijingFileName(f.station) === r.file)?.station ?? r.file,
    source: SOURCE_OF[r.outcome],
    ...(r.path === undefined ? {} : { path: r.path }),
    failures: r.failures,
  }));
}

function sharedDirOrReason(given: string | undefined): { dir?: string; reason?: string } {
  if (given !== undefined) return { dir: given };
  try {
    return { dir: sharedDataDir() };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

/** Options of {@link beijingDataFiles}. */
export interface BeijingDataFilesOptions {
  /** Where `npm run fetch-data -- beijing-multisite` wrote the CSVs. Default {@link defaultAirPollutionFetchDir}. */
  readonly fetchDir?: string;
  /** Shared data directory. Default `sharedDataDir()`. */
  readonly sharedDir?: string;
  readonly stations?: readonly string[];
}

/**
 * Paths of the Beijing station files to read, without network and without hashing (the fetch verified them): per
 * station the fetched CSV if present, else the shared `.csv.gz`.
 * @throws DataFileError naming both places and how to get the data when a station file is in neither.
 */
export function beijingDataFiles(options: BeijingDataFilesOptions = {}): readonly string[] {
  const fetchDir = options.fetchDir ?? defaultAirPollutionFetchDir();
  const shared = sharedDirOrReason(options.sharedDir);
  const stations = options.stations ?? BEIJING_FILES.map((f) => f.station);
  return stations.map((station) => {
    const name = beijingFileName(station);
    const fetched = join(fetchDir, name);
    if (existsSync(fetched)) return fetched;
    const sharedPath = shared.dir === undefined ? undefined : join(shared.dir, BEIJING_SHARED_FOLDER, `${name}.gz`);
    if (sharedPath !== undefined && existsSync(sharedPath)) return sharedPath;
    throw new DataFileError(
      { file: name },
      `the Beijing data is not here: not in ${fetchDir} and ${sharedPath === undefined ? `no shared data (${shared.reason ?? ''})` : `not at ${sharedPath}`}; ` +
        'run `npm run fetch-data -- beijing-multisite` on a machine with internet access, or set COUNTERWEIGHT_SHARED_DATA to a directory holding beijing-multisite-air-quality/',
    );
  });
}
