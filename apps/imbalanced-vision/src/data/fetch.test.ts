import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { startLocalServer, unreachableUrl, type LocalServer } from '@counterweight/datasets/test-support';
import { DataFileError } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FASHION_MNIST_FILES } from './fashion-mnist.js';
import { defaultFetchDir, fetchFashionMnist, verifyFashionMnistFile } from './fetch.js';
import { DEFAULT_IDX_DIR } from './idx.js';
import { removeTempDirs, tempDir } from './test-support/fixtures.js';

/**
 * A local HTTP server (no real network) serving Debian's files. The fetcher's own cases (corrupt mirror, timeout, HTTP
 * errors) are tested in packages/datasets; these check the app's view of it.
 */
async function serve(): Promise<LocalServer> {
  const bytes = new Map(await Promise.all(FASHION_MNIST_FILES.map(async (f) => [f.name, await readFile(join(DEFAULT_IDX_DIR, f.name))] as const)));
  return startLocalServer((name) => bytes.get(name));
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
    // the first file's connection is refused; the host is not asked again for the other three
    expect(result.failures).toEqual([
      `${unreachable}train-images-idx3-ubyte.gz: fetch failed (ECONNREFUSED)`,
      ...FASHION_MNIST_FILES.slice(1).map((f) => `${unreachable}${f.name}: not tried: ${unreachable.slice(0, -1)} failed earlier (fetch failed (ECONNREFUSED))`),
    ]);
  });

  it('downloads, verifies and writes the four files, then reuses them without network', async () => {
    const server = await serve();
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
    expect(wrong).toBe(`${join(DEFAULT_IDX_DIR, trainLabels.name)}: size 60008 bytes, expected 47040016`);
    expect(defaultFetchDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/counterweight/data/fashion-mnist');
  });
});
