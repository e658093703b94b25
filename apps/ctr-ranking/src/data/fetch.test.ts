import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { gitBlobSha1, sharedDataDir } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bankMarketingPath } from './bank-marketing.js';
import { CTR_DATA_FILES, defaultCtrFetchDir, fetchCtrData, verifyContent } from './fetch.js';
import { openBanditDir } from './open-bandit.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

const ITEM_CONTEXT = 'open-bandit-dataset/random/men/item_context.csv';
let raw: Buffer;
let dir: string;
let server: Server;
let base: string;
const silent = { log: () => undefined, quiet: true } as const;

beforeAll(async () => {
  dir = await tempDir('fetch');
  raw = gunzipSync(await readFile(join(sharedDataDir(), `${ITEM_CONTEXT}.gz`)));
  server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/obd/random/men/item_context.csv') response.writeHead(200).end(raw);
    else if (url === '/bad/random/men/item_context.csv') response.writeHead(200).end(raw.subarray(0, 100));
    else response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await removeTempDirs();
});

describe('fetchCtrData (local server only, never the internet)', () => {
  it('downloads and verifies a file, then finds it in the cache', async () => {
    const target = join(dir, 'download');
    const [result] = await fetchCtrData({ dir: target, only: [ITEM_CONTEXT], obdBaseUrl: `${base}obd/`, ...silent });
    expect(result).toEqual({ name: ITEM_CONTEXT, source: 'download', path: join(target, ITEM_CONTEXT), failures: [] });
    expect((await readFile(join(target, ITEM_CONTEXT))).equals(raw)).toBe(true);
    const [again] = await fetchCtrData({ dir: target, only: [ITEM_CONTEXT], offline: true, ...silent });
    expect(again?.source).toBe('cache');
  });

  it('rejects a corrupt download by SHA-256 and falls back to the verified shared copy; offline uses the shared data', async () => {
    const [result] = await fetchCtrData({ dir: join(dir, 'bad'), only: [ITEM_CONTEXT], obdBaseUrl: `${base}bad/`, ...silent });
    expect(result?.source).toBe('shared');
    expect(result?.path).toBe(join(sharedDataDir(), `${ITEM_CONTEXT}.gz`));
    expect(result?.failures[0]).toBe(`${base}bad/random/men/item_context.csv: checksum mismatch: size 100 bytes, expected 4287`);
    const offline = await fetchCtrData({ dir: join(dir, 'offline'), offline: true, ...silent });
    expect(offline.filter((f) => f.source === 'shared')).toHaveLength(CTR_DATA_FILES.length - 2);
    expect(offline.filter((f) => f.source === 'missing').map((f) => f.name)).toEqual([
      'open-bandit-dataset/random/all/all.csv',
      'open-bandit-dataset/bts/all/all.csv',
    ]);
  });

  it('reports HTTP errors for the bank zip and an unknown file name', async () => {
    const bank = 'uci-bank-marketing/bank-additional.csv';
    const [result] = await fetchCtrData({ dir: join(dir, 'bank'), only: [bank], bankUrl: `${base}nope.zip`, ...silent });
    expect(result?.source).toBe('shared');
    expect(result?.failures[0]).toBe(`${base}nope.zip (bank-additional/bank-additional.csv): HTTP 404 Not Found`);
    await expect(fetchCtrData({ only: ['nope.csv'], ...silent })).rejects.toThrow(/unknown file\(s\) nope.csv/);
    expect(defaultCtrFetchDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/counterweight/data');
  });
});

describe('verifyContent', () => {
  it('checks by SHA-256 or git blob id and names a mismatch', () => {
    expect(verifyContent(raw, { gitBlob: gitBlobSha1(raw) })).toBeUndefined();
    expect(verifyContent(raw, { sha256: '00' })).toMatch(/^SHA-256 [0-9a-f]{64}, expected 00$/);
    expect(CTR_DATA_FILES.find((f) => f.name === ITEM_CONTEXT)?.source).toMatch(/^https:\/\/raw\.githubusercontent\.com\/st-tech\/zr-obp\/[0-9a-f]{40}\/obd\/random\/men\/item_context\.csv$/);
    expect(CTR_DATA_FILES.find((f) => f.name === 'uci-bank-marketing/bank-additional.csv')?.source).toBe('bank-zip:bank-additional/bank-additional.csv');
  });
});

describe('default data locations', () => {
  it('prefer what `ctr-ranking fetch` wrote to its directory, else the shared data', async () => {
    const cache = await tempDir('xdg');
    const env = { XDG_CACHE_HOME: cache };
    expect(openBanditDir('random', 'men', env)).toBe(join(sharedDataDir(), 'open-bandit-dataset', 'random', 'men'));
    expect(bankMarketingPath(env)).toBe(join(sharedDataDir(), 'uci-bank-marketing', 'bank-additional-full.csv.gz'));
    const obdDir = join(defaultCtrFetchDir(env), 'open-bandit-dataset', 'random', 'men');
    await mkdir(obdDir, { recursive: true });
    await writeFile(join(obdDir, 'men.csv'), 'a,b\n');
    const bankDir = join(defaultCtrFetchDir(env), 'uci-bank-marketing');
    await mkdir(bankDir, { recursive: true });
    await writeFile(join(bankDir, 'bank-additional-full.csv'), 'a;b\n');
    expect(openBanditDir('random', 'men', env)).toBe(obdDir);
    expect(bankMarketingPath(env)).toBe(join(bankDir, 'bank-additional-full.csv'));
  });
});

