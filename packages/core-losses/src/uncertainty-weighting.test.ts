import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { UncertaintyTaskWeighter, uncertaintyWeightedLoss, type UncertaintyOptions } from './uncertainty-weighting.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { maxRelativeError } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

const L = [1.7, 0.35, 6.2];
const S = [-0.4, 0.9, 1.3];

/** Float64 reference: Σ c·e^{−s}·L + r·s with the variant's factors written out. */
function reference64(losses: readonly number[], s: readonly number[], c: readonly number[], r: readonly number[]): number {
  return losses.reduce((total, l, t) => total + (c[t] ?? 0) * Math.exp(-(s[t] ?? 0)) * l + (r[t] ?? 0) * (s[t] ?? 0), 0);
}

const VARIANTS: { name: string; options: UncertaintyOptions; c: number[]; r: number[] }[] = [
  { name: 'kendallEq7 (default, all regression)', options: {}, c: [0.5, 0.5, 0.5], r: [0.5, 0.5, 0.5] },
  {
    name: 'kendallEq7 with a classification task',
    options: { variant: 'kendallEq7', taskKinds: ['regression', 'classification', 'regression'] },
    c: [0.5, 1, 0.5],
    r: [0.5, 0.5, 0.5],
  },
  { name: 'plain', options: { variant: 'plain' }, c: [1, 1, 1], r: [1, 1, 1] },
  { name: 'galCriterion', options: { variant: 'galCriterion', taskDims: [3, 1, 2] }, c: [1, 1, 1], r: [3, 1, 2] },
];

describe.each(TEST_BACKENDS)('uncertaintyWeightedLoss on %s', (backend) => {
  it.each(VARIANTS)('matches the float64 formula and its finite-difference gradients: $name', async ({ options, c, r }) => {
    await useBackend(backend);
    const value = tf.tidy(() => scalarOf(uncertaintyWeightedLoss(L, S, options)));
    expect(maxRelativeError([value], [reference64(L, S, c, r)])).toBeLessThan(1e-6);
    const byLoss = checkGradientAgainst64((x) => uncertaintyWeightedLoss(x, S, options), L, [3], (x) => reference64([...x], S, c, r));
    expect(byLoss.worstExcess).toBeLessThanOrEqual(0);
    const byS = checkGradientAgainst64((x) => uncertaintyWeightedLoss(L, x, options), S, [3], (x) => reference64(L, [...x], c, r));
    expect(byS.worstExcess).toBeLessThanOrEqual(0);
  });

  it('stays finite at extreme log-variances (s = ±30)', async () => {
    await useBackend(backend);
    const [value, grad] = tf.tidy(() => [
      scalarOf(uncertaintyWeightedLoss([1e3, 1e-3], [-30, 30])),
      Array.from(tf.grad((s: tf.Tensor) => uncertaintyWeightedLoss([1e3, 1e-3], s))(tf.tensor1d([-30, 30])).dataSync()),
    ]);
    expect(Number.isFinite(value)).toBe(true);
    expect(grad.every(Number.isFinite)).toBe(true);
  });

  it('reports weights r/L at its stationary point on a two-task toy problem (closed form)', async () => {
    await useBackend(backend);
    // Two "models" θ_t with task losses L_t = scale_t·(1 + (θ_t − 2)²): at the optimum L_t = scale_t, and the
    // log-variances settle where c·e^{−s}·L = r, i.e. the reported weight c·e^{−s} is r/scale.
    const scales = [4, 0.25];
    for (const { options, r } of [
      { options: {}, r: [0.5, 0.5] },
      { options: { variant: 'plain' as const }, r: [1, 1] },
      { options: { variant: 'galCriterion' as const, taskDims: [3, 1] }, r: [3, 1] },
      { options: { taskKinds: ['classification', 'regression'] as const }, r: [0.5, 0.5] },
    ]) {
      const weighter = new UncertaintyTaskWeighter({ numTasks: 2, ...options, taskKinds: options.taskKinds ? [...options.taskKinds] : undefined });
      const theta = tf.variable(tf.tensor1d([0, 5]));
      const optimizer = tf.train.adam(0.08);
      const scaleTensor = tf.tensor1d(scales);
      for (let step = 0; step < 1000; step += 1) {
        optimizer.minimize(
          () => weighter.combine(tf.mul(scaleTensor, tf.add(1, tf.square(tf.sub(theta, 2))))),
          false,
          [theta, ...weighter.variables],
        );
      }
      const { weights, losses } = weighter.report();
      expect(maxRelativeError(losses, scales)).toBeLessThan(1e-3);
      expect(maxRelativeError(weights, [(r[0] ?? 0) / 4, (r[1] ?? 0) / 0.25])).toBeLessThan(1e-2);
      optimizer.dispose();
      theta.dispose();
      scaleTensor.dispose();
      weighter.dispose();
    }
  });

  it('leaves no tensors behind after a training step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const weighter = new UncertaintyTaskWeighter({ taskNames: ['pm25', 'weather'], initialLogVariances: [0.2, -0.1] });
    const losses = tf.variable(tf.tensor1d([0.8, 2.5]));
    const optimizer = tf.train.sgd(0.01);
    optimizer.minimize(() => weighter.combine(losses), false, [losses, ...weighter.variables]); // creates no slots (sgd)
    const before = tf.memory().numTensors;
    optimizer.minimize(() => weighter.combine({ pm25: tf.slice(losses, [0], [1]), weather: tf.slice(losses, [1], [1]) }), false, [losses, ...weighter.variables]);
    const total = weighter.combine(losses);
    total.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(weighter.report().step).toBe(3);
    weighter.dispose();
    losses.dispose();
    optimizer.dispose();
  });
});

describe('uncertaintyWeightedLoss argument checks', () => {
  it('names the loss and the argument', async () => {
    await useBackend('cpu');
    expect(() => uncertaintyWeightedLoss([1, 2], [0])).toThrow("uncertaintyWeightedLoss: argument 'logVariances' must have shape [2] (one per task), got [1]");
    expect(() => uncertaintyWeightedLoss([[1, 2]], [0, 0])).toThrow(/'taskLosses' must have shape \[T\]/);
    expect(() => uncertaintyWeightedLoss([1, Number.NaN], [0, 0])).toThrow(/'taskLosses' must be finite, got NaN at flat index 1/);
    expect(() => uncertaintyWeightedLoss([1, 2], [0, 0], { variant: 'plain', taskDims: [1, 1] })).toThrow(/'options.taskDims' only applies to variant 'galCriterion'/);
    expect(() => uncertaintyWeightedLoss([1, 2], [0, 0], { variant: 'galCriterion', taskDims: [1, 0] })).toThrow(/'options.taskDims' must hold finite, positive numbers, got 0 for task 1/);
    expect(() => uncertaintyWeightedLoss([1, 2], [0, 0], { taskKinds: ['regression', 'ordinal' as 'regression'] })).toThrow(/'options.taskKinds' must hold 'regression' or 'classification', got 'ordinal' for task 1/);
    expect(() => uncertaintyWeightedLoss([1, 2], [0, 0], { variant: 'eq5' as 'plain' })).toThrow(/'options.variant' must be one of/);
    expect(() => new UncertaintyTaskWeighter({ numTasks: 2, initialLogVariances: [0] })).toThrow(
      "UncertaintyTaskWeighter: argument 'options.initialLogVariances' must hold 2 numbers (one per task), got 1",
    );
  });
});
