import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadFashionMnist } from '../fashion-mnist.js';
import type { IdxDataset } from '../idx.js';

let fashion: Promise<IdxDataset> | undefined;

/** Debian's full Fashion-MNIST, loaded once per test file (about 55 MB of views on the decompressed files). */
export function debianFashionMnist(): Promise<IdxDataset> {
  fashion ??= loadFashionMnist();
  return fashion;
}

/** Temporary directories removed by {@link removeTempDirs}. */
const created: string[] = [];

/** A fresh temporary directory for one test file. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `cw-iv-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes every directory made by {@link tempDir}; call it in `afterAll`. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}
