import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { simplexEtf } from './simplex-etf.js';
import { useBackend } from './test-support/backend.js';

function columns(m: tf.Tensor2D): number[][] {
  const [d, c] = m.shape;
  const v = m.dataSync();
  return Array.from({ length: c }, (_, j) => Array.from({ length: d }, (_, i) => v[i * c + j] as number));
}
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('simplexEtf', () => {
  it.each([
    [16, 10],
    [5, 5],
    [64, 2],
  ])('d = %i, C = %i: unit columns with pairwise inner products −1/(C − 1), summing to zero', async (d, c) => {
    await useBackend('cpu');
    const m = simplexEtf(d, c, { seed: 3 });
    expect(m.shape).toEqual([d, c]);
    expect(m.dtype).toBe('float32');
    const cols = columns(m);
    for (let a = 0; a < c; a += 1) {
      expect(Math.sqrt(dot(cols[a] as number[], cols[a] as number[]))).toBeCloseTo(1, 6);
      for (let b = a + 1; b < c; b += 1) expect(dot(cols[a] as number[], cols[b] as number[])).toBeCloseTo(-1 / (c - 1), 6);
    }
    for (let i = 0; i < d; i += 1) expect(Math.abs(cols.reduce((s, col) => s + (col[i] as number), 0))).toBeLessThan(1e-6);
    m.dispose();
  });

  it('is a pure function of the seed, and the basis is random (not the coordinate axes)', async () => {
    await useBackend('cpu');
    const [a, b, c] = [simplexEtf(8, 4, { seed: 7 }), simplexEtf(8, 4, { seed: 7 }), simplexEtf(8, 4, { seed: 8 })];
    expect(a.dataSync()).toEqual(b.dataSync());
    expect(a.dataSync()).not.toEqual(c.dataSync());
    // rows 4..7 are zero if U were the first coordinate axes
    expect(Math.max(...Array.from(a.dataSync().slice(16)).map(Math.abs))).toBeGreaterThan(0.05);
    tf.dispose([a, b, c]);
  });

  it('rejects impossible sizes and seeds', () => {
    expect(() => simplexEtf(4, 1)).toThrow(LossArgumentError);
    expect(() => simplexEtf(4, 1)).toThrow("simplexEtf: argument 'numClasses' must be an integer >= 2, got 1");
    expect(() => simplexEtf(3, 4)).toThrow("argument 'numFeatures' must be an integer >= numClasses (4)");
    expect(() => simplexEtf(4, 3, { seed: -1 })).toThrow("argument 'options.seed'");
  });
});
