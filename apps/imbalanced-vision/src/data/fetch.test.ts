import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FASHION_MNIST_FILES } from './fashion-mnist.js';
import { defaultFetchDir, fetchFashionMnist, verifyFashionMnistFile } from './fetch.js';
import { DEFAULT_IDX_DIR } from './idx.js';
import { removeTempDirs, tempDir } from './test-support/fixtures.js';

/** A local HTTP server (no real network): `mode` decides what it answers. */
async function serve(mode: 'debian' | 'corrupt-train-images' | 'hang' | 'not-found'): Promise<{ url: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    const name = (request.url ?? '/').slice(1);
    hits.push(name);
    if (mode === 'hang') return; // never answers
    const file = FASHION_MNIST_FILES.find((f) => f.name === name);
    if (mode === 'not-found' || file === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    readFile(join(DEFAULT_IDX_DIR, name)).then(
      (bytes) => {
        const body = mode === 'corrupt-train-images' && name.startsWith('train-images') ? bytes.subarray(0, bytes.length - 1000) : bytes;
        response.writeHead(200, { 'content-length': String(body.length) }).end(body);
      },
      // A missing source file answers at once (the test then fails on the status), never leaves the request open.
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A local URL nothing listens on: connections are refused at once. */
async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}

const silent = { log: () => undefined, quiet: true } as const;
let dir: string;
let unreachable: string;

beforeAll(async () => {
  dir = await tempDir('fetch');
  unreachable = await unreachableUrl();
});
afterAll(removeTempDirs);

describe('fetchFashionMnist', () => {
  it('falls back to the Debian copy when the URL is unreachable', async () => {
    const result = await fetchFashionMnist({ dir: join(dir, 'unreachable'), baseUrls: [unreachable], ...silent });
    expect(result.source).toBe('debian');
    expect(result.dir).toBe(DEFAULT_IDX_DIR);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toBe(`${unreachable}train-images-idx3-ubyte.gz: fetch failed (ECONNREFUSED)`);
  });

  it('downloads, verifies and writes the four files, then reuses them without network', async () => {
    const server = await serve('debian');
    const target = join(dir, 'downloaded');
    try {
      const result = await fetchFashionMnist({ dir: target, baseUrls: [server.url], ...silent });
      expect(result.source).toBe('download');
      expect(result.dir).toBe(target);
      expect(result.urls).toEqual(FASHION_MNIST_FILES.map((f) => `${server.url}${f.name}`));
      for (const file of FASHION_MNIST_FILES) {
        const copy = await readFile(join(target, file.name));
        expect(copy.equals(await readFile(join(DEFAULT_IDX_DIR, file.name)))).toBe(true);
      }
    } finally {
      await server.close();
    }
    const again = await fetchFashionMnist({ dir: target, baseUrls: [unreachable], ...silent });
    expect(again).toEqual({ dir: target, source: 'cache', urls: [], failures: [] });
  });

  it('rejects a corrupt download by checksum and takes the file from the next URL', async () => {
    const bad = await serve('corrupt-train-images');
    const good = await serve('debian');
    const target = join(dir, 'mirrors');
    try {
      const result = await fetchFashionMnist({ dir: target, baseUrls: [bad.url, good.url], ...silent });
      expect(result.source).toBe('download');
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]).toContain(`${bad.url}train-images-idx3-ubyte.gz: `);
      expect(result.failures[0]).toContain('gzip data is corrupt or truncated');
      expect(bad.hits).toEqual(['train-images-idx3-ubyte.gz']);
      expect(good.hits).toEqual(FASHION_MNIST_FILES.map((f) => f.name));
      for (const file of FASHION_MNIST_FILES) expect(await verifyFashionMnistFile(join(target, file.name), file)).toBeUndefined();
    } finally {
      await bad.close();
      await good.close();
    }
  });

  it('gives up on a server that does not answer within the timeout, and on HTTP errors', async () => {
    const hang = await serve('hang');
    const missing = await serve('not-found');
    try {
      const started = Date.now();
      const result = await fetchFashionMnist({ dir: join(dir, 'slow'), baseUrls: [hang.url, missing.url], timeoutMs: 300, ...silent });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.source).toBe('debian');
      expect(result.failures).toEqual([
        `${hang.url}train-images-idx3-ubyte.gz: timed out after 0.3 s`,
        `${missing.url}train-images-idx3-ubyte.gz: HTTP 404 Not Found`,
      ]);
    } finally {
      await hang.close();
      await missing.close();
    }
  });

  it('fails with every reason when there is no usable local copy either', async () => {
    const empty = await tempDir('no-debian');
    const error = await fetchFashionMnist({ dir: join(dir, 'none'), baseUrls: [unreachable], fallbackDir: empty, ...silent }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).toContain(`${join(empty, 'train-images-idx3-ubyte.gz')}: file not found`);
    expect((error as Error).message).toContain('apt-get install dataset-fashion-mnist');
  });

  it('verifies files by decompressed checksum and names a mismatch', async () => {
    const [trainImages, trainLabels] = FASHION_MNIST_FILES as [(typeof FASHION_MNIST_FILES)[0], (typeof FASHION_MNIST_FILES)[0]];
    expect(await verifyFashionMnistFile(join(DEFAULT_IDX_DIR, trainLabels.name), trainLabels)).toBeUndefined();
    const wrong = await verifyFashionMnistFile(join(DEFAULT_IDX_DIR, trainLabels.name), trainImages);
    expect(wrong).toBe(`${join(DEFAULT_IDX_DIR, trainLabels.name)}: decompressed size 60008 bytes, expected 47040016`);
    expect(defaultFetchDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/counterweight/fashion-mnist');
  });
});
