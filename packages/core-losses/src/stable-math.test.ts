import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { softplus } from './stable-math.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { maxRelativeError } from './test-support/random-inputs.js';

const XS = [-100, -50, -30, -14, -10, -5, -3, -1, -1e-3, 0, 1e-3, 1, 3, 5, 10, 30, 50, 100];
const exact = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

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
    expect(maxRelativeError(grad, XS.map(sigmoid))).toBeLessThan(2e-6);
  });

  it('stays accurate where 1 + e^x rounds in float32 (x in [-10, -6])', async () => {
    await useBackend(backend);
    const x = [-10, -8, -6];
    const ours = tf.tidy(() => softplus(tf.tensor1d(x)).dataSync());
    expect(maxRelativeError(ours, x.map(exact))).toBeLessThan(1e-6);
  });
});
