import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { sha256Hex, sharedDataDir } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BEIJING_FILES, BEIJING_SHARED_FOLDER, beijingDataFiles, beijingFileName, defaultAirPollutionFetchDir, fetchBeijingData } from './fetch.js';
import { removeTempDirs, tempDir } from './test-support/temp.js';

const STATION = 'Dingling';
const NAME = beijingFileName(STATION);
let raw: Buffer;
let dir: string;
let server: Server;
let base: string;
const silent = { log: () => undefined, quiet: true } as const;

beforeAll(async () => {
  dir = await tempDir('fetch');
  raw = gunzipSync(await readFile(join(sharedDataDir(), BEIJING_SHARED_FOLDER, `${NAME}.gz`)));
  server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === `/good/${NAME}`) response.writeHead(200).end(raw);
    else if (url === `/bad/${NAME}`) response.writeHead(200).end(raw.subarray(0, 1000));
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

describe('fetchBeijingData (local server only, never the internet)', () => {
  it('lists the twelve stations with the SOURCES.md checksums of the shared copies', async () => {
    expect(BEIJING_FILES).toHaveLength(12);
    const file = BEIJING_FILES.find((f) => f.station === STATION);
    expect(file?.sha256).toBe(sha256Hex(raw));
    expect(file?.sha256Gz).toBe(sha256Hex(await readFile(join(sharedDataDir(), BEIJING_SHARED_FOLDER, `${NAME}.gz`))));
  });

  it('downloads and verifies a file, writes it, then finds it in the cache', async () => {
    const target = join(dir, 'download');
    const [result] = await fetchBeijingData({ dir: target, stations: [STATION], baseUrl: `${base}good/`, ...silent });
    expect(result).toEqual({ station: STATION, source: 'download', path: join(target, NAME), failures: [] });
    expect((await readFile(join(target, NAME))).equals(raw)).toBe(true);
    const [again] = await fetchBeijingData({ dir: target, stations: [STATION], offline: true, ...silent });
    expect(again?.source).toBe('cache');
    expect(beijingDataFiles({ fetchDir: target, stations: [STATION, 'Dongsi'] })).toEqual([join(target, NAME), join(sharedDataDir(), BEIJING_SHARED_FOLDER, `${beijingFileName('Dongsi')}.gz`)]);
  });

  it('rejects a corrupt download and falls back to the verified shared copy; HTTP errors are reported', async () => {
    const [bad] = await fetchBeijingData({ dir: join(dir, 'bad'), stations: [STATION], baseUrl: `${base}bad/`, ...silent });
    expect(bad?.source).toBe('shared');
    expect(bad?.path).toBe(join(sharedDataDir(), BEIJING_SHARED_FOLDER, `${NAME}.gz`));
    expect(bad?.failures[0]).toBe(`${base}bad/${NAME}: checksum mismatch: size 1000 bytes, expected 2675856`);
    const [missing] = await fetchBeijingData({ dir: join(dir, 'missing'), stations: [STATION], baseUrl: `${base}nope/`, ...silent });
    expect(missing?.failures[0]).toBe(`${base}nope/${NAME}: HTTP 404 Not Found`);
    const offline = await fetchBeijingData({ dir: join(dir, 'offline'), offline: true, ...silent });
    expect(offline.map((f) => f.source)).toEqual(new Array(12).fill('shared'));
    await expect(fetchBeijingData({ stations: ['Atlantis'], ...silent })).rejects.toThrow(/stations: unknown station\(s\) Atlantis/);
  });

  it('says what to do when neither the fetched copy nor the shared data is there', async () => {
    const empty = await tempDir('empty');
    await mkdir(join(empty, BEIJING_SHARED_FOLDER));
    const [none] = await fetchBeijingData({ dir: join(empty, 'cache'), sharedDir: empty, offline: true, stations: [STATION], ...silent });
    expect(none).toEqual({ station: STATION, source: 'missing', failures: [`${join(empty, BEIJING_SHARED_FOLDER, `${NAME}.gz`)}: file not found`] });
    expect(() => beijingDataFiles({ fetchDir: join(empty, 'cache'), sharedDir: empty })).toThrow(
      `PRSA_Data_Aotizhongxin_20130301-20170228.csv: the Beijing data is not here: not in ${join(empty, 'cache')} and not at ${join(empty, BEIJING_SHARED_FOLDER)}/PRSA_Data_Aotizhongxin_20130301-20170228.csv.gz; run \`npm run fetch-data -- beijing-multisite\``,
    );
    // A corrupt cached copy is not used: it is replaced by a verified download.
    const cache = join(empty, 'corrupt');
    await mkdir(cache);
    await writeFile(join(cache, NAME), 'garbage');
    const [replaced] = await fetchBeijingData({ dir: cache, stations: [STATION], baseUrl: `${base}good/`, ...silent });
    expect(replaced?.source).toBe('download');
    expect(defaultAirPollutionFetchDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/counterweight/data/beijing-multisite-air-quality');
  });
});
