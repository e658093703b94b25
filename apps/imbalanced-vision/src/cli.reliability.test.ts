import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { cleanFailureProblems, filesAdded, listFiles, runCommand, sourceCli } from '@counterweight/reliability-kit';
import { initBackend } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { embeddedSampleDir } from './data/sample.js';
import { fashionImageFiles } from './data/test-support/fashion-image-files.js';
import { removeTempDirs, tempDir } from './data/test-support/fixtures.js';
import { savedRun, type SavedRun } from './experiment/test-support/saved-run.js';

// A representative handful of the bad-input corpora, through the real command line (each spawn costs ~2.5 s of CPU,
// so the rest is tested in-process beside each loader): the messages the issue found unclear — `predict` on a folder
// and on a zero-byte image ("unsupported image format") — and one case per kind of file a user points the CLI at.
// Each must be a clean failure (one short line naming the file and the problem, non-zero exit, no stack) and leave
// no file behind in the output folder.

const CLI = resolve(import.meta.dirname, 'cli.ts');
const vision = (args: readonly string[]) => runCommand(...sourceCli(CLI, args), { timeoutMs: 120_000 });

let root: string;
let saved: SavedRun;
let goodPng: string;

beforeAll(async () => {
  await initBackend();
  root = await tempDir('cli-reliability');
  saved = await savedRun(root);
  goodPng = join(root, 'boot.png');
  await writeFile(goodPng, (await fashionImageFiles(1)).png[0]!);
});
afterAll(removeTempDirs);

describe('imbalanced-vision CLI, bad inputs', () => {
  it('predict on a zero-byte image names it and says it is empty (was: "unsupported image format")', async () => {
    const empty = join(root, 'empty.png');
    await writeFile(empty, '');
    const run = await vision(['predict', '--model', saved.onnx, goodPng, empty]);
    expect(cleanFailureProblems(run, { mentions: ['empty.png', 'is empty (0 bytes), not an image'] })).toEqual([]);
    expect(run.stdout).toBe('');
  });

  it('predict on a folder without images names the folder (a folder of images is classified: see model-files)', async () => {
    const bare = join(root, 'no-images');
    await mkdir(bare);
    await writeFile(join(bare, 'README.txt'), 'nothing here');
    const run = await vision(['predict', '--model', saved.onnx, bare]);
    expect(cleanFailureProblems(run, { mentions: ['no-images', 'is a folder holding no JPEG, PNG or WebP image'] })).toEqual([]);
  });

  it('predict with a run folder as --model says it is one and how to export it', async () => {
    const run = await vision(['predict', '--model', saved.run, goodPng]);
    expect(cleanFailureProblems(run, { mentions: ['seed-0', 'is a run folder, not an ONNX file', 'imbalanced-vision export --run'] })).toEqual([]);
  });

  it('compare on a data directory with a truncated gzip IDX file fails before writing anything', async () => {
    const data = join(root, 'data');
    await cp(embeddedSampleDir(), data, { recursive: true });
    const images = join(data, 'train-images-idx3-ubyte.gz');
    const bytes = await readFile(images);
    await writeFile(images, bytes.subarray(0, bytes.length >> 1));
    const outParent = join(root, 'compare-out');
    await mkdir(outParent);
    const before = listFiles(outParent);
    const run = await vision(['compare', '--data-dir', data, '--recipes', 'ce', '--seeds', '1', '--epochs', '1', '--jobs', '1', '--out', join(outParent, 'cmp')]);
    expect(cleanFailureProblems(run, { mentions: ['train-images-idx3-ubyte.gz', 'gzip data is corrupt or truncated'] })).toEqual([]);
    expect(filesAdded(outParent, before)).toEqual([]);
    expect(existsSync(join(outParent, 'cmp'))).toBe(false);
  });

  it('export of an unfinished run names model.json and says to resume; no ONNX file is left', async () => {
    const run = join(root, 'unfinished', 'runs', 'ce', 'seed-0');
    await cp(saved.run, run, { recursive: true });
    await rm(join(run, 'model.json'));
    await mkdir(join(run, 'stage-0'));
    const outDir = join(root, 'export-out');
    await mkdir(outDir);
    const before = listFiles(outDir);
    const result = await vision(['export', '--run', run, '--out', join(outDir, 'model.onnx')]);
    expect(cleanFailureProblems(result, { mentions: [join(run, 'model.json'), 'did not finish', 'run the same compare command again'] })).toEqual([]);
    expect(filesAdded(outDir, before)).toEqual([]);
  });
});
