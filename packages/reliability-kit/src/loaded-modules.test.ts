import { describe, expect, it } from 'vitest';

import { loadedModules } from './loaded-modules.js';

describe('loadedModules', () => {
  it('lists the modules a command resolves, and only those', async () => {
    const lazy = 'if (process.argv[1] === "load") await import("node:zlib"); console.log("done");';
    const without = await loadedModules(process.execPath, ['--input-type=module', '-e', lazy, 'skip']);
    expect(without.run.code, without.run.stderr).toBe(0);
    expect(without.run.stdout).toBe('done\n');
    expect(without.urls).not.toContain('node:zlib');
    const loading = await loadedModules(process.execPath, ['--input-type=module', '-e', lazy, 'load']);
    expect(loading.urls).toContain('node:zlib');
  });
});
