import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { ImprovableGapWeighter } from './igb-weighting.js';
import { SoftmaxTaskWeighter } from './softmax-task-weighting.js';
import { createTaskWeighter, type TaskWeighterSpec } from './task-weighter-factory.js';
import { FixedTaskWeighter } from './task-weighting.js';
import { useBackend } from './test-support/backend.js';
import { UncertaintyTaskWeighter } from './uncertainty-weighting.js';

describe('createTaskWeighter', () => {
  it('builds every method with its options, and the built weighter reports that method', async () => {
    await useBackend('cpu');
    const specs: [TaskWeighterSpec, abstract new (...args: never[]) => unknown, number][] = [
      [{ method: 'sum', numTasks: 2 }, FixedTaskWeighter, 0],
      [{ method: 'fixed', numTasks: 2, weights: [0.5, 2] }, FixedTaskWeighter, 0],
      [{ method: 'uncertainty', numTasks: 2, variant: 'plain', initialLogVariances: [0, Math.log(2)] }, UncertaintyTaskWeighter, 1],
      [{ method: 'igb', numTasks: 2, baseEpoch: 0 }, ImprovableGapWeighter, 0],
      [{ method: 'softmax', numTasks: 2, priorWeights: [1, 3] }, SoftmaxTaskWeighter, 1],
    ];
    const start = tf.memory().numTensors;
    for (const [spec, type, numVariables] of specs) {
      const weighter = createTaskWeighter(spec);
      expect(weighter).toBeInstanceOf(type);
      expect(weighter.method).toBe(spec.method);
      expect(weighter.variables).toHaveLength(numVariables);
      weighter.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
    const uncertainty = createTaskWeighter({ method: 'uncertainty', numTasks: 2, variant: 'plain', initialLogVariances: [0, Math.log(2)] });
    expect(uncertainty.report().weights[1]).toBeCloseTo(0.5, 6);
    uncertainty.dispose();
  });

  it('names the argument for an unknown method', () => {
    expect(() => createTaskWeighter({ method: 'gradnorm', numTasks: 2 } as unknown as TaskWeighterSpec)).toThrow(
      "createTaskWeighter: argument 'spec.method' must be one of 'sum', 'fixed', 'uncertainty', 'igb', 'softmax', got 'gradnorm'",
    );
  });
});
