import { fileURLToPath } from 'node:url';

import { loadedModules } from '@counterweight/reliability-kit';
import { describe, expect, it } from 'vitest';

/** Every module URL that importing `specifier` (from this package's folder) resolves. */
async function modulesLoadedBy(specifier: string): Promise<readonly string[]> {
  const { run, urls } = await loadedModules(process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', '--input-type=module', '-e', `await import(${JSON.stringify(specifier)});`], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  expect(run.code, run.stderr).toBe(0);
  return urls;
}

describe('@counterweight/experiment/worker', () => {
  it('loads neither vega nor sharp (a thread that trains does not draw), while the full entry does', async () => {
    const worker = await modulesLoadedBy('@counterweight/experiment/worker');
    expect(worker.some((url) => url.includes('/serve-runner.ts'))).toBe(true);
    expect(worker.some((url) => url.includes('/runtime/src/'))).toBe(true);
    expect(worker.filter((url) => /\/node_modules\/(vega|vega-lite|sharp)\//.test(url))).toEqual([]);
    // The check can fail: the package's main entry (report skeleton, markdown) does load them.
    const full = await modulesLoadedBy('@counterweight/experiment');
    expect(full.some((url) => /\/node_modules\/vega-lite\//.test(url))).toBe(true);
  });
});
