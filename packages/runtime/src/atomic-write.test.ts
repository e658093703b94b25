import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeDirectoryAtomic, writeFileAtomic, writeJsonAtomic } from './atomic-write.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cw-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic writes', () => {
  it('writes a file (creating parents), replaces an old one and leaves no temporary files', async () => {
    const path = join(dir, 'a', 'b', 'out.json');
    await writeJsonAtomic(path, { x: 1 });
    await writeJsonAtomic(path, { x: 2 });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ x: 2 });
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['out.json']);
  });

  it('keeps the old file intact and cleans up when the write fails', async () => {
    const path = join(dir, 'keep.txt');
    await writeFile(path, 'old');
    await expect(writeFileAtomic(join(path, 'child'), 'x')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('builds a directory atomically and cleans up a failed one', async () => {
    const target = join(dir, 'ckpt');
    await writeDirectoryAtomic(target, (tmp) => writeFile(join(tmp, 'w.bin'), 'data'));
    expect(await readdir(target)).toEqual(['w.bin']);
    await expect(
      writeDirectoryAtomic(join(dir, 'broken'), () => Promise.reject(new Error('disk full'))),
    ).rejects.toThrow('disk full');
    expect((await readdir(dir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
    await expect(writeDirectoryAtomic(target, () => Promise.resolve())).rejects.toThrow();
    expect(await readdir(target)).toEqual(['w.bin']);
  });
});
