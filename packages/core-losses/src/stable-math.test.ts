import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { focusingPow, log1p, logSoftmax, sigmoid, softplus, stopGradient } from './stable-math.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { maxRelativeError } from './test-support/random-inputs.js';

const XS = [-100, -50, -30, -14, -10, -5, -3, -1, -1e-3, 0, 1e-3, 1, 3, 5, 10, 30, 50, 100];
const exact = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid64 = (x: number): number => 1 / (1 + Math.exp(-x));

describe.each(TEST_BACKENDS)('softplus on %s', (backend) => {
  it('matches log(1 + e^x) in float64 to float32 precision everywhere, including tiny values', async () => {
    await useBackend(backend);
    const actual = tf.tidy(() => softplus(tf.tensor1d(XS)).dataSync());
    expect(maxRelativeError(actual, XS.map(exact))).toBeLessThan(2e-6);
  });

  it('has gradient sigmoid(x) everywhere, including 1/2 at exactly 0', async () => {
    await useBackend(backend);
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(softplus(x)))(tf.tensor1d(XS)).dataSync());
    expect(grad[XS.indexOf(0)]).toBe(0.5);
    expect(maxRelativeError(grad, XS.map(sigmoid64))).toBeLessThan(2e-6);
  });

  it('stays accurate where 1 + e^x rounds in float32 (x in [-10, -6])', async () => {
    await useBackend(backend);
    const x = [-10, -8, -6];
    const ours = tf.tidy(() => softplus(tf.tensor1d(x)).dataSync());
    expect(maxRelativeError(ours, x.map(exact))).toBeLessThan(1e-6);
  });
});

describe.each(TEST_BACKENDS)('stable primitives on %s', (backend) => {
  it('log1p is accurate for tiny arguments (wasm log1p is not) and has gradient 1/(1 + z)', async () => {
    await useBackend(backend);
    const z = [1e-9, 1e-5, 4.5e-5, 0.3, -0.5, 10];
    const [value, grad] = tf.tidy(() => [
      log1p(tf.tensor1d(z)).dataSync(),
      tf.grad((v: tf.Tensor) => tf.sum(log1p(v)))(tf.tensor1d(z)).dataSync(),
    ]);
    expect(maxRelativeError(value ?? [], z.map(Math.log1p))).toBeLessThan(2e-7);
    expect(maxRelativeError(grad ?? [], z.map((v) => 1 / (1 + v)))).toBeLessThan(2e-7);
  });

  it('sigmoid keeps a non-zero gradient where tfjs sigmoid rounds to 1', async () => {
    await useBackend(backend);
    const x = [0, 20, 40, -40];
    const grad = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(sigmoid(v)))(tf.tensor1d(x)).dataSync());
    const exact = x.map((v) => 1 / (1 + Math.exp(-v)) / (1 + Math.exp(v)));
    expect(maxRelativeError(grad, exact)).toBeLessThan(1e-6);
    expect(grad[1]).toBeGreaterThan(0);
  });

  it('stopGradient passes values and blocks gradients', async () => {
    await useBackend(backend);
    const [value, grad] = tf.tidy(() => {
      const x = tf.tensor1d([1, 2, 3]);
      return [stopGradient(x).dataSync(), tf.grad((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), v)))(x).dataSync()];
    });
    expect(Array.from(value ?? [])).toEqual([1, 2, 3]);
    expect(Array.from(grad ?? [])).toEqual([1, 2, 3]); // d/dv (c·v) with c = v held constant
  });

  it('focusingPow follows PyTorch at 0: 0^0 = 1 and finite gradients', async () => {
    await useBackend(backend);
    const base = [0, 0, 0.5, 0];
    const [value, grad] = tf.tidy(() => [
      focusingPow(tf.tensor1d(base), tf.tensor1d([0, 2, 2, 0.5])).dataSync(),
      tf.grad((v: tf.Tensor) => tf.sum(focusingPow(v, tf.tensor1d([0, 2, 2, 0.5]))))(tf.tensor1d(base)).dataSync(),
    ]);
    expect(Array.from(value ?? [])).toEqual([1, 0, 0.25, 0]);
    expect(Array.from(grad ?? [])).toEqual([0, 0, 1, 0]);
  });

  it('logSoftmax keeps the log-probability of a confident row and matches tfjs elsewhere, gradients too', async () => {
    await useBackend(backend);
    const rows = [50, 0, 0, 1, 2, 3, -50, 50, 50];
    const [ours, theirs, gOurs, gTheirs] = tf.tidy(() => {
      const x = tf.tensor2d(rows, [3, 3]);
      const w = tf.tensor2d([1, 0, 2, 0.5, 1, -1, 0, 1, 1], [3, 3]);
      return [
        logSoftmax(x).dataSync(),
        tf.logSoftmax(x).dataSync(),
        tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, logSoftmax(v))))(x).dataSync(),
        tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, tf.logSoftmax(v))))(x).dataSync(),
      ];
    });
    expect(ours?.[0]).toBeCloseTo(-2 * Math.exp(-50), 28);
    expect(ours?.[0]).toBeLessThan(0);
    expect(maxRelativeError(Array.from(ours ?? []).slice(3), Array.from(theirs ?? []).slice(3))).toBeLessThan(1e-6);
    expect(maxRelativeError(gOurs ?? [], gTheirs ?? [], 1e-6)).toBeLessThan(1e-5);
  });
});
