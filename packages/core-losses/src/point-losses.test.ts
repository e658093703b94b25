import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { huberLoss, logCoshLoss, meanAbsoluteError, meanSquaredError } from './point-losses.js';
import type { RegressionOptions } from './regression-inputs.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradient, checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

const SHAPE: [number, number] = [5, 4];
const random = makeRandom(21);
// float32 values, so that the float64 references see exactly the inputs the losses see
const Y = uniformArray(random, 20, -3, 3).map(Math.fround);
const P = uniformArray(random, 20, -3, 3).map(Math.fround);

type PointLoss = (targets: tf.Tensor | number[], predictions: tf.Tensor | number[], options?: RegressionOptions & { delta?: number }) => tf.Tensor;

/** Float64 definitions (PyTorch / Keras formulas), e = prediction − target. */
// log cosh e = log1p(2 sinh²(e/2)): exact in float64 for tiny e too (log(cosh(1e-6)) is not)
const logCosh64 = (e: number): number =>
  Math.abs(e) < 8 ? Math.log1p(2 * Math.sinh(e / 2) ** 2) : Math.abs(e) + Math.log1p(Math.exp(-2 * Math.abs(e))) - Math.LN2;
const huber64 = (delta: number) => (e: number): number => (Math.abs(e) < delta ? 0.5 * e * e : delta * (Math.abs(e) - 0.5 * delta));
const LOSSES: Array<[string, PointLoss, (e: number) => number]> = [
  ['meanAbsoluteError', meanAbsoluteError, (e) => Math.abs(e)],
  ['meanSquaredError', meanSquaredError, (e) => e * e],
  ['huberLoss', huberLoss, huber64(1)],
  ['logCoshLoss', logCoshLoss, logCosh64],
];

const errors = (p: number[], y: number[]): number[] => p.map((v, i) => v - (y[i] ?? 0));
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe.each(TEST_BACKENDS)('point losses on %s', (backend) => {
  for (const [name, loss, reference] of LOSSES) {
    it(`${name}: elementwise values, mean, sum, Keras per-sample mean`, async () => {
      await useBackend(backend);
      const ref = errors(P, Y).map(reference);
      const [none, m, s, perSample] = tf.tidy(() => {
        const y = tf.tensor2d(Y, SHAPE);
        const p = tf.tensor2d(P, SHAPE);
        return [
          Array.from(loss(y, p, { reduction: 'none' }).dataSync()),
          scalarOf(loss(y, p)),
          scalarOf(loss(y, p, { reduction: 'sum' })),
          Array.from(loss(y, p, { perSample: true, reduction: 'none' }).dataSync()),
        ];
      });
      expect(maxRelativeError(none, ref)).toBeLessThan(2e-6);
      expect(maxRelativeError([m, s], [mean(ref), ref.reduce((a, b) => a + b, 0)])).toBeLessThan(2e-6);
      const rows = Array.from({ length: 5 }, (_, r) => mean(ref.slice(r * 4, r * 4 + 4)));
      expect(maxRelativeError(perSample, rows)).toBeLessThan(2e-6);
    });

    it(`${name}: a mask drops missing (NaN) targets from value, mean denominator and gradient`, async () => {
      await useBackend(backend);
      const mask = Y.map((_, i) => (i % 3 === 0 ? 0 : 1));
      const yMissing = Y.map((v, i) => (mask[i] === 0 ? Number.NaN : v));
      const kept = errors(P, Y).map(reference).filter((_, i) => mask[i] === 1);
      const [value, grad, weighted] = tf.tidy(() => {
        const y = tf.tensor2d(yMissing, SHAPE);
        const g = tf.grad((p: tf.Tensor) => loss(y, p, { mask: tf.tensor2d(mask, SHAPE) }))(tf.tensor2d(P, SHAPE));
        return [
          scalarOf(loss(y, tf.tensor2d(P, SHAPE), { mask: tf.tensor2d(mask, SHAPE) })),
          Array.from(g.dataSync()),
          scalarOf(loss(y, tf.tensor2d(P, SHAPE), { mask: tf.tensor2d(mask, SHAPE), weights: [1, 2, 3, 4, 5], reduction: 'sumOverWeights' })),
        ];
      });
      expect(maxRelativeError([value], [mean(kept)])).toBeLessThan(2e-6);
      expect(grad.every(Number.isFinite)).toBe(true);
      expect(grad.filter((_, i) => mask[i] === 0).every((g) => g === 0)).toBe(true);
      const terms = errors(P, Y).map(reference);
      let num = 0;
      let den = 0;
      terms.forEach((l, i) => {
        const w = (Math.floor(i / 4) + 1) * (mask[i] ?? 0);
        num += w * l;
        den += w;
      });
      expect(maxRelativeError([weighted], [num / den])).toBeLessThan(2e-6);
    });

    it(`${name}: stays exact and finite at errors of ±50 and ±1e30`, async () => {
      await useBackend(backend);
      const y = [0, 0, 0, 0, 1e30, 0].map(Math.fround);
      const p = [50, -50, 1e-4, -3e-3, 0, -1e30].map(Math.fround);
      const ref = errors(p, y).map(reference);
      const values = tf.tidy(() => Array.from(loss(y, p, { reduction: 'none' }).dataSync()));
      if (name === 'meanSquaredError') {
        expect(maxRelativeError(values.slice(0, 4), ref.slice(0, 4))).toBeLessThan(2e-6); // 1e60 overflows float32, as it must
      } else {
        expect(maxRelativeError(values, ref)).toBeLessThan(2e-6);
      }
      const grad = tf.tidy(() => Array.from(tf.grad((v: tf.Tensor) => loss(y.slice(0, 4), v, { reduction: 'sum' }))(tf.tensor1d(p.slice(0, 4))).dataSync()));
      expect(grad.every(Number.isFinite)).toBe(true);
    });

    it(`${name}: passes a finite-difference gradient check against its float64 definition`, async () => {
      await useBackend(backend);
      const { worstExcess } = checkGradientAgainst64(
        (v) => loss(tf.tensor2d(Y, SHAPE), v, { weights: [1, 0.5, 2, 1, 3] }),
        P,
        SHAPE,
        (x) => errors(Array.from(x), Y).reduce((a, e, i) => a + [1, 0.5, 2, 1, 3][Math.floor(i / 4)]! * reference(e), 0) / 20,
      );
      expect(worstExcess).toBeLessThanOrEqual(0);
    });

    it(`${name}: leaves no tensors behind after a gradient step and an evaluation`, async () => {
      await useBackend(backend);
      const y = tf.tensor2d(Y, SHAPE);
      const p = tf.tensor2d(P, SHAPE);
      const mask = tf.tensor2d(Y.map((_, i) => i % 2), SHAPE);
      expectNoLeak(() => [...stepAndEvaluation((v) => loss(y, v, { mask, weights: [1, 2, 3, 4, 5] }), p), loss(y, p, { perSample: true, mask })]);
      tf.dispose([y, p, mask]);
    });
  }

  it('huberLoss: PyTorch delta convention (quadratic below δ, δ(|e| − δ/2) above) with δ = 2.5', async () => {
    await useBackend(backend);
    const values = tf.tidy(() => Array.from(huberLoss(Y, P, { delta: 2.5, reduction: 'none' }).dataSync()));
    expect(maxRelativeError(values, errors(P, Y).map(huber64(2.5)))).toBeLessThan(2e-6);
  });

  it('logCoshLoss keeps float32 precision for tiny errors (Keras form would return 0 or noise)', async () => {
    await useBackend(backend);
    const e = [1e-6, 3e-5, 1e-3, 0.1, 7.9, 8, 8.1, 20].map(Math.fround);
    const exact = e.map(logCosh64);
    const values = tf.tidy(() => Array.from(logCoshLoss(e.map(() => 0), e, { reduction: 'none' }).dataSync()));
    expect(maxRelativeError(values, exact)).toBeLessThan(2e-6);
  });

  it('gradient check by float32 central differences (log-cosh, Huber with δ = 0.7)', async () => {
    await useBackend(backend);
    const y = tf.tensor2d(Y, SHAPE);
    expect(checkGradient((v) => logCoshLoss(y, v, { reduction: 'sum' }), P, SHAPE).worstExcess).toBeLessThanOrEqual(0);
    expect(checkGradient((v) => huberLoss(y, v, { reduction: 'sum', delta: 0.7 }), P, SHAPE, { h: 1e-3 }).worstExcess).toBeLessThanOrEqual(0);
    y.dispose();
  });
});

describe('point loss argument checks', () => {
  it('name the loss and the argument', async () => {
    await useBackend('cpu');
    expect(() => meanSquaredError([1, 2], [1])).toThrow("meanSquaredError: argument 'targets' must have the shape of 'predictions' [1], got [2]");
    expect(() => huberLoss([1], [1], { delta: 0 })).toThrow(/huberLoss: argument 'options.delta' must be a finite number > 0, got 0/);
    expect(() => logCoshLoss([Number.NaN], [1])).toThrow(/'targets' must be finite where observed, got NaN at flat index 0 \(pass options.mask/);
    expect(() => meanAbsoluteError([1], [Number.POSITIVE_INFINITY])).toThrow(/'predictions' must be finite, got Infinity/);
    expect(() => meanAbsoluteError([1, 2], [1, 2], { mask: [1, 0.5] })).toThrow(/'options.mask' must hold 0 or 1, got 0.5 at flat index 1/);
    expect(() => meanAbsoluteError([[1, 2]], [[1, 2]], { mask: [1, 1, 1] })).toThrow(/'options.mask' of shape \[3\] \(leading axes aligned\) does not broadcast/);
    expect(() => meanAbsoluteError([1], [1], { weights: [-1] })).toThrow(/'options.weights' must be non-negative/);
    expect(() => meanAbsoluteError([1], [1], { perSample: 'yes' as unknown as boolean })).toThrow(/'options.perSample' must be true or false/);
    expect(() => meanAbsoluteError(1, 1, { perSample: true })).toThrow(/'options.perSample' needs a loss of rank >= 1/);
    expect(() => meanAbsoluteError([1], [1], { reduction: 'batchmean' as 'mean' })).toThrow(/'options.reduction' must be one of/);
  });
});
