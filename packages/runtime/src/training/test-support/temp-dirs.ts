// Test-only: a temporary root per test file, removed after the file's tests, and fresh directories inside it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll } from 'vitest';

/**
 * Registers `beforeAll`/`afterAll` hooks that create and remove `<tmp>/<prefix>…`, and returns a function giving a new
 * directory name inside it on every call (`<stem>-1`, `<stem>-2`, …; not created).
 */
export function useTempDirs(prefix: string, stem = 'run'): () => string {
  let root = '';
  let counter = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));
  return () => join(root, `${stem}-${(counter += 1)}`);
}
