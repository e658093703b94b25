import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { ConfigError, describeDownloadFailure, downloadBytes, gitBlobSha1, sha256Hex, sharedDataDir, writeFileAtomic } from '@counterweight/runtime';

import { extractZipEntry } from './zip.js';

/** Raw GitHub folder of the Open Bandit Dataset sample in `st-tech/zr-obp` (same blobs as `obp/dataset/obd/`). */
export const OBD_BASE_URL = 'https://raw.githubusercontent.com/st-tech/zr-obp/master/obd/';
/** UCI's download of data set 222 (Bank Marketing): a zip holding `bank.zip` and `bank-additional.zip`. */
export const BANK_MARKETING_URL = 'https://archive.ics.uci.edu/static/public/222/bank+marketing.zip';
/** Git blob id of that zip (SOURCES.md §6: the copy the shared data was extracted from is the UCI download). */
export const BANK_MARKETING_ZIP_BLOB = '85a34edca848cb486c5610b15e8e47ed8b369df6';

/** How a file's (decompressed) content is verified: SHA-256 from SOURCES.md, or a git blob id where only that is known. */
export type ContentCheck = { readonly sha256: string } | { readonly gitBlob: string };

/** One data file {@link fetchCtrData} provides. */
export interface CtrDataFile {
  /** Path under the fetch directory (and, with `.gz`, under the shared data). */
  readonly name: string;
  readonly check: ContentCheck;
  /** Where it comes from: a URL of the raw file, or the bank zip (`bank-zip:<member of bank-additional.zip>`). */
  readonly source: string;
  /** Whether the shared data has a gzipped copy (`<shared>/<name>.gz`). */
  readonly shared: boolean;
}

const obd = (path: string, sha256: string): CtrDataFile => ({
  name: `open-bandit-dataset/${path}`,
  check: { sha256 },
  source: `${OBD_BASE_URL}${path}`,
  shared: true,
});

/**
 * The files: the whole Open Bandit sample of `st-tech/zr-obp` (`random` and `bts`, campaigns men/women/all, with
 * item_context) and UCI Bank Marketing `bank-additional*.csv`. Hashes are SOURCES.md's `sha256(raw)`; the two
 * `all.csv` logs are not in the shared data (over its size limit), so they are checked by their git blob ids.
 */
export const CTR_DATA_FILES: readonly CtrDataFile[] = [
  obd('random/men/men.csv', 'ede6d08c6877f99cd3770f7d09e26c738e6aa6de4445ccccfb1356ba5d06b1eb'),
  obd('random/women/women.csv', 'e65f3bd3beb17664fa69cc129bf7bf852a775f8ffa630506e505fc905315bb34'),
  obd('bts/men/men.csv', 'db6d1f7ed2d591ba521533e45286d4c1fba7fe57a8ad2e80342210335f43c527'),
  obd('bts/women/women.csv', 'e5d1b49a39b608585a2f3014a3f54970430cd37a495c1b73fceb85cdf428a5b8'),
  obd('random/all/item_context.csv', 'eba04cc23d5f130a93ff174c5392986882b94c3839433cb8143870eaa6221358'),
  obd('random/men/item_context.csv', '6d855c2b7e917d0448d71bbe62c023147495882c0fdc8c41e86fef86abf9fe09'),
  obd('random/women/item_context.csv', 'b1ca4905f97703d196004f2ad4552c1e90c2afad8b50688d333b0d2dc0b33147'),
  obd('bts/all/item_context.csv', '5d4359ba1cfa3ae88f0f1bae66bd633859fe6323817183632ee57b83539d9153'),
  obd('bts/men/item_context.csv', '3b411ed6b0471316321a6b93f4f756bb25888eac6218cd71d0b603d41d85732d'),
  obd('bts/women/item_context.csv', 'a56295bad066a558eb783055afd9279f5f4e209a4776eafc22151c53f0ac89d4'),
  { name: 'open-bandit-dataset/random/all/all.csv', check: { gitBlob: '8ff22a297ec374cc4bfa9cc857d819da3bb9ab97' }, source: `${OBD_BASE_URL}random/all/all.csv`, shared: false },
  { name: 'open-bandit-dataset/bts/all/all.csv', check: { gitBlob: '6ac7a0573c8514dec0a9bb0d9ee60825dba5c80f' }, source: `${OBD_BASE_URL}bts/all/all.csv`, shared: false },
  {
    name: 'uci-bank-marketing/bank-additional-full.csv',
    check: { sha256: '74adfc578bf77a7ff4bb1ba4a9f8709d9e3c6907342959c2c8416847e0afb4d8' },
    source: 'bank-zip:bank-additional/bank-additional-full.csv',
    shared: true,
  },
  {
    name: 'uci-bank-marketing/bank-additional.csv',
    check: { sha256: '7e59cf650004d65d1c9d6b08553bad2ee9a9ad70d594f536e3c584ee6ed5df50' },
    source: 'bank-zip:bank-additional/bank-additional.csv',
    shared: true,
  },
];

/** Checks content against a {@link ContentCheck}; undefined when it matches, else the reason. */
export function verifyContent(content: Uint8Array, check: ContentCheck): string | undefined {
  if ('sha256' in check) {
    const sha256 = sha256Hex(content);
    return sha256 === check.sha256 ? undefined : `SHA-256 ${sha256}, expected ${check.sha256}`;
  }
  const blob = gitBlobSha1(content);
  return blob === check.gitBlob ? undefined : `git blob ${blob}, expected ${check.gitBlob}`;
}

/** `$XDG_CACHE_HOME/counterweight/ctr-ranking` (else `~/.cache/…`). */
export function defaultCtrFetchDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env['XDG_CACHE_HOME'] !== undefined && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(cache, 'counterweight', 'ctr-ranking');
}

/** Options of {@link fetchCtrData}. */
export interface FetchCtrDataOptions {
  /** Directory downloads are written to (atomically, as plain files). Default {@link defaultCtrFetchDir}. */
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

async function readVerified(path: string, check: ContentCheck, gzip: boolean): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
    if (gzip) bytes = gunzipSync(bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `${path}: ${code === 'ENOENT' ? 'file not found' : (error as Error).message}`;
  }
  const problem = verifyContent(bytes, check);
  return problem === undefined ? undefined : `${path}: ${problem}`;
}

/**
 * `ctr-ranking fetch`: makes the Open Bandit sample and UCI Bank Marketing available and verified. For each file:
 * 1. a copy in `dir` that verifies is used (`cache`);
 * 2. unless `offline`, it is downloaded (Open Bandit: raw GitHub `st-tech/zr-obp/obd/…`; bank: UCI's zip, checked by
 *    its git blob id, then `bank-additional.zip` inside it, then the CSV), verified by SHA-256 (or git blob id) and
 *    written to `dir` atomically (`download`);
 * 3. otherwise the gzipped copy in the shared data is verified and used in place (`shared`);
 * 4. else `missing`, with every reason (the two `all.csv` logs are only available online).
 * Never throws for a missing file: the caller decides which ones it needs.
 */
export async function fetchCtrData(options: FetchCtrDataOptions = {}): Promise<readonly FetchedFile[]> {
  const dir = options.dir ?? defaultCtrFetchDir();
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new ConfigError('timeoutMs', `must be a positive number, got ${timeoutMs}`);
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const files = options.only === undefined ? CTR_DATA_FILES : CTR_DATA_FILES.filter((f) => options.only?.includes(f.name));
  if (options.only !== undefined && files.length !== options.only.length) {
    const unknown = options.only.filter((name) => !CTR_DATA_FILES.some((f) => f.name === name));
    throw new ConfigError('only', `unknown file(s) ${unknown.join(', ')}; known: ${CTR_DATA_FILES.map((f) => f.name).join(', ')}`);
  }
  const download = (url: string) => downloadBytes(url, { timeoutMs, ...(options.quiet === undefined ? {} : { quiet: options.quiet }) });
  let bankZip: Promise<Buffer> | undefined;
  const bankUrl = options.bankUrl ?? BANK_MARKETING_URL;
  const bankMember = async (member: string): Promise<Buffer> => {
    bankZip ??= download(bankUrl).then((zip) => {
      const problem = verifyContent(zip, { gitBlob: BANK_MARKETING_ZIP_BLOB });
      if (problem !== undefined) throw new Error(`checksum mismatch: ${problem}`);
      return extractZipEntry(zip, 'bank-additional.zip', bankUrl);
    });
    return extractZipEntry(await bankZip, member, `${bankUrl}!bank-additional.zip`);
  };

  const results: FetchedFile[] = [];
  for (const file of files) {
    const target = join(dir, file.name);
    const failures: string[] = [];
    const cached = await readVerified(target, file.check, false);
    if (cached === undefined) {
      results.push({ name: file.name, source: 'cache', path: target, failures });
      continue;
    }
    if (options.offline !== true) {
      const url = file.source.startsWith('bank-zip:') ? `${bankUrl} (${file.source.slice('bank-zip:'.length)})` : file.source.replace(OBD_BASE_URL, options.obdBaseUrl ?? OBD_BASE_URL);
      log(`ctr-ranking fetch: ${file.name} from ${url}`);
      try {
        const bytes = file.source.startsWith('bank-zip:') ? await bankMember(file.source.slice('bank-zip:'.length)) : await download(url);
        const problem = verifyContent(bytes, file.check);
        if (problem !== undefined) throw new Error(`checksum mismatch: ${problem}`);
        await writeFileAtomic(target, bytes);
        results.push({ name: file.name, source: 'download', path: target, failures });
        continue;
      } catch (error) {
        failures.push(`${url}: ${describeDownloadFailure(error, timeoutMs)}`);
        log(`ctr-ranking fetch: ${failures[failures.length - 1] ?? ''}`);
      }
    }
    if (file.shared) {
      const shared = join(options.sharedDir ?? sharedDataDir(), `${file.name}.gz`);
      const problem = await readVerified(shared, file.check, true);
      if (problem === undefined) {
        results.push({ name: file.name, source: 'shared', path: shared, failures });
        continue;
      }
      failures.push(problem);
    } else {
      failures.push('no local copy (not in the shared data)');
    }
    results.push({ name: file.name, source: 'missing', failures });
  }
  return results;
}
