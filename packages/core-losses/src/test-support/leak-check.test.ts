import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { TEST_BACKENDS, useBackend } from './backend.js';
import { expectNoLeak, stepAndEvaluation, valueAndGradientWithoutLeak } from './leak-check.js';

// A plain function (not a tf.op, whose scope would sweep the stray tensor) that leaks one tensor per call.
let stray: tf.Tensor[] = [];
const leakyLoss = (x: tf.Tensor): tf.Tensor => {
  stray.push(tf.scalar(1));
  return tf.sum(x);
};

describe.each(TEST_BACKENDS)('expectNoLeak on %s', (backend) => {
  it('passes a step that leaves only what it returns, and fails one that leaks', async () => {
    await useBackend(backend);
    const x = tf.tensor1d([1, 2, 3]);
    expectNoLeak(() => stepAndEvaluation((v) => tf.sum(v), x));
    stray = [];
    expect(() => expectNoLeak(() => stepAndEvaluation(leakyLoss, x))).toThrow(/tensors left behind by the step/);
    // The forward call's stray tensor leaks; the gradient's is swept by tfjs's own tidy around the passes.
    expect(stray.filter((t) => !t.isDisposed)).toHaveLength(1);
    tf.dispose([x, ...stray]);
  });

  it('valueAndGradientWithoutLeak reads the value and gradient back, and fails a leaking step', async () => {
    await useBackend(backend);
    const x = tf.tensor1d([1, 2, 3]);
    const square = (v: tf.Tensor): tf.Tensor => tf.tidy(() => tf.sum(tf.square(v)));
    expect(valueAndGradientWithoutLeak(square, x, () => [tf.square(x)])).toEqual({ value: 14, gradient: [2, 4, 6] });
    stray = [];
    expect(() => valueAndGradientWithoutLeak(leakyLoss, x)).toThrow(/tensors left behind by the step/);
    tf.dispose([x, ...stray]);
  });

  it('refuses to count inside tf.tidy, where a leak could not show', async () => {
    await useBackend(backend);
    expect(() => tf.tidy(() => expectNoLeak(() => tf.scalar(1)))).toThrow(/called inside tf.tidy/);
  });
});
