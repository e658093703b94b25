import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { removeOwnTemporaries, removeStaleTemporaries, writeDirectoryAtomic, writeFileAtomic, writeJsonAtomic } from './atomic-write.js';

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

  it('removes the temporaries of processes that are gone, at any depth, and keeps those of running ones', async () => {
    const root = join(dir, 'stale');
    await mkdir(join(root, 'runs', 'ce'), { recursive: true });
    // No process has this pid: Linux pids are at most 2^22. (The pid of an exited child is no proof: a busy machine
    // reuses it within seconds.)
    const gone = 2 ** 22 + 1;
    const staleFile = join(root, 'runs', 'ce', `.result.json.ab12cd.tmp-${gone}`);
    const staleDir = join(root, `.0123abcd.tmp-${gone}`);
    const live = join(root, `.4567ef.tmp-${process.pid}`);
    await writeFile(staleFile, '{"half":');
    await mkdir(staleDir);
    await writeFile(join(staleDir, 'w.bin'), 'x');
    await writeFile(live, 'being written');
    await writeFile(join(root, 'runs', 'ce', 'result.json'), '{}');
    expect((await removeStaleTemporaries(root)).sort()).toEqual([staleDir, staleFile].sort());
    expect([existsSync(live), existsSync(join(root, 'runs', 'ce', 'result.json'))]).toEqual([true, true]);
    expect(await removeStaleTemporaries(join(dir, 'absent'))).toEqual([]);
  });

  it('removes a temporary whose pid now belongs to a process started after it was written (a reused pid)', async () => {
    const root = join(dir, 'reused');
    await mkdir(root);
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const old = join(root, `.aa11.tmp-${other.pid}`);
      const fresh = join(root, `.bb22.tmp-${other.pid}`);
      await writeFile(old, 'written by an earlier process of this pid');
      const hourAgo = new Date(Date.now() - 3_600_000);
      await utimes(old, hourAgo, hourAgo);
      await writeFile(fresh, 'may be being written by it');
      expect(await removeStaleTemporaries(root)).toEqual([old]);
      expect(existsSync(fresh)).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('removes the temporary of a write in progress when asked (what a signal handler does before exiting)', async () => {
    let seen = '';
    const building = writeDirectoryAtomic(join(dir, 'interrupted'), async (tmp) => {
      seen = tmp;
      await writeFile(join(tmp, 'w.bin'), 'half');
      removeOwnTemporaries();
    });
    await expect(building).rejects.toThrow(/ENOENT/);
    expect(seen).toMatch(/\.tmp-\d+$/);
    expect([existsSync(seen), existsSync(join(dir, 'interrupted'))]).toEqual([false, false]);
  });

  it('names the path when it is a folder, and leaves the folder as it was', async () => {
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    await writeFile(join(folder, 'kept.txt'), 'kept');
    await expect(writeFileAtomic(folder, 'x')).rejects.toThrow(`${folder}: is a folder, so a file cannot be written there`);
    expect(await readdir(folder)).toEqual(['kept.txt']);
    expect((await readdir(dir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
