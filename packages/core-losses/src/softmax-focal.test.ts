import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { softmaxFocalLoss } from './softmax-focal.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const B = 8;
const C = 4;
const random = makeRandom(5);
const X = uniformArray(random, B * C, -3, 3);
const Y = intArray(random, B, C);
const W = [0.2, 1, 2.5, 0.3];

/** Float64 reference: ce = −log p_y; inside: (1 − e^{−w·ce})^γ·w·ce; outside: w·(1 − e^{−ce})^γ·ce. */
function reference(gamma: number, w: number[] | undefined, inside: boolean): number[] {
  return Y.map((label, i) => {
    const row = X.slice(i * C, (i + 1) * C);
    const max = Math.max(...row);
    const ce = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) - (row[label] ?? 0);
    const wy = w?.[label] ?? 1;
    const base = inside ? -Math.expm1(-wy * ce) : -Math.expm1(-ce);
    return base ** gamma * wy * ce;
  });
}

describe.each(TEST_BACKENDS)('softmaxFocalLoss on %s', (backend) => {
  it('matches the LDAM-DRW definition (weight inside the modulator) per sample and as a batch mean', async () => {
    await useBackend(backend);
    const expected = reference(2, W, true);
    const [none, mean] = tf.tidy(() => [
      softmaxFocalLoss(Y, tf.tensor2d(X, [B, C]), { classWeights: W, reduction: 'none' }).dataSync(),
      softmaxFocalLoss(Y, tf.tensor2d(X, [B, C]), { classWeights: W }).dataSync(),
    ]);
    expect(maxRelativeError(none ?? [], expected)).toBeLessThan(1e-5);
    expect(maxRelativeError(mean ?? [], [expected.reduce((a, b) => a + b, 0) / B])).toBeLessThan(1e-5);
  });

  it('puts the weight outside the modulator on request (alpha-balanced form)', async () => {
    await useBackend(backend);
    const none = tf.tidy(() =>
      softmaxFocalLoss(Y, tf.tensor2d(X, [B, C]), { classWeights: W, classWeightPlacement: 'outsideModulator', reduction: 'none', gamma: 1 }).dataSync(),
    );
    expect(maxRelativeError(none, reference(1, W, false))).toBeLessThan(1e-5);
  });

  it('equals cross-entropy with gamma 0', async () => {
    await useBackend(backend);
    const [focal, ce] = tf.tidy(() => [
      softmaxFocalLoss(Y, tf.tensor2d(X, [B, C]), { gamma: 0 }).dataSync()[0] ?? Number.NaN,
      softmaxCrossEntropy(Y, tf.tensor2d(X, [B, C])).dataSync()[0] ?? Number.NaN,
    ]);
    expect(maxRelativeError([focal], [ce])).toBeLessThan(1e-6);
  });

  it('stays finite at logits of ±50, values and gradients', async () => {
    await useBackend(backend);
    const x = [50, -50, 0, -50, 50, 0, 0, 50, -50];
    const y = [0, 0, 2];
    const [values, grad] = tf.tidy(() => [
      softmaxFocalLoss(y, tf.tensor2d(x, [3, 3]), { reduction: 'none' }).dataSync(),
      tf.grad((v: tf.Tensor) => softmaxFocalLoss(y, v))(tf.tensor2d(x, [3, 3])).dataSync(),
    ]);
    expect(Array.from(values ?? []).every(Number.isFinite)).toBe(true);
    expect(Array.from(grad ?? []).every(Number.isFinite)).toBe(true);
    expect(values?.[1]).toBeCloseTo(100, 4); // (1 − e^{−100})² · 100
  });

  it('passes a finite-difference gradient check', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradient((v) => softmaxFocalLoss(Y, v, { classWeights: W, gamma: 2 }), X, [B, C]);
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const x = tf.tensor2d(X, [B, C]);
    expectNoLeak(() => stepAndEvaluation((v) => softmaxFocalLoss(Y, v, { classWeights: W }), x));
    x.dispose();
  });
});

describe('softmaxFocalLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    const x = [[0.1, 0.2]];
    expect(() => softmaxFocalLoss([2], x)).toThrow("softmaxFocalLoss: argument 'targets' holds class id 2 at flat index 0, outside [0, 1] for 2 classes");
    expect(() => softmaxFocalLoss([0, 1], x)).toThrow(/'targets' must hold 1 class ids \(shape \[1\]\), got shape \[2\]/);
    expect(() => softmaxFocalLoss([0], [0.1, 0.2])).toThrow(/'logits' must have shape \[B, C\]/);
    expect(() => softmaxFocalLoss([0], x, { classWeights: [1] })).toThrow(/'options.classWeights' must be a vector of 2 values/);
    expect(() => softmaxFocalLoss([0], x, { gamma: Number.NaN })).toThrow(/'options.gamma' must be a finite number >= 0/);
  });
});
