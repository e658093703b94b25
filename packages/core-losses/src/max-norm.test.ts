import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { applyMaxNorm, classNorms, maxNormProjection, maxNormThreshold } from './max-norm.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { expectNoLeak } from './test-support/leak-check.js';
import { makeRandom, uniformArray } from './test-support/random-inputs.js';

// A [features = 3, classes = 5] tfjs dense kernel whose class columns have very different norms (head classes large).
const F = 3;
const C = 5;
const random = makeRandom(8);
const COLUMN_SCALES = [4, 2, 1, 0.5, 0.25];
const KERNEL = Float32Array.from(uniformArray(random, F * C, -1, 1), (v, i) => v * (COLUMN_SCALES[i % C] as number));
const column = (values: ArrayLike<number>, j: number) => Array.from({ length: F }, (_, i) => values[i * C + j] as number);
const l2 = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const NORMS = Array.from({ length: C }, (_, j) => l2(column(KERNEL, j)));
const THRESHOLD = Math.min(...NORMS) + 0.1 * (Math.max(...NORMS) - Math.min(...NORMS));

describe.each(TEST_BACKENDS)('MaxNorm on %s', (backend) => {
  it('computes per-class (column) norms and the min + 0.1·(max − min) threshold', async () => {
    await useBackend(backend);
    const norms = tf.tidy(() => classNorms(tf.tensor2d(KERNEL, [F, C])).dataSync());
    Array.from(norms).forEach((n, j) => expect(n).toBeCloseTo(NORMS[j] as number, 5));
    expect(maxNormThreshold(tf.tensor2d(KERNEL, [F, C]))).toBeCloseTo(THRESHOLD, 6);
    expect(maxNormThreshold(tf.tensor2d(KERNEL, [F, C]), { thresh: 0.5 })).toBeCloseTo(
      Math.min(...NORMS) + 0.5 * (Math.max(...NORMS) - Math.min(...NORMS)),
      6,
    );
  });

  it('caps class norms at the threshold, keeps directions, and leaves classes below it bitwise unchanged', async () => {
    await useBackend(backend);
    const projected = tf.tidy(() => maxNormProjection(tf.tensor2d(KERNEL, [F, C]), THRESHOLD).dataSync());
    const capped = NORMS.map((n) => n > THRESHOLD);
    expect(capped.filter(Boolean).length).toBeGreaterThanOrEqual(2);
    expect(capped.some((c) => !c)).toBe(true);
    for (let j = 0; j < C; j += 1) {
      const after = column(projected, j);
      if (capped[j] === true) {
        expect(Math.abs(l2(after) - THRESHOLD) / THRESHOLD).toBeLessThan(1e-6);
        const ratio = THRESHOLD / (NORMS[j] as number);
        after.forEach((v, i) => expect(v).toBeCloseTo((column(KERNEL, j)[i] as number) * ratio, 6));
      } else {
        expect(after).toEqual(column(KERNEL, j)); // same float32 values, not merely close
      }
    }
  });

  it('projects a [classes, features] matrix with classAxis 0, and a variable in place without leaks', async () => {
    await useBackend(backend);
    const transposed = tf.tidy(() => tf.transpose(tf.tensor2d(KERNEL, [F, C])));
    const a = tf.tidy(() => tf.transpose(maxNormProjection(transposed, THRESHOLD, { classAxis: 0 })).dataSync());
    const b = tf.tidy(() => maxNormProjection(tf.tensor2d(KERNEL, [F, C]), THRESHOLD).dataSync());
    expect(a).toEqual(b);
    transposed.dispose();

    const variable = tf.variable(tf.tensor2d(KERNEL, [F, C]), true);
    expectNoLeak(() => applyMaxNorm(variable, THRESHOLD));
    expect(variable.dataSync()).toEqual(b);
    const norms = tf.tidy(() => classNorms(variable).dataSync());
    Array.from(norms).forEach((n) => expect(n).toBeLessThanOrEqual(THRESHOLD * (1 + 1e-6)));
    variable.dispose();
  });

  it('norms each output channel of a conv kernel [h, w, in, out] over h, w, in', async () => {
    await useBackend(backend);
    const values = Float32Array.from(uniformArray(random, 2 * 2 * 3 * 4, -1, 1));
    const norms = tf.tidy(() => classNorms(tf.tensor4d(values, [2, 2, 3, 4])).dataSync());
    for (let o = 0; o < 4; o += 1) {
      const channel = Array.from(values).filter((_, i) => i % 4 === o);
      expect(norms[o]).toBeCloseTo(l2(channel), 5);
    }
  });
});

describe('MaxNorm arguments', () => {
  it('rejects rank-1 kernels, bad axes and thresholds', async () => {
    await useBackend('cpu');
    expect(() => maxNormProjection([1, 2, 3], 1)).toThrow(LossArgumentError);
    expect(() => maxNormProjection([1, 2, 3], 1)).toThrow("maxNormProjection: argument 'kernel' must have rank >= 2");
    expect(() => maxNormProjection([[1, 2]], -1)).toThrow("argument 'threshold' must be a finite number >= 0, got -1");
    expect(() => maxNormThreshold([[1, 2]], { classAxis: 2 })).toThrow("argument 'options.classAxis' must be an integer in [-2, 1], got 2");
    expect(() => maxNormThreshold([[1, 2]], { thresh: -0.1 })).toThrow("argument 'options.thresh'");
  });
});
