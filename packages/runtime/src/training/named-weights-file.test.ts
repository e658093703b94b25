import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DataFileError } from '../errors.js';
import type { NamedVariable } from './model.js';
import { readNamedWeights, writeNamedWeights } from './named-weights-file.js';
import { useBackend } from './test-support/backends.js';

let root: string;
let counter = 0;
const freshDir = () => join(root, `w-${(counter += 1)}`);

beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'cw-named-weights-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Variables with awkward float32 values (subnormal, −0, extremes) so a lossy round trip would show. */
function makeVariables(): NamedVariable[] {
  const kernel = new Float32Array([1 / 3, -0, 1e-45, 3.4028234663852886e38, -2.5, Math.PI]);
  return [
    { name: 'trunk/dense0/kernel', variable: tf.variable(tf.tensor2d(kernel, [2, 3])) },
    { name: 'trunk/dense0/bias', variable: tf.variable(tf.tensor1d([0.1, -0.2, 0.3])) },
    { name: 'head/scale', variable: tf.variable(tf.scalar(7.25)) },
  ];
}

function bitsOf(tensor: tf.Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(tensor.dataSync()).buffer));
}

describe('named weight files', () => {
  it('round-trips variables bit-exactly by name and returns the manifest of the file, without leaking tensors', async () => {
    const variables = makeVariables();
    const dir = freshDir();
    const before = tf.memory().numTensors;
    const manifest = await writeNamedWeights(dir, 'weights.bin', variables);
    expect(manifest).toEqual([
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'trunk/dense0/kernel', shape: [2, 3], dtype: 'float32' },
          { name: 'trunk/dense0/bias', shape: [3], dtype: 'float32' },
          { name: 'head/scale', shape: [], dtype: 'float32' },
        ],
      },
    ]);
    expect((await readFile(join(dir, 'weights.bin'))).length).toBe((6 + 3 + 1) * 4);
    expect(await readdir(dir)).toEqual(['weights.bin']);
    expect(tf.memory().numTensors).toBe(before);

    const loaded = await readNamedWeights(join(dir, 'weights.bin'), manifest, { source: 'model.json' });
    expect(Object.keys(loaded).sort()).toEqual(variables.map((v) => v.name).sort());
    for (const { name, variable } of variables) {
      const value = loaded[name] as tf.Tensor;
      expect(value.shape).toEqual(variable.shape);
      expect(bitsOf(value)).toEqual(bitsOf(variable));
    }
    tf.dispose(Object.values(loaded));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(variables.map((v) => v.variable));
  });

  it('rejects a truncated or a missing file with a DataFileError naming it and the manifest source', async () => {
    const variables = makeVariables();
    const dir = freshDir();
    const manifest = await writeNamedWeights(dir, 'w.bin', variables);
    tf.dispose(variables.map((v) => v.variable));
    const path = join(dir, 'w.bin');
    await truncate(path, 12);
    const before = tf.memory().numTensors;
    const error = await readNamedWeights(path, manifest, { source: 'forecaster.json' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as DataFileError).file).toBe(path);
    expect(String(error)).toContain(`${path}: has 12 bytes, forecaster.json describes 40`);
    expect(tf.memory().numTensors).toBe(before);

    await rm(path);
    const missing = await readNamedWeights(path, manifest).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DataFileError);
    expect(String(missing)).toContain(`${path}: is missing or unreadable`);
  });

  it('leaves the previous file and no temporary file behind when a write fails', async () => {
    const dir = freshDir();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'keep.bin'), 'old');
    // The target name is taken by a directory, so the final rename fails after the bytes were written.
    await mkdir(join(dir, 'taken.bin'));
    const variables = makeVariables();
    const error = await writeNamedWeights(dir, 'taken.bin', variables).catch((e: unknown) => e);
    tf.dispose(variables.map((v) => v.variable));
    expect(error).toBeInstanceOf(DataFileError);
    expect(String(error)).toContain(`${join(dir, 'taken.bin')}: cannot be written`);
    expect((await readdir(dir)).sort()).toEqual(['keep.bin', 'taken.bin']);
    expect(await readdir(join(dir, 'taken.bin'))).toEqual([]);
    expect(await readFile(join(dir, 'keep.bin'), 'utf8')).toBe('old');
  });
});
