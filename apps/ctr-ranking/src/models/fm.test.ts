import { SeededRandom, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { fmInteractions } from './fm.js';

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

describe('fmInteractions', () => {
  it('equals the brute-force Σ_{i<j} ⟨v_i, v_j⟩ x_i x_j over categorical and value-scaled dense fields', () => {
    const random = SeededRandom.fromSeed(1);
    const [n, d, fields, rows, k] = [5, 3, 2, 9, 4];
    const x = random.normalArray(n * d);
    const ids = Int32Array.from({ length: n * fields }, () => random.int(0, rows - 1));
    const v = random.normalArray(rows * k);
    const u = random.normalArray(d * k);
    const expected: number[] = [];
    for (let r = 0; r < n; r += 1) {
      // The r-th row's (vector, value) pairs: categorical fields with x = 1, dense features with their value.
      const items: Array<[number[], number]> = [
        ...Array.from({ length: fields }, (_, f): [number[], number] => {
          const row = ids[r * fields + f] as number;
          return [Array.from(v.subarray(row * k, row * k + k)), 1];
        }),
        ...Array.from({ length: d }, (_, j): [number[], number] => [Array.from(u.subarray(j * k, j * k + k)), x[r * d + j] as number]),
      ];
      let total = 0;
      for (let i = 0; i < items.length; i += 1) {
        for (let j = i + 1; j < items.length; j += 1) {
          const [vi, xi] = items[i] as [number[], number];
          const [vj, xj] = items[j] as [number[], number];
          total += vi.reduce((s, a, c) => s + a * (vj[c] as number), 0) * xi * xj;
        }
      }
      expected.push(total);
    }
    const tensors = { numeric: tf.tensor2d(x, [n, d]), rows: tf.tensor2d(ids, [n, fields], 'int32') };
    const factors = { categorical: tf.tensor2d(v, [rows, k]), numeric: tf.tensor2d(u, [d, k]) };
    const out = fmInteractions({ count: n, ...tensors }, factors);
    expect(out.shape).toEqual([n]);
    Array.from(out.dataSync()).forEach((value, r) => expect(value).toBeCloseTo(expected[r] as number, 4));
    tf.dispose([out, tensors.numeric, tensors.rows, factors.categorical, factors.numeric]);
  });
});
