import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { gitBlobSha1, sharedDataDir } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BANK_MARKETING } from './bank-marketing.js';
import { BEIJING_MULTISITE, beijingFileName } from './beijing-multisite.js';
import type { Dataset } from './dataset.js';
import { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST, FASHION_MNIST_URLS } from './fashion-mnist.js';
import { fetchDataset, fetchDatasets } from './fetch-dataset.js';
import { OPEN_BANDIT } from './open-bandit.js';
import { makeZip, removeTempDirs, startLocalServer, tempDir, unreachableUrl, type LocalServer } from './test-support/index.js';
import { TINYSHAKESPEARE } from './tinyshakespeare.js';
import { TINYSTORIES } from './tinystories.js';

const silent = { log: () => undefined, quiet: true } as const;
const DINGLING = beijingFileName('Dingling');
const DONGSI = beijingFileName('Dongsi');
const shared = (...path: string[]) => join(sharedDataDir(), ...path);
const raw = async (...path: string[]) => gunzipSync(await readFile(shared(...path)));

/** Mirrors that send every canonical URL of `dataset` to `base` + the file's path inside its folder. */
function mirrorTo(base: string, prefix: string) {
  return (url: string) => [url.replace(prefix, base)];
}

let good: LocalServer;
let refused: string;
let dingling: Buffer;
let dongsi: Buffer;

beforeAll(async () => {
  dingling = await raw('beijing-multisite-air-quality', `${DINGLING}.gz`);
  dongsi = await raw('beijing-multisite-air-quality', `${DONGSI}.gz`);
  const served: Record<string, Uint8Array> = {
    [`beijing/${DINGLING}`]: dingling,
    [`beijing/${DONGSI}`]: dongsi,
    [`truncated/${DINGLING}`]: dingling.subarray(0, 1000),
    'input.txt': await raw('tinyshakespeare', 'input.txt.gz'),
    // gzipped on the wire is fine: the check is of the decompressed content
    'tiny_stories.txt': await readFile(shared('tinystories-sample', 'tiny_stories.txt.gz')),
  };
  good = await startLocalServer((path) => served[path]);
  refused = await unreachableUrl();
});
afterAll(async () => {
  await good.close();
  await removeTempDirs();
});

const beijingPrefix = 'https://raw.githubusercontent.com/Peiris94-dev/Beijing-Multi-Site-Air-Quality-Analysis/0aa46c055fcca7da49ebac9329435ffe674b74c3/';

describe('fetchDataset: downloads (from a loopback server serving the real files)', () => {
  it('downloads, verifies and writes the files atomically, then finds them cached without the network', async () => {
    const dataDir = await tempDir('download');
    const results = await fetchDataset(BEIJING_MULTISITE, { dataDir, only: [DINGLING, DONGSI], mirrors: mirrorTo(`${good.url}beijing/`, beijingPrefix), ...silent });
    const target = join(dataDir, 'beijing-multisite-air-quality', DINGLING);
    expect(results[0]).toEqual({ dataset: 'beijing-multisite', file: DINGLING, outcome: 'downloaded', path: target, url: `${good.url}beijing/${DINGLING}`, failures: [] });
    expect(results[1]?.outcome).toBe('downloaded');
    expect((await readFile(target)).equals(dingling)).toBe(true);
    const again = await fetchDataset(BEIJING_MULTISITE, { dataDir, only: [DINGLING], offline: true, ...silent });
    expect(again).toEqual([{ dataset: 'beijing-multisite', file: DINGLING, outcome: 'cached', path: target, failures: [] }]);
  });

  it('fetches several data sets in one go; a gzipped answer is verified by its content and stored as sent', async () => {
    const dataDir = await tempDir('several');
    const mirrors = (url: string) => [`${good.url}${url.split('/').pop() ?? ''}`];
    const results = await fetchDatasets([TINYSHAKESPEARE, TINYSTORIES], { dataDir, mirrors, ...silent });
    expect(results.map((r) => [r.dataset, r.outcome])).toEqual([
      ['tinyshakespeare', 'downloaded'],
      ['tinystories', 'downloaded'],
    ]);
    expect(await readFile(join(dataDir, 'tinystories-sample', 'tiny_stories.txt'))).toEqual(await readFile(shared('tinystories-sample', 'tiny_stories.txt.gz')));
  });

  it('replaces a corrupt earlier download by a verified one', async () => {
    const dataDir = await tempDir('replace');
    const target = join(dataDir, 'beijing-multisite-air-quality', DINGLING);
    await mkdir(join(dataDir, 'beijing-multisite-air-quality'));
    await writeFile(target, 'garbage');
    const [result] = await fetchDataset(BEIJING_MULTISITE, { dataDir, only: [DINGLING], mirrors: mirrorTo(`${good.url}beijing/`, beijingPrefix), ...silent });
    expect(result?.outcome).toBe('downloaded');
    expect((await readFile(target)).equals(dingling)).toBe(true);
  });
});

describe('fetchDataset: failed downloads fall back to the verified local copy, saying why', () => {
  it('checksum mismatch, HTTP 404 and refused connections each leave one line and the shared copy is used', async () => {
    const dataDir = await tempDir('fallback');
    const mirrors = (url: string) => [url.replace(beijingPrefix, `${good.url}truncated/`), url.replace(beijingPrefix, `${good.url}nope/`), url.replace(beijingPrefix, refused)];
    const [result] = await fetchDataset(BEIJING_MULTISITE, { dataDir, only: [DINGLING], mirrors, ...silent });
    expect(result).toEqual({
      dataset: 'beijing-multisite',
      file: DINGLING,
      outcome: 'local',
      path: shared('beijing-multisite-air-quality', `${DINGLING}.gz`),
      localCopy: 'shared data',
      failures: [
        `${good.url}truncated/${DINGLING}: checksum mismatch: size 1000 bytes, expected 2675856`,
        `${good.url}nope/${DINGLING}: HTTP 404 Not Found`,
        `${refused}${DINGLING}: fetch failed (ECONNREFUSED)`,
      ],
    });
  });

  it('gives up on a server that does not answer within the timeout, and does not ask that host again', async () => {
    const hang = await startLocalServer(() => 'hang');
    try {
      const started = Date.now();
      const results = await fetchDataset(BEIJING_MULTISITE, {
        dataDir: await tempDir('timeout'),
        only: [DINGLING, DONGSI],
        mirrors: mirrorTo(hang.url, beijingPrefix),
        timeoutMs: 300,
        ...silent,
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(hang.hits).toEqual([DINGLING]);
      expect(results.map((r) => r.outcome)).toEqual(['local', 'local']);
      expect(results[0]?.failures).toEqual([`${hang.url}${DINGLING}: timed out after 0.3 s`]);
      expect(results[1]?.failures).toEqual([`${hang.url}${DONGSI}: not tried: ${hang.url.slice(0, -1)} failed earlier (timed out after 0.3 s)`]);
    } finally {
      await hang.close();
    }
  });

  it('says a file is missing, with every reason, when no local copy is usable; offline never touches the network', async () => {
    const emptyShared = await tempDir('no-shared');
    const [none] = await fetchDataset(TINYSTORIES, { dataDir: await tempDir('missing'), offline: true, sharedDir: emptyShared, ...silent });
    expect(none).toEqual({
      dataset: 'tinystories',
      file: 'tiny_stories.txt',
      outcome: 'missing',
      failures: [`${join(emptyShared, 'tinystories-sample', 'tiny_stories.txt.gz')}: file not found`],
    });
    const obd = await fetchDataset(OPEN_BANDIT, { dataDir: await tempDir('obd'), offline: true, ...silent });
    expect(obd.filter((r) => r.outcome === 'local')).toHaveLength(10);
    expect(obd.filter((r) => r.outcome === 'missing').map((r) => [r.file, r.failures])).toEqual([
      ['random/all/all.csv', ['no local copy holds this file (only a download provides it)']],
      ['bts/all/all.csv', ['no local copy holds this file (only a download provides it)']],
    ]);
  });

  it('reports a download it cannot store (the data directory is a file) and uses the local copy', async () => {
    const notADir = join(await tempDir('file'), 'plain-file');
    await writeFile(notADir, 'x');
    const [result] = await fetchDataset(BEIJING_MULTISITE, { dir: notADir, only: [DINGLING], mirrors: mirrorTo(`${good.url}beijing/`, beijingPrefix), ...silent });
    expect(result?.outcome).toBe('local');
    expect(result?.failures).toEqual([`${join(notADir, DINGLING)}: cannot write the download (EEXIST: file already exists, mkdir '${notADir}')`]);
  });

  it('rejects an unknown file name and a bad timeout', async () => {
    await expect(fetchDataset(TINYSTORIES, { only: ['nope.txt'], ...silent })).rejects.toThrow('only: tinystories has no file nope.txt; its files: tiny_stories.txt');
    await expect(fetchDataset(TINYSTORIES, { timeoutMs: 0, ...silent })).rejects.toThrow('timeout: must be a positive number of milliseconds, got 0');
  });
});

describe('fetchDataset: Fashion-MNIST, read as one folder (Debian’s real files on a loopback server)', () => {
  let files: Record<string, Buffer>;
  const canonical = FASHION_MNIST_URLS[0] ?? '';
  /** Mirrors replacing the canonical S3 URL by `bases` (the GitHub URL is dropped: no network). */
  const fashionMirrors = (...bases: string[]) => (url: string) => (url.startsWith(canonical) ? bases.map((b) => url.replace(canonical, b)) : []);
  beforeAll(async () => {
    files = Object.fromEntries(await Promise.all(FASHION_MNIST.files.map(async (f) => [f.name, await readFile(join(DEBIAN_FASHION_MNIST_DIR, f.name))] as const)));
  });

  it('takes the files a corrupt mirror spoils from the next one, skipping the bad mirror after its first failure', async () => {
    const bad = await startLocalServer((path) => (path === 'train-images-idx3-ubyte.gz' ? files[path]?.subarray(0, 5000) : files[path]));
    const ok = await startLocalServer((path) => files[path]);
    try {
      const results = await fetchDataset(FASHION_MNIST, { dir: await tempDir('fashion'), mirrors: fashionMirrors(bad.url, ok.url), ...silent });
      expect(results.map((r) => r.outcome)).toEqual(['downloaded', 'downloaded', 'downloaded', 'downloaded']);
      expect(bad.hits).toEqual(['train-images-idx3-ubyte.gz']);
      expect(ok.hits).toEqual(FASHION_MNIST.files.map((f) => f.name));
      expect(results[0]?.failures).toEqual([`${bad.url}train-images-idx3-ubyte.gz: gzip data is corrupt or truncated (unexpected end of file)`]);
      expect(results[1]?.failures).toEqual([`${bad.url}train-labels-idx1-ubyte.gz: not tried: ${bad.url} failed earlier (gzip data is corrupt or truncated (unexpected end of file))`]);
      for (const r of results) expect((await readFile(r.path ?? '')).equals(files[r.file] ?? Buffer.alloc(0))).toBe(true);
    } finally {
      await bad.close();
      await ok.close();
    }
  });

  it('uses Debian’s folder for all four files when one of them cannot be downloaded', async () => {
    const threeOfFour = await startLocalServer((path) => (path === 't10k-labels-idx1-ubyte.gz' ? 404 : files[path]));
    try {
      const dir = await tempDir('fashion-fallback');
      const results = await fetchDataset(FASHION_MNIST, { dir, mirrors: fashionMirrors(threeOfFour.url), ...silent });
      expect(results.map((r) => [r.outcome, r.path, r.localCopy])).toEqual(
        FASHION_MNIST.files.map((f) => ['local', join(DEBIAN_FASHION_MNIST_DIR, f.name), 'Debian package dataset-fashion-mnist']),
      );
      expect(results[3]?.failures).toEqual([`${threeOfFour.url}t10k-labels-idx1-ubyte.gz: HTTP 404 Not Found`]);
      // the three good downloads were kept: the next fetch only needs the fourth
      expect((await readFile(join(dir, 'train-labels-idx1-ubyte.gz'))).equals(files['train-labels-idx1-ubyte.gz'] ?? Buffer.alloc(0))).toBe(true);
    } finally {
      await threeOfFour.close();
    }
  });
});

describe('fetchDataset: files inside an archive (Bank Marketing’s zip of zips)', () => {
  it('extracts the member from the nested zips once the archive checks, and rejects an archive that does not', async () => {
    const csv = await raw('uci-bank-marketing', 'bank-additional.csv.gz');
    const zip = makeZip([{ name: 'bank.zip', data: Buffer.from('x') }, { name: 'bank-additional.zip', data: makeZip([{ name: 'bank-additional/bank-additional.csv', data: csv }]) }]);
    const server = await startLocalServer((path) => (path === 'bank.zip' ? zip : undefined));
    const file = BANK_MARKETING.files[1];
    if (file === undefined) throw new Error('bank-additional.csv is not in the registry');
    const withCheck = (gitBlob: string): Dataset => ({
      ...BANK_MARKETING,
      files: [{ ...file, sources: [{ archive: { url: `${server.url}bank.zip`, check: { gitBlob } }, members: ['bank-additional.zip', 'bank-additional/bank-additional.csv'] }] }],
    });
    try {
      const dataDir = await tempDir('bank');
      const [ok] = await fetchDataset(withCheck(gitBlobSha1(zip)), { dataDir, ...silent });
      expect(ok).toMatchObject({ outcome: 'downloaded', url: `${server.url}bank.zip (bank-additional/bank-additional.csv)` });
      expect((await readFile(join(dataDir, 'uci-bank-marketing', 'bank-additional.csv'))).equals(csv)).toBe(true);
      const [wrong] = await fetchDataset(withCheck('0'.repeat(40)), { dataDir: await tempDir('bank-wrong'), ...silent });
      expect(wrong?.outcome).toBe('local');
      expect(wrong?.failures).toEqual([`${server.url}bank.zip (bank-additional/bank-additional.csv): checksum mismatch of the archive: git blob ${gitBlobSha1(zip)}, expected ${'0'.repeat(40)}`]);
    } finally {
      await server.close();
    }
  });
});
