import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { SoftmaxTaskWeighter } from './softmax-task-weighting.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { maxRelativeError } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

function softmax64(x: readonly number[]): number[] {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe.each(TEST_BACKENDS)('SoftmaxTaskWeighter on %s', (backend) => {
  it('reports the closed-form weights on a two-task toy problem: prior/Σprior, then one SGD step on λ', async () => {
    await useBackend(backend);
    // Loss scales 4 and 0.25, priors 1 and 3: α = [0.25, 0.75]. One SGD step of size η on λ moves it by
    // −η·α_t·(L_t − Σ α L), the closed-form gradient of Σ softmax(λ)_t·L_t.
    const scales = [4, 0.25];
    const weighter = new SoftmaxTaskWeighter({ numTasks: 2, priorWeights: [1, 3] });
    expect(maxRelativeError(weighter.report().weights, [0.25, 0.75])).toBeLessThan(1e-6);
    const total = tf.tidy(() => scalarOf(weighter.combine(scales)));
    expect(total).toBeCloseTo(0.25 * 4 + 0.75 * 0.25, 5);
    const eta = 0.1;
    const optimizer = tf.train.sgd(eta);
    optimizer.minimize(() => weighter.combine(scales), false, [...weighter.variables]);
    const alpha = [0.25, 0.75];
    const mean = 0.25 * 4 + 0.75 * 0.25;
    const lambda = [Math.log(1), Math.log(3)].map((l, t) => l - eta * (alpha[t] ?? 0) * ((scales[t] ?? 0) - mean));
    expect(maxRelativeError(weighter.report().weights, alpha)).toBeLessThan(1e-6); // weights used at that step
    weighter.combine(scales).dispose();
    expect(maxRelativeError(weighter.report().weights, softmax64(lambda))).toBeLessThan(1e-5);
    // Trained on its own (no ln σ penalty) the weight drifts to the task with the smaller loss.
    for (let i = 0; i < 200; i += 1) optimizer.minimize(() => weighter.combine(scales), false, [...weighter.variables]);
    expect(weighter.report().weights[1]).toBeGreaterThan(0.99);
    optimizer.dispose();
    weighter.dispose();
  });

  it('applies manual multipliers and passes a finite-difference gradient check (losses and logits)', async () => {
    await useBackend(backend);
    const weighter = new SoftmaxTaskWeighter({ numTasks: 3, priorWeights: [1, 2, 0.5], manualWeights: [1, 10, 0.1] });
    const losses = [0.7, 0.05, 3];
    const lambda = [0, Math.log(2), Math.log(0.5)];
    const total64 = (l: readonly number[], lam: readonly number[]): number => softmax64(lam).reduce((s, a, t) => s + a * ([1, 10, 0.1][t] ?? 0) * (l[t] ?? 0), 0);
    expect(tf.tidy(() => scalarOf(weighter.combine(losses)))).toBeCloseTo(total64(losses, lambda), 5);
    const byLoss = checkGradientAgainst64((x) => weighter.combine(x), losses, [3], (x) => total64([...x], lambda));
    expect(byLoss.worstExcess).toBeLessThanOrEqual(0);
    const grads = tf.tidy(() => Array.from(tf.variableGrads(() => weighter.combine(losses), [weighter.logits]).grads[weighter.logits.name]?.dataSync() ?? []));
    const h = 1e-6;
    const numeric = lambda.map((_, t) => {
      const plus = lambda.map((v, k) => (k === t ? v + h : v));
      const minus = lambda.map((v, k) => (k === t ? v - h : v));
      return (total64(losses, plus) - total64(losses, minus)) / (2 * h);
    });
    expect(maxRelativeError(grads, numeric, 1e-3)).toBeLessThan(1e-3);
    weighter.dispose();
  });

  it('leaves no tensors behind after a training step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const start = tf.memory().numTensors;
    const weighter = new SoftmaxTaskWeighter({ numTasks: 2 });
    const optimizer = tf.train.sgd(0.1);
    const losses = tf.tensor1d([0.3, 0.7]);
    optimizer.minimize(() => weighter.combine(losses), false, [...weighter.variables]);
    const before = tf.memory().numTensors;
    optimizer.minimize(() => weighter.combine(losses), false, [...weighter.variables]);
    weighter.combine(losses).dispose();
    expect(tf.memory().numTensors).toBe(before);
    losses.dispose();
    weighter.dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(start); // construction leaves nothing behind once disposed
  });
});

describe('SoftmaxTaskWeighter argument checks', () => {
  it('names the weighter and the argument', async () => {
    await useBackend('cpu');
    expect(() => new SoftmaxTaskWeighter({ numTasks: 2, priorWeights: [1, 0] })).toThrow(
      "SoftmaxTaskWeighter: argument 'options.priorWeights' must hold finite, positive numbers, got 0 for task 1",
    );
    expect(() => new SoftmaxTaskWeighter({ numTasks: 2, manualWeights: [1] })).toThrow(/'options.manualWeights' must hold 2 numbers/);
  });
});
