import * as tf from '@tensorflow/tfjs-core';
import { Dictionary, Float32, Float64, Int32, Int64, Table, Utf8, Bool, vectorFromArray } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { createDataset, disposeBatch, fromArrowTable, InMemoryDataset } from './dataset.js';
import { useBackend } from './test-support/backends.js';

beforeAll(() => useBackend('cpu'));

function rows(n: number, width: number): Float32Array {
  return Float32Array.from({ length: n * width }, (_, i) => i);
}

describe('createDataset validation', () => {
  it('names the array whose row count disagrees', () => {
    const call = () =>
      createDataset({
        inputs: { ids: { values: new Int32Array(10), shape: [2] }, dense: { values: rows(4, 3), shape: [3] } },
        targets: { values: new Float32Array(5), shape: [1] },
      });
    expect(call).toThrow(TrainingError);
    expect(call).toThrow('inputs.dense: has 4 rows but targets has 5');
  });

  it('names a length that is not a multiple of the row size', () => {
    expect(() =>
      createDataset({ inputs: { values: rows(3, 1), shape: [2] }, targets: { values: new Float32Array(1), shape: [1] } }),
    ).toThrow(/inputs: has 3 values, not a multiple of the row size 2/);
  });

  it('rejects weights of the wrong length, negative, NaN or infinite, naming the index', () => {
    const base = { inputs: { values: rows(3, 1), shape: [1] }, targets: { values: new Float32Array(3), shape: [1] } };
    expect(() => createDataset({ ...base, weights: new Float32Array(2) })).toThrow('weights: has 2 rows but targets has 3');
    expect(() => createDataset({ ...base, weights: Float32Array.from([1, -0.5, 1]) })).toThrow(
      'weights[1]: must be finite and >= 0, got -0.5',
    );
    expect(() => createDataset({ ...base, weights: Float32Array.from([1, 1, Number.NaN]) })).toThrow('weights[2]');
    expect(() => createDataset({ ...base, weights: Float32Array.from([Infinity, 1, 1]) })).toThrow('weights[0]');
  });

  it('rejects bad shapes and empty data', () => {
    expect(() =>
      createDataset({ inputs: { values: rows(2, 1), shape: [0] }, targets: { values: new Float32Array(2), shape: [1] } }),
    ).toThrow('inputs.shape');
    expect(() =>
      createDataset({ inputs: { values: new Float32Array(0), shape: [1] }, targets: { values: new Float32Array(0), shape: [1] } }),
    ).toThrow('no rows');
  });
});

describe('InMemoryDataset batching', () => {
  const n = 10;
  const data = createDataset({
    inputs: { ids: { values: Int32Array.from({ length: n * 2 }, (_, i) => i), shape: [2] }, dense: { values: rows(n, 3), shape: [3] } },
    targets: { values: Float32Array.from({ length: n }, (_, i) => i), shape: [1] },
    weights: Float32Array.from({ length: n }, (_, i) => i / 10),
  });

  it('gathers rows of every array into correctly shaped and typed tensors', () => {
    const before = tf.memory().numTensors;
    const batch = data.gather(Int32Array.from([3, 0]));
    const inputs = batch.inputs as Record<string, tf.Tensor>;
    expect(inputs['ids']?.dtype).toBe('int32');
    expect(inputs['ids']?.shape).toEqual([2, 2]);
    expect(Array.from(inputs['ids']?.dataSync() ?? [])).toEqual([6, 7, 0, 1]);
    expect(Array.from(inputs['dense']?.dataSync() ?? [])).toEqual([9, 10, 11, 0, 1, 2]);
    expect(batch.targets.shape).toEqual([2, 1]);
    expect(Array.from(batch.weights?.dataSync() ?? [])).toEqual([expect.closeTo(0.3, 6), 0]);
    disposeBatch(batch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps or drops the last partial batch', () => {
    expect(data.batchCount(4)).toBe(3);
    expect(data.batchCount(4, true)).toBe(2);
    const sizes = [...data.batches({ batchSize: 4 })].map((b) => {
      disposeBatch(b);
      return b.size;
    });
    expect(sizes).toEqual([4, 4, 2]);
    const dropped = [...data.batches({ batchSize: 4, dropRemainder: true })].map((b) => {
      disposeBatch(b);
      return b.size;
    });
    expect(dropped).toEqual([4, 4]);
    expect(() => data.batchCount(11, true)).toThrow('batchSize');
  });

  it('shuffles as a pure function of (seed, epoch), covering every row once', () => {
    const a = data.epochOrder(7, 3);
    expect(Array.from(data.epochOrder(7, 3))).toEqual(Array.from(a));
    expect(Array.from(data.epochOrder(7, 4))).not.toEqual(Array.from(a));
    expect(Array.from(data.epochOrder(8, 3))).not.toEqual(Array.from(a));
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
    expect(Array.from(data.epochOrder(undefined, 5))).toEqual([...Array(n).keys()]);
    const all = [...data.batches({ batchSize: 3, seed: 7, epoch: 3 })].flatMap((b) => {
      disposeBatch(b);
      return Array.from(b.indices);
    });
    expect(all).toEqual(Array.from(a));
    const resumed = [...data.batches({ batchSize: 3, seed: 7, epoch: 3, startBatch: 2 })].flatMap((b) => {
      disposeBatch(b);
      return Array.from(b.indices);
    });
    expect(resumed).toEqual(Array.from(a).slice(6));
  });

  it('subset copies rows (with weights) in the given order', () => {
    const s = data.subset([9, 2]);
    expect(s.size).toBe(2);
    expect(Array.from(s.targets.values)).toEqual([9, 2]);
    expect(Array.from(s.weights ?? [])).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.2, 6)]);
    expect(() => data.subset([10])).toThrow('row 10');
  });
});

describe('fromArrowTable', () => {
  const table = new Table({
    age: vectorFromArray([30, 41, 25], new Int32()),
    rate: vectorFromArray([1.5, -0.5, 2], new Float64()),
    score: vectorFromArray([0.25, 0.5, 0.75], new Float32()),
    big: vectorFromArray([1n, 2n, 3n], new Int64()),
    flag: vectorFromArray([true, false, true], new Bool()),
    job: vectorFromArray(['admin', 'cook', 'admin'], new Dictionary(new Utf8(), new Int32())),
    y: vectorFromArray(['no', 'yes', 'yes'], new Utf8()),
    w: vectorFromArray([1, 2, 0.5], new Float32()),
  });

  it('gathers columns row-major, int32 for integer-like inputs and float32 otherwise', () => {
    const data = fromArrowTable(table, {
      inputs: { ids: ['job', 'age', 'flag'], dense: ['age', 'rate', 'score', 'big'] },
      target: { column: 'y', equals: 'yes' },
      weight: 'w',
    });
    expect(data).toBeInstanceOf(InMemoryDataset);
    const inputs = data.inputs as Record<string, { values: Float32Array | Int32Array; shape: readonly number[] }>;
    expect(inputs['ids']?.values).toBeInstanceOf(Int32Array);
    expect(Array.from(inputs['ids']?.values ?? [])).toEqual([0, 30, 1, 1, 41, 0, 0, 25, 1]);
    expect(inputs['dense']?.values).toBeInstanceOf(Float32Array);
    expect(inputs['dense']?.shape).toEqual([4]);
    expect(Array.from(inputs['dense']?.values ?? [])).toEqual([30, 1.5, 0.25, 1, 41, -0.5, 0.5, 2, 25, 2, 0.75, 3]);
    expect(Array.from(data.targets.values)).toEqual([0, 1, 1]);
    expect(Array.from(data.weights ?? [])).toEqual([1, 2, 0.5]);
  });

  it('accepts a plain column list for a single input and several target columns', () => {
    const data = fromArrowTable(table, { inputs: ['rate'], target: ['age', 'score'] });
    expect(data.inputNames).toBeUndefined();
    expect(data.targets.shape).toEqual([2]);
    expect(Array.from(data.targets.values)).toEqual([30, 0.25, 41, 0.5, 25, 0.75]);
  });

  it('names the column and row of a null, and a missing or non-numeric column', () => {
    const withNull = new Table({
      a: vectorFromArray([1, 2, null, 4], new Float64()),
      y: vectorFromArray([0, 1, 0, 1], new Float32()),
    });
    expect(() => fromArrowTable(withNull, { inputs: ['a'], target: 'y' })).toThrow(
      'column "a" is null at row 2 (0-based)',
    );
    expect(() => fromArrowTable(table, { inputs: ['nope'], target: 'y' })).toThrow(/column "nope" is not in the table/);
    expect(() => fromArrowTable(table, { inputs: { x: ['y'] }, target: 'age' })).toThrow(/inputs.x: column "y" has type Utf8/);
  });
});
