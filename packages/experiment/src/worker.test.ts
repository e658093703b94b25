import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const RECORDER = fileURLToPath(new URL('./test-support/register-recorder.mjs', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-worker-loads-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every module URL that importing `specifier` (from this package's folder) resolves. */
async function modulesLoadedBy(specifier: string, name: string): Promise<string[]> {
  const file = join(dir, `${name}.txt`);
  await run(process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', '--import', RECORDER, '-e', `await import(${JSON.stringify(specifier)});`], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, CW_RECORD_LOADS: file },
  });
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
}

describe('@counterweight/experiment/worker', () => {
  it('loads neither vega nor sharp (a thread that trains does not draw), while the full entry does', async () => {
    const worker = await modulesLoadedBy('@counterweight/experiment/worker', 'worker');
    expect(worker.some((url) => url.includes('/serve-runner.ts'))).toBe(true);
    expect(worker.some((url) => url.includes('/runtime/src/'))).toBe(true);
    expect(worker.filter((url) => /\/node_modules\/(vega|vega-lite|sharp)\//.test(url))).toEqual([]);
    // The check can fail: the package's main entry (report skeleton, markdown) does load them.
    const full = await modulesLoadedBy('@counterweight/experiment', 'full');
    expect(full.some((url) => /\/node_modules\/vega-lite\//.test(url))).toBe(true);
  });
});
