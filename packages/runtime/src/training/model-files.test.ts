import { mkdir, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { DataFileError } from '../errors.js';
import type { NamedVariable } from './model.js';
import { assignNamedWeights, loadModelWeights, modelFromNamedWeights, readModelDescription, writeModelFiles, type ModelFiles } from './model-files.js';
import { useBackend } from './test-support/backends.js';
import { useTempDirs } from './test-support/temp-dirs.js';

const FILES: ModelFiles = { description: 'toy.json', weights: 'toy-weights.bin', format: 'counterweight-toy', kind: 'saved toy', missingHint: 'is this a toy folder?' };

const freshDir = useTempDirs('cw-model-files-', 'm');

beforeAll(() => useBackend('cpu'));

/** A toy model: a [2, 3] kernel and a [3] bias filled from `seed`. */
function toyModel(seed: number, width = 3): { variables: NamedVariable[]; dispose: () => void; disposed: () => boolean } {
  const variables: NamedVariable[] = [
    { name: 'dense/kernel', variable: tf.tidy(() => tf.variable(tf.fill([2, width], seed / 3))) },
    { name: 'dense/bias', variable: tf.tidy(() => tf.variable(tf.fill([width], -seed))) },
  ];
  let disposed = false;
  return {
    variables,
    dispose: () => {
      tf.dispose(variables.map((v) => v.variable));
      disposed = true;
    },
    disposed: () => disposed,
  };
}

const valuesOf = (model: { variables: readonly NamedVariable[] }): number[][] => model.variables.map((v) => Array.from(v.variable.dataSync()));

describe('writeModelFiles and readModelDescription', () => {
  it('write the weights and a description with format, version, the fields and the manifest, in that order, and read it back', async () => {
    const dir = freshDir();
    const model = toyModel(1);
    const written = await writeModelFiles(dir, FILES, { config: { width: 3 }, seed: 7 }, model.variables);
    model.dispose();
    expect((await readdir(dir)).sort()).toEqual(['toy-weights.bin', 'toy.json']);
    const text = await readFile(join(dir, 'toy.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['format', 'version', 'config', 'seed', 'weights']);
    const read = await readModelDescription(dir, FILES, ['config']);
    expect(read).toEqual(written);
    expect(read).toMatchObject({ format: 'counterweight-toy', version: 1, config: { width: 3 }, seed: 7 });
    expect(read.weights[0]?.weights.map((w) => w.name)).toEqual(['dense/kernel', 'dense/bias']);
  });

  it('names the description that is missing, unreadable, not JSON, of another format, or lacking a field', async () => {
    const dir = freshDir();
    const path = join(dir, FILES.description);
    await expect(readModelDescription(dir, FILES)).rejects.toThrow(`${path}: does not exist (is this a toy folder?)`);
    await mkdir(path, { recursive: true });
    await expect(readModelDescription(dir, FILES)).rejects.toThrow(`${path}: cannot be read (EISDIR)`);
    await rm(path, { recursive: true });
    await writeFile(path, '{ not json');
    const notJson = await readModelDescription(dir, FILES).catch((e: unknown) => e);
    expect(notJson).toBeInstanceOf(DataFileError);
    expect(String(notJson)).toContain(`${path}: not valid JSON at line 1, column 3: expected a key in double quotes, found "n"`);
    await writeFile(path, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x22, 0x7d]));
    await expect(readModelDescription(dir, FILES)).rejects.toThrow(`${path}: invalid UTF-8 at line 1, column 3, byte offset 2 (byte 0xff); expected the JSON description of a saved toy as UTF-8 text`);
    await writeFile(path, '');
    await expect(readModelDescription(dir, FILES)).rejects.toThrow(`${path}: is empty (0 bytes); expected the JSON description of a saved toy`);
    await writeFile(path, JSON.stringify({ format: 'other', version: 1, weights: [] }));
    await expect(readModelDescription(dir, FILES)).rejects.toThrow(`${path}: is not a saved toy (format other, version 1)`);
    await writeFile(path, JSON.stringify({ format: 'counterweight-toy', version: 2, weights: [] }));
    await expect(readModelDescription(dir, FILES)).rejects.toThrow('is not a saved toy (format counterweight-toy, version 2)');
    await writeFile(path, 'null');
    await expect(readModelDescription(dir, FILES)).rejects.toThrow('is not a saved toy (format undefined, version undefined)');
    await writeFile(path, JSON.stringify({ format: 'counterweight-toy', version: 1, config: null }));
    await expect(readModelDescription(dir, FILES, ['config', 'shape'])).rejects.toThrow(`${path}: lacks config, shape, the weights manifest`);
  });

  it('names the description when it cannot be written', async () => {
    const dir = freshDir();
    await mkdir(join(dir, FILES.description), { recursive: true });
    await writeFile(join(dir, FILES.description, 'keep'), '');
    const model = toyModel(1);
    try {
      await expect(writeModelFiles(dir, FILES, {}, model.variables)).rejects.toThrow(`${join(dir, FILES.description)}: cannot be written (`);
    } finally {
      model.dispose();
    }
  });
});

describe('assignNamedWeights', () => {
  it('assigns every variable by name (casting int32), or names the foreign, missing or misshapen one and assigns nothing', () => {
    const target = toyModel(0);
    const before = tf.memory().numTensors; // the weights below are made and disposed by the test: nothing else may stay
    const weights: tf.NamedTensorMap = { 'dense/kernel': tf.fill([2, 3], 2), 'dense/bias': tf.tensor1d([1, 2, 3], 'int32') };
    const { 'dense/bias': _bias, ...missing } = weights;
    const extra = tf.scalar(1);
    expect(() => assignNamedWeights(target.variables, { ...weights, extra }, 'w.bin', 'this toy')).toThrow(
      'w.bin: holds variables this toy does not have: extra',
    );
    expect(() => assignNamedWeights(target.variables, missing, 'w.bin')).toThrow('w.bin: lacks variable dense/bias [3]');
    const wide = { ...weights, 'dense/kernel': tf.fill([2, 4], 2) };
    expect(() => assignNamedWeights(target.variables, wide, 'w.bin')).toThrow('w.bin: variable dense/kernel has shape [2, 4], the model needs [2, 3]');
    expect(valuesOf(target)).toEqual([[0, 0, 0, 0, 0, 0], [-0, -0, -0]]);
    assignNamedWeights(target.variables, weights, 'w.bin');
    expect(valuesOf(target)).toEqual([[2, 2, 2, 2, 2, 2], [1, 2, 3]]);
    expect(target.variables[1]?.variable.dtype).toBe('float32');
    tf.dispose([...Object.values(weights), wide['dense/kernel'], extra]);
    expect(tf.memory().numTensors).toBe(before);
    target.dispose();
  });
});

describe('loadModelWeights with modelFromNamedWeights', () => {
  it('rebuilds a saved model bit for bit and disposes the weight tensors', async () => {
    const dir = freshDir();
    const saved = toyModel(5);
    await writeModelFiles(dir, FILES, {}, saved.variables);
    const description = await readModelDescription(dir, FILES);
    const before = tf.memory().numTensors;
    const loaded = await loadModelWeights(dir, FILES, description, (weights, source) => modelFromNamedWeights(() => toyModel(0), weights, source));
    expect(valuesOf(loaded)).toEqual(valuesOf(saved));
    expect(tf.memory().numTensors).toBe(before + 2);
    loaded.dispose();
    saved.dispose();
  });

  it('disposes the model it built when the weights do not fit, and the tensors always; names the weights file', async () => {
    const dir = freshDir();
    const saved = toyModel(5);
    await writeModelFiles(dir, FILES, {}, saved.variables);
    saved.dispose();
    const description = await readModelDescription(dir, FILES);
    const before = tf.memory().numTensors;
    let built: ReturnType<typeof toyModel> | undefined;
    const build = () => (built = toyModel(0, 4));
    await expect(loadModelWeights(dir, FILES, description, (w, source) => modelFromNamedWeights(build, w, source, 'this toy'))).rejects.toThrow(
      `${join(dir, FILES.weights)}: variable dense/kernel has shape [2, 3], this toy needs [2, 4]`,
    );
    expect(built?.disposed()).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    await truncate(join(dir, FILES.weights), 8);
    await expect(loadModelWeights(dir, FILES, description, () => undefined)).rejects.toThrow(`${join(dir, FILES.weights)}: has 8 bytes, toy.json describes 36`);
    expect(tf.memory().numTensors).toBe(before);
  });
});
