import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { repositoryRoot, writeJsonAtomic } from './bench-output.js';

const dir = mkdtempSync(join(tmpdir(), 'reweighting-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('repositoryRoot', () => {
  it('finds the nearest package.json named counterweight, skipping other packages', () => {
    const root = join(dir, 'repo');
    mkdirSync(join(root, 'packages', 'reweighting', 'dist', 'bench'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'counterweight' }));
    writeFileSync(join(root, 'packages', 'reweighting', 'package.json'), JSON.stringify({ name: '@counterweight/reweighting' }));
    expect(repositoryRoot(join(root, 'packages', 'reweighting', 'dist', 'bench'))).toBe(root);
  });

  it('finds this repository from this folder and throws where there is none', () => {
    const root = JSON.parse(readFileSync(join(repositoryRoot(import.meta.dirname), 'package.json'), 'utf8')) as { name: string };
    expect(root.name).toBe('counterweight');
    const lonely = join(dir, 'lonely');
    mkdirSync(lonely);
    expect(() => repositoryRoot(lonely)).toThrow(/no repository root/);
  });
});

describe('writeJsonAtomic', () => {
  it('creates parent folders, replaces the file whole and leaves no temporary file', async () => {
    const path = join(dir, 'out', 'bench-results', 'reweighting.json');
    await writeJsonAtomic(path, { a: 1 });
    await writeJsonAtomic(path, { b: [1, 2] });
    expect(readFileSync(path, 'utf8')).toBe('{\n  "b": [\n    1,\n    2\n  ]\n}\n');
    expect(readdirSync(join(dir, 'out', 'bench-results'))).toEqual(['reweighting.json']);
  });
});
