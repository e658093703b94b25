import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { FixedTaskWeighter, sumTaskWeighter } from './task-weighting.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { maxRelativeError } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

describe.each(TEST_BACKENDS)('FixedTaskWeighter and sumTaskWeighter on %s', (backend) => {
  it('report the closed-form weights on a two-task toy problem and total Σ w·L', async () => {
    await useBackend(backend);
    // Two tasks with loss scales 4 and 0.25: fixed weights stay what they were given, the sum weighs both 1.
    const fixed = new FixedTaskWeighter({ taskNames: ['pm25', 'weather'], weights: [0.25, 4] });
    const plain = sumTaskWeighter({ numTasks: 2 });
    expect(fixed.method).toBe('fixed');
    expect(plain.method).toBe('sum');
    expect(fixed.report()).toEqual({ step: 0, losses: [Number.NaN, Number.NaN], weights: [0.25, 4] });
    const [a, b] = tf.tidy(() => [scalarOf(fixed.combine([4, 0.25])), scalarOf(plain.combine({ task0: tf.scalar(4), task1: tf.scalar(0.25) }))]);
    expect(a).toBeCloseTo(0.25 * 4 + 4 * 0.25, 6);
    expect(b).toBeCloseTo(4.25, 6);
    expect(fixed.report()).toEqual({ step: 1, losses: [4, 0.25], weights: [0.25, 4] });
    expect(plain.report().weights).toEqual([1, 1]);
    expect(fixed.variables).toEqual([]);
  });

  it('passes a finite-difference gradient check with respect to the task losses', async () => {
    await useBackend(backend);
    const fixed = new FixedTaskWeighter({ numTasks: 3, weights: [0.5, 2, 0] });
    const check = checkGradientAgainst64((x) => fixed.combine(x), [1.5, 0.2, 3], [3], (x) => 0.5 * (x[0] ?? 0) + 2 * (x[1] ?? 0));
    expect(check.worstExcess).toBeLessThanOrEqual(0);
    expect(maxRelativeError(check.analytic, [0.5, 2, 0])).toBeLessThan(1e-7);
  });

  it('leaves no tensors behind after a gradient step and an evaluation (outside tf.tidy)', async () => {
    await useBackend(backend);
    const fixed = new FixedTaskWeighter({ numTasks: 2, weights: [1, 3] });
    const losses = tf.tensor1d([0.3, 0.7]);
    expectNoLeak(() => stepAndEvaluation((l) => fixed.combine(l), losses));
    losses.dispose();
  });
});

describe('task weighter argument checks', () => {
  it('name the weighter and the argument', async () => {
    await useBackend('cpu');
    expect(() => new FixedTaskWeighter({})).toThrow("FixedTaskWeighter: argument 'options.numTasks' is required (or pass options.taskNames)");
    expect(() => new FixedTaskWeighter({ numTasks: 0 })).toThrow(/'options.numTasks' must be an integer >= 1, got 0/);
    expect(() => new FixedTaskWeighter({ taskNames: ['a', 'a'] })).toThrow(/'options.taskNames' must not repeat a name/);
    expect(() => new FixedTaskWeighter({ numTasks: 3, taskNames: ['a', 'b'] })).toThrow(/'options.numTasks' is 3 but 'options.taskNames' names 2 tasks/);
    expect(() => new FixedTaskWeighter({ numTasks: 2, weights: [1, -1] })).toThrow(/'options.weights' must be >= 0, got -1 for task 1/);
    const w = sumTaskWeighter({ taskNames: ['a', 'b'] });
    expect(() => w.combine([1, 2, 3])).toThrow("sumTaskWeighter: argument 'taskLosses' must have shape [2] (one loss per task), got [3]");
    expect(() => w.combine({ a: tf.scalar(1) })).toThrow(/'taskLosses' lacks task 'b'/);
    expect(() => w.combine({ a: tf.scalar(1), b: tf.scalar(1), c: tf.scalar(1) })).toThrow(/'taskLosses' has unknown task\(s\) 'c'/);
    expect(() => w.combine({ a: tf.scalar(1), b: tf.tensor1d([1, 2]) })).toThrow(/task 'b' must be a scalar loss, got shape \[2\]/);
    expect(() => w.combine([1, Number.POSITIVE_INFINITY])).toThrow(/'taskLosses' must be finite, got Infinity for task 'b'/);
    expect(() => w.onEpochEnd(-1)).toThrow(/'epoch' must be an integer >= 0/);
    w.dispose();
    expect(() => w.combine([1, 2])).toThrow("sumTaskWeighter: argument 'this' was disposed");
  });
});
