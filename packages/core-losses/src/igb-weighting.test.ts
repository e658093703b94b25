import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { ImprovableGapWeighter } from './igb-weighting.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { maxRelativeError } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

/** Float64 reference of IGBv1's weights: K·softmax(L / L_base). */
function igbWeights64(losses: readonly number[], base: readonly number[]): number[] {
  const ratios = losses.map((l, t) => l / (base[t] ?? 1));
  const exps = ratios.map(Math.exp);
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => (losses.length * e) / sum);
}

describe.each(TEST_BACKENDS)('ImprovableGapWeighter on %s', (backend) => {
  it('reports the closed-form weights on a two-task toy problem: 1 until the base epoch ends, then K·softmax(L/L_base)', async () => {
    await useBackend(backend);
    // Loss scales 4 and 0.25; epoch e has two steps. Task 0 halves its loss every epoch, task 1 stays put.
    const weighter = new ImprovableGapWeighter({ taskNames: ['pm25', 'weather'] }); // baseEpoch 1 (the reference default)
    const lossesAt = (epoch: number, step: number): number[] => [4 * 0.5 ** epoch * (step === 0 ? 1.1 : 0.9), 0.25];
    const seen: number[][] = [];
    for (let epoch = 0; epoch < 3; epoch += 1) {
      for (let step = 0; step < 2; step += 1) {
        const losses = lossesAt(epoch, step);
        const total = tf.tidy(() => scalarOf(weighter.combine(losses)));
        const { weights } = weighter.report();
        seen.push(weights as number[]);
        expect(total).toBeCloseTo((weights[0] ?? 0) * Math.log(losses[0] ?? 1) + (weights[1] ?? 0) * Math.log(losses[1] ?? 1), 5);
      }
      weighter.onEpochEnd(epoch);
    }
    // Epochs 0 and 1: no base losses yet, w = 1 (the plain Σ ln L). Base = mean of epoch 1 = [2, 0.25].
    expect(seen.slice(0, 4)).toEqual([[1, 1], [1, 1], [1, 1], [1, 1]]);
    expect(maxRelativeError(weighter.baseLosses ?? [], [2, 0.25])).toBeLessThan(1e-6);
    // Epoch 2: task 0 is at 1.1 / 0.9 of base/2, task 1 at its base.
    expect(maxRelativeError(seen[4] ?? [], igbWeights64(lossesAt(2, 0), [2, 0.25]))).toBeLessThan(1e-6); // losses come back as float32
    expect(maxRelativeError(seen[5] ?? [], igbWeights64(lossesAt(2, 1), [2, 0.25]))).toBeLessThan(1e-6); // losses come back as float32
    const expected = (2 * Math.exp(0.55)) / (Math.exp(0.55) + Math.E); // K·softmax([1.1/2, 1])_0
    expect(seen[4]?.[0]).toBeCloseTo(expected, 6);
    expect((seen[4]?.[0] ?? 0) + (seen[4]?.[1] ?? 0)).toBeCloseTo(2, 12);
  });

  it('treats the weights as constants: gradient w_t / L_t (finite differences of the detached form)', async () => {
    await useBackend(backend);
    const weighter = new ImprovableGapWeighter({ numTasks: 3, baseLosses: [1, 2, 0.5] });
    const losses = [0.8, 1.5, 0.6];
    const w = igbWeights64(losses, [1, 2, 0.5]);
    const check = checkGradientAgainst64((x) => weighter.combine(x), losses, [3], (x) => x.reduce((s, l, t) => s + (w[t] ?? 0) * Math.log(l), 0));
    expect(check.worstExcess).toBeLessThanOrEqual(0);
    expect(maxRelativeError(check.analytic, losses.map((l, t) => (w[t] ?? 0) / l))).toBeLessThan(1e-6);
  });

  it('stays finite for loss scales far apart (1e-6 and 1e6)', async () => {
    await useBackend(backend);
    const weighter = new ImprovableGapWeighter({ numTasks: 2, baseLosses: [1e-6, 1e6] });
    const [value, grad] = tf.tidy(() => [
      scalarOf(weighter.combine([5e-6, 1e5])),
      Array.from(tf.grad((x: tf.Tensor) => weighter.combine(x))(tf.tensor1d([5e-6, 1e5])).dataSync()),
    ]);
    expect(Number.isFinite(value)).toBe(true);
    expect(grad.every(Number.isFinite)).toBe(true);
    expect(weighter.report().weights[0]).toBeCloseTo(2 / (1 + Math.exp(0.1 - 5)), 5);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const weighter = new ImprovableGapWeighter({ numTasks: 2, baseLosses: [1, 1] });
    const losses = tf.tensor1d([0.3, 0.7]);
    expectNoLeak(() => stepAndEvaluation((l) => weighter.combine(l), losses));
    losses.dispose();
  });
});

describe('ImprovableGapWeighter argument checks', () => {
  it('names the weighter and the argument', async () => {
    await useBackend('cpu');
    expect(() => new ImprovableGapWeighter({ numTasks: 2, baseEpoch: -1 })).toThrow("ImprovableGapWeighter: argument 'options.baseEpoch' must be an integer >= 0, got -1");
    expect(() => new ImprovableGapWeighter({ numTasks: 2, baseLosses: [1, 0] })).toThrow(/'options.baseLosses' must hold finite, positive numbers, got 0 for task 1/);
    const weighter = new ImprovableGapWeighter({ numTasks: 2 });
    expect(() => weighter.combine([0.5, 0])).toThrow(/'taskLosses' must be > 0 \(IGB weighs log-losses\), got 0 for task 'task1'/);
    expect(() => weighter.setBaseLosses([1])).toThrow(/'values' must hold 2 numbers/);
  });
});
