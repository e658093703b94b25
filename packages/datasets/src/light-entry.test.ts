import { fileURLToPath } from 'node:url';

import { loadedModules, sourceCli } from '@counterweight/reliability-kit';
import { describe, expect, it } from 'vitest';

// The apps import this package where they must stay light (their `fetch --help` shows its default folder), and
// `npm run fetch-data -- --help` should answer at once: neither may load tfjs (the runtime's main entry), the wasm
// kernels, or the chart and image libraries.
const HEAVY = /\/node_modules\/(@tensorflow|sharp|vega|vega-lite|onnxruntime-node|@duckdb|apache-arrow)\/|\/packages\/runtime\/src\/index\.ts$/;

describe('@counterweight/datasets', () => {
  it('loads no tfjs, wasm kernels or chart library, imported or run as the fetch-data CLI', async () => {
    const imported = await loadedModules(process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', '--input-type=module', '-e', "await import('@counterweight/datasets');"], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(imported.run.code, imported.run.stderr).toBe(0);
    expect(imported.urls.some((url) => url.endsWith('/datasets/src/index.ts'))).toBe(true);
    expect(imported.urls.filter((url) => HEAVY.test(url))).toEqual([]);

    const help = await loadedModules(...sourceCli(fileURLToPath(new URL('./cli.ts', import.meta.url)), ['--help']));
    expect(help.run.code, help.run.stderr).toBe(0);
    expect(help.run.stdout).toMatch(/fashion-mnist/);
    expect(help.urls.filter((url) => HEAVY.test(url))).toEqual([]);
  });
});
