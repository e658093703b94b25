import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, DataFileError, describeDownloadFailure, downloadBytes, sha256Hex, sharedDataDir, writeFileAtomic } from '@counterweight/runtime';

/** Raw GitHub folder the Beijing CSVs are downloaded from: `Peiris94-dev/Beijing-Multi-Site-Air-Quality-Analysis` at the commit SOURCES.md §1 names. */
export const BEIJING_BASE_URL = 'https://raw.githubusercontent.com/Peiris94-dev/Beijing-Multi-Site-Air-Quality-Analysis/0aa46c055fcca7da49ebac9329435ffe674b74c3/';
/** Folder of the Beijing data under the shared data directory. */
export const BEIJING_SHARED_FOLDER = 'beijing-multisite-air-quality';

/** One Beijing station file: station name and SHA-256 of the CSV (`sha256`) and of the shared `.csv.gz` copy (`sha256Gz`), from SOURCES.md §1. */
export interface BeijingFile {
  readonly station: string;
  readonly sha256: string;
  readonly sha256Gz: string;
}

/** The twelve stations of the UCI Beijing Multi-Site Air-Quality data (Zhang et al., 2017), with their checksums. */
export const BEIJING_FILES: readonly BeijingFile[] = [
  { station: 'Aotizhongxin', sha256Gz: '28a5b697f46d2e7780a41cf4077e7b60cf3629a9ea90c8084a586ad7dac1a4d5', sha256: 'a94fbcfc71708b6ffdc033360163d91efb7f675e496f6b5860929aa96b96351b' },
  { station: 'Changping', sha256Gz: '338044e897f877d704fcaf460adb3695721ab26bde5dbb8d5fcb12eb19e07ab1', sha256: 'a2e21402a6d95fb7043f87959e6e3dcbecb957aac356a6f8028a85b047c772e7' },
  { station: 'Dingling', sha256Gz: '441e0b941e6916df524083c73eb1d2e06cad13cfc1f9ddb6e16bcaca1eb1cee3', sha256: '3d8dff81f18a80d9f455876a785642bffe1e9b9924ec1e6b7ce8cca790432eeb' },
  { station: 'Dongsi', sha256Gz: '9143e9bdf9c8cc31fe7c996fed90aa4299f6baed07f5c808b92c930cbecbdedc', sha256: '9c0020214425e5ee2a64d42f97a1f632e1d8f6b53ad50edd85a686cc7999f27e' },
  { station: 'Guanyuan', sha256Gz: '8f5f74750038acc13d43e43bb5dff7ec94cad964f0edf4e0a0ef4a24ed4f1ca4', sha256: '59390fee3b032597b387491f5230e7edb90a8558e30217ebd6d9befbe669fbf9' },
  { station: 'Gucheng', sha256Gz: '448eec899812080e11380a748a184e9700d5e708c4303be52a9e234df3427ff3', sha256: '10ae48801ea55869fee56a48b885fb1127859c130551888d71673f34216ba951' },
  { station: 'Huairou', sha256Gz: '75afaac82fada503bd2c362e27c96658f988bcda14e65e702f7ef9b110700efe', sha256: '812dcbe848b3ba2c2d25731064797bff803c46eb0c602156a1fa044df136dc26' },
  { station: 'Nongzhanguan', sha256Gz: 'e71a07558749e736fbe8539adbef44befaea597053ff89b8bf8f3f4b22259567', sha256: '572cf87b65ef543cd55d3a711b28474def224a46b0ec3fc8add8aaf13b67a487' },
  { station: 'Shunyi', sha256Gz: 'a5099a112eea0d8b1df522fa706ce165742986ef6d40781c9cd8e59f95e7349a', sha256: '520b59e4ead3b0cfe7f1ed673e30275de8441e999db6f413d5172d2277b8c15a' },
  { station: 'Tiantan', sha256Gz: '5990391e4765a1c788addd4dd5115fc85c39b41d7358eaf5133cd6e174431eed', sha256: '0743e34799cf1ee36195b73321b91baa5625276532e7263c588f68cdef3b4daa' },
  { station: 'Wanliu', sha256Gz: '87351fafaaa66944852ee327f9823388795f82990700dee86243e89e1c24ddf6', sha256: '0b1a6d754a07f0def2f55434ddfa3870dcd0063b7f766a6f66b6c11bb05a377a' },
  { station: 'Wanshouxigong', sha256Gz: 'a766e89cffb938f71963140037a399b4c7562c8a7b214672ba03bb40e0457b69', sha256: 'ab1d6a356d6997a45f6d657ad47de1e05a4a08d4a7015b38a329a90665ab74d0' },
];

/** File name of a station's CSV: `PRSA_Data_<Station>_20130301-20170228.csv`. */
export function beijingFileName(station: string): string {
  return `PRSA_Data_${station}_20130301-20170228.csv`;
}

/** `$XDG_CACHE_HOME/counterweight/air-pollution` (else `~/.cache/…`): where {@link fetchBeijingData} writes. */
export function defaultAirPollutionFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env['XDG_CACHE_HOME'] !== undefined && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(cache, 'counterweight', 'air-pollution');
}

/** Options of {@link fetchBeijingData}. */
export interface FetchBeijingOptions {
  /** Directory the CSVs are written to (atomically). Default {@link defaultAirPollutionFetchDir}. */
  readonly dir?: string;
  /** Only these stations. Default: all twelve. */
  readonly stations?: readonly string[];
  /** Do not try the network; use the cache and the shared data only. Default false. */
  readonly offline?: boolean;
  /** Base URL replacing {@link BEIJING_BASE_URL} (tests, mirrors). */
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

async function verifyFile(path: string, sha256: string): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return `${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}`;
  }
  const actual = sha256Hex(bytes);
  return actual === sha256 ? undefined : `${path}: SHA-256 ${actual}, expected ${sha256}`;
}

function sharedDirOrReason(given: string | undefined): { dir?: string; reason?: string } {
  if (given !== undefined) return { dir: given };
  try {
    return { dir: sharedDataDir() };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

/**
 * `air-pollution fetch`: makes the twelve Beijing station CSVs available and verified. Per station:
 * 1. a copy in `dir` whose SHA-256 matches SOURCES.md is used (`cache`);
 * 2. unless `offline`, it is downloaded from {@link BEIJING_BASE_URL} (pinned commit), verified by SHA-256 and
 *    written to `dir` atomically (`download`);
 * 3. otherwise the shared data's `.csv.gz` copy is verified (SHA-256 of the .gz) and used in place (`shared`);
 * 4. else `missing`, with every reason. Never throws for a missing file; {@link beijingDataFiles} does.
 * @throws ConfigError for an unknown station or a bad timeout.
 */
export async function fetchBeijingData(options: FetchBeijingOptions = {}): Promise<readonly FetchedBeijingFile[]> {
  const dir = options.dir ?? defaultAirPollutionFetchDir();
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new ConfigError('timeoutMs', `must be a positive number, got ${timeoutMs}`);
  const unknown = (options.stations ?? []).filter((s) => !BEIJING_FILES.some((f) => f.station === s));
  if (unknown.length > 0) throw new ConfigError('stations', `unknown station(s) ${unknown.join(', ')}; known: ${BEIJING_FILES.map((f) => f.station).join(', ')}`);
  const files = options.stations === undefined ? BEIJING_FILES : BEIJING_FILES.filter((f) => options.stations?.includes(f.station));
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const base = options.baseUrl ?? BEIJING_BASE_URL;
  const shared = sharedDirOrReason(options.sharedDir);
  const results: FetchedBeijingFile[] = [];
  for (const file of files) {
    const name = beijingFileName(file.station);
    const target = join(dir, name);
    const failures: string[] = [];
    if ((await verifyFile(target, file.sha256)) === undefined) {
      results.push({ station: file.station, source: 'cache', path: target, failures });
      continue;
    }
    if (options.offline !== true) {
      const url = `${base}${name}`;
      log(`air-pollution fetch: ${name} from ${url}`);
      try {
        const bytes = await downloadBytes(url, { timeoutMs, ...(options.quiet === undefined ? {} : { quiet: options.quiet }) });
        const actual = sha256Hex(bytes);
        if (actual !== file.sha256) throw new Error(`checksum mismatch: SHA-256 ${actual}, expected ${file.sha256}`);
        await writeFileAtomic(target, bytes);
        results.push({ station: file.station, source: 'download', path: target, failures });
        continue;
      } catch (error) {
        failures.push(`${url}: ${describeDownloadFailure(error, timeoutMs)}`);
        log(`air-pollution fetch: ${failures[failures.length - 1] ?? ''}`);
      }
    }
    if (shared.dir !== undefined) {
      const path = join(shared.dir, BEIJING_SHARED_FOLDER, `${name}.gz`);
      const problem = await verifyFile(path, file.sha256Gz);
      if (problem === undefined) {
        results.push({ station: file.station, source: 'shared', path, failures });
        continue;
      }
      failures.push(problem);
    } else {
      failures.push(`no shared data: ${shared.reason ?? ''}`);
    }
    results.push({ station: file.station, source: 'missing', failures });
  }
  return results;
}

/** Options of {@link beijingDataFiles}. */
export interface BeijingDataFilesOptions {
  /** Where `air-pollution fetch` wrote the CSVs. Default {@link defaultAirPollutionFetchDir}. */
  readonly fetchDir?: string;
  /** Shared data directory. Default `sharedDataDir()`. */
  readonly sharedDir?: string;
  readonly stations?: readonly string[];
}

/**
 * Paths of the Beijing station files to read, without network and without hashing (fetch verified them): per station
 * the fetched CSV if present, else the shared `.csv.gz`.
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
        'run `air-pollution fetch` on a machine with internet access, or set COUNTERWEIGHT_SHARED_DATA to a directory holding beijing-multisite-air-quality/',
    );
  });
}
