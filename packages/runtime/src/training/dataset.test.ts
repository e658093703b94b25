import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { createDataset, disposeBatch } from './dataset.js';
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

  it('names an extra column whose row count disagrees or that is not an array', () => {
    const base = { inputs: { values: rows(3, 1), shape: [1] }, targets: { values: new Float32Array(3), shape: [1] } };
    expect(() => createDataset({ ...base, extras: { mask: { values: new Float32Array(4), shape: [] } } })).toThrow(
      'extras.mask: has 4 rows but targets has 3',
    );
    expect(() => createDataset({ ...base, extras: { bids: { values: new Float32Array(5), shape: [2] } } })).toThrow(
      'extras.bids: has 5 values, not a multiple of the row size 2',
    );
    expect(() => createDataset({ ...base, extras: { teacher: [1, 2, 3] as unknown as { values: Float32Array; shape: number[] } } })).toThrow(
      'extras.teacher: must be { values',
    );
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
    extras: {
      bids: { values: Float32Array.from({ length: n * 2 }, (_, i) => 100 + i), shape: [2] },
      level: { values: Int32Array.from({ length: n }, (_, i) => n - i), shape: [] },
    },
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
    expect(Object.keys(batch.extras)).toEqual(['bids', 'level']);
    expect(batch.extras['bids']?.shape).toEqual([2, 2]);
    expect(Array.from(batch.extras['bids']?.dataSync() ?? [])).toEqual([106, 107, 100, 101]);
    expect(batch.extras['level']?.dtype).toBe('int32');
    expect(batch.extras['level']?.shape).toEqual([2]);
    expect(Array.from(batch.extras['level']?.dataSync() ?? [])).toEqual([7, 10]);
    disposeBatch(batch);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('carries the extra columns with the rows through shuffles, subsets and new weights', () => {
    expect(data.extraNames).toEqual(['bids', 'level']);
    for (const batch of data.batches({ batchSize: 4, seed: 3, epoch: 1 })) {
      const rows = Array.from(batch.indices);
      expect(Array.from(batch.targets.dataSync())).toEqual(rows);
      expect(Array.from(batch.extras['level']?.dataSync() ?? [])).toEqual(rows.map((r) => n - r));
      expect(Array.from(batch.extras['bids']?.dataSync() ?? [])).toEqual(rows.flatMap((r) => [100 + 2 * r, 101 + 2 * r]));
      disposeBatch(batch);
    }
    const s = data.subset([9, 2]);
    expect(Array.from(s.extras['bids']?.values ?? [])).toEqual([118, 119, 104, 105]);
    expect(Array.from(s.extras['level']?.values ?? [])).toEqual([1, 8]);
    expect(data.withWeights(undefined).extraNames).toEqual(['bids', 'level']);
    const added = data.withExtraColumns({ mask: { values: new Float32Array(n).fill(1), shape: [] } });
    expect(added.extraNames).toEqual(['bids', 'level', 'mask']);
    expect(added.weights).toBe(data.weights);
  });

  it('gives whole-set tensors of targets, weights and extras', () => {
    const before = tf.memory().numTensors;
    const columns = data.columnTensors();
    expect(columns.targets.shape).toEqual([n, 1]);
    expect(columns.weights?.shape).toEqual([n]);
    expect(columns.extras['bids']?.shape).toEqual([n, 2]);
    expect(Array.from(columns.extras['level']?.dataSync() ?? [])).toEqual(Array.from({ length: n }, (_, i) => n - i));
    tf.dispose([columns.targets, ...(columns.weights === undefined ? [] : [columns.weights]), ...Object.values(columns.extras)]);
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

