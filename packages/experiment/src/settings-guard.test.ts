import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ConfigError } from '@counterweight/runtime';
import { assertSameSettings } from './settings-guard.js';

describe('assertSameSettings', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('passes for a new directory and equal settings, and names every changed key otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cw-guard-'));
    dirs.push(dir);
    const path = join(dir, 'config.json');
    await expect(assertSameSettings(path, { epochs: 3 })).resolves.toBeUndefined();
    await writeFile(path, JSON.stringify({ settings: { epochs: 3, data: 'a' } }));
    await expect(assertSameSettings(path, { epochs: 3, data: 'a' })).resolves.toBeUndefined();
    const change = assertSameSettings(path, { epochs: 4, data: 'a' });
    await expect(change).rejects.toThrow(ConfigError);
    await expect(assertSameSettings(path, { epochs: 4, data: 'b' }, '--dir')).rejects.toThrow(/epochs: 3 → 4; data: "a" → "b".*another --dir directory/);
  });
});
