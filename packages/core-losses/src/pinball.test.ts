import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { pinballLoss } from './pinball.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

const B = 6;
const LEVELS = [0.1, 0.5, 0.9];
const Q = LEVELS.length;
const random = makeRandom(5);
const Y = uniformArray(random, B, -2, 2).map(Math.fround);
const P = uniformArray(random, B * Q, -2, 2).map(Math.fround);

/** ρ_τ(u) = max(τu, (τ − 1)u), u = y − q (TF-Addons quantiles.py), float64, row-major [B, Q]. */
function reference(p: ArrayLike<number>, y: readonly number[], levels: readonly number[]): number[] {
  return Array.from(p, (q, k) => {
    const u = (y[Math.floor(k / levels.length)] ?? 0) - q;
    const tau = levels[k % levels.length] ?? 0;
    return Math.max(tau * u, (tau - 1) * u);
  });
}
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe.each(TEST_BACKENDS)('pinballLoss on %s', (backend) => {
  it('matches the float64 definition: elements, mean over B·Q, per-sample rows, the ×2 convention', async () => {
    await useBackend(backend);
    const ref = reference(P, Y, LEVELS);
    const [none, m, perSample, doubled] = tf.tidy(() => {
      const p = tf.tensor2d(P, [B, Q]);
      const y = tf.tensor1d(Y);
      return [
        Array.from(pinballLoss(y, p, { quantileLevels: LEVELS, reduction: 'none' }).dataSync()),
        scalarOf(pinballLoss(y, p, { quantileLevels: LEVELS })),
        Array.from(pinballLoss(y, p, { quantileLevels: LEVELS, perSample: true, reduction: 'none' }).dataSync()),
        scalarOf(pinballLoss(tf.reshape(y, [B, 1]), p, { quantileLevels: LEVELS, scale: 'pytorchForecasting' })),
      ];
    });
    expect(maxRelativeError(none, ref)).toBeLessThan(2e-6);
    expect(maxRelativeError([m, doubled], [mean(ref), 2 * mean(ref)])).toBeLessThan(2e-6);
    expect(maxRelativeError(perSample, Array.from({ length: B }, (_, r) => mean(ref.slice(r * Q, r * Q + Q))))).toBeLessThan(2e-6);
  });

  it('takes per-row levels of the predictions\' shape and masks missing targets by row', async () => {
    await useBackend(backend);
    const rowLevels = Array.from({ length: B * Q }, (_, k) => [0.05, 0.5, 0.95][k % Q] ?? 0);
    const mask = [1, 1, 0, 1, 0, 1];
    const y = Y.map((v, i) => (mask[i] === 1 ? v : Number.NaN));
    const kept = reference(P, Y, [0.05, 0.5, 0.95]).filter((_, k) => mask[Math.floor(k / Q)] === 1);
    const value = tf.tidy(() => scalarOf(pinballLoss(y, tf.tensor2d(P, [B, Q]), { quantileLevels: tf.tensor2d(rowLevels, [B, Q]), mask })));
    expect(maxRelativeError([value], [mean(kept)])).toBeLessThan(2e-6);
  });

  it('is linear and exact at errors of ±50 with gradients ±τ/N', async () => {
    await useBackend(backend);
    const [values, grad] = tf.tidy(() => {
      const p = tf.tensor2d([50, 50, 50, -50, -50, -50], [2, 3]);
      const y = tf.tensor1d([0, 0]);
      const g = tf.grad((v: tf.Tensor) => pinballLoss(y, v, { quantileLevels: LEVELS, reduction: 'sum' }))(p);
      return [Array.from(pinballLoss(y, p, { quantileLevels: LEVELS, reduction: 'none' }).dataSync()), Array.from(g.dataSync())];
    });
    expect(maxRelativeError(values, [45, 25, 5, 5, 25, 45])).toBeLessThan(5e-7); // τ = 0.1, 0.9 are not exact in float32
    expect(maxRelativeError(grad, [0.9, 0.5, 0.1, -0.1, -0.5, -0.9])).toBeLessThan(5e-7);
  });

  it('passes a gradient check against float64 central differences', async () => {
    await useBackend(backend);
    const { worstExcess } = checkGradientAgainst64(
      (v) => pinballLoss(Y, v, { quantileLevels: LEVELS, weights: [1, 2, 1, 0.5, 3, 1] }),
      P,
      [B, Q],
      (x) => reference(x, Y, LEVELS).reduce((a, l, k) => a + ([1, 2, 1, 0.5, 3, 1][Math.floor(k / Q)] ?? 0) * l, 0) / (B * Q),
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('leaves no tensors behind after a gradient step and an evaluation', async () => {
    await useBackend(backend);
    const p = tf.tensor2d(P, [B, Q]);
    const y = tf.tensor1d(Y);
    const levels = tf.tensor1d(LEVELS);
    expectNoLeak(() => [
      ...stepAndEvaluation((v) => pinballLoss(y, v, { quantileLevels: levels, mask: [1, 0, 1, 1, 1, 1] }), p),
      pinballLoss(y, p, { quantileLevels: levels, perSample: true }),
    ]);
    tf.dispose([p, y, levels]);
  });
});

describe('pinballLoss argument checks', () => {
  it('name the loss and the argument', async () => {
    await useBackend('cpu');
    const p = [[0, 1]];
    expect(() => pinballLoss([0], p, {} as { quantileLevels: number[] })).toThrow("pinballLoss: argument 'options.quantileLevels' is required");
    expect(() => pinballLoss([0], p, { quantileLevels: [0.5] })).toThrow(/'options.quantileLevels' must have shape \[2\] \(one level per prediction column\)/);
    expect(() => pinballLoss([0], p, { quantileLevels: [0.5, 1.5] })).toThrow(/'options.quantileLevels' must lie in \[0, 1\], got 1.5/);
    expect(() => pinballLoss([0], p, { quantileLevels: [0.1, 0.9], scale: 'double' as 'tfAddons' })).toThrow(/'options.scale' must be 'tfAddons' or 'pytorchForecasting'/);
    expect(() => pinballLoss([0, 1, 2], p, { quantileLevels: [0.1, 0.9] })).toThrow(/'targets' of shape \[3\] \(leading axes aligned\) does not broadcast/);
    expect(() => pinballLoss([Number.NaN], p, { quantileLevels: [0.1, 0.9] })).toThrow(/'targets' must be finite where observed/);
  });
});
