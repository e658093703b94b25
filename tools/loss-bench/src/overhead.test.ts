import { LOSS_CATALOG } from '@counterweight/core-losses';
import { initBackend } from '@counterweight/runtime';
import { cnnWorkload } from '@counterweight/train-bench';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { catalogConfigs, classCounts, lossOnlyTimes, stepTimes } from './overhead.js';

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

describe('loss overhead measurement', () => {
  it('trains the cnn workload with every catalog loss, restores the weights between configurations and leaks nothing', async () => {
    const workload = cnnWorkload({ seed: 1, batches: 1, batchSize: 8, imageSize: 12 });
    try {
      const counts = classCounts(workload, 10);
      expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(8);
      const configs = catalogConfigs(counts);
      expect(configs.map((c) => c.name)).toEqual(LOSS_CATALOG.map((e) => e.name));
      const before = workload.model.variables.map((v) => Array.from(v.variable.dataSync()));
      const tensors = tf.memory().numTensors;
      const times = await stepTimes(workload, [...configs.slice(0, 3), { name: 'sam', loss: configs[0]!.loss, weightPerturbation: { kind: 'sam', rho: 0.05 } }], {
        repetitions: 1,
        seed: 1,
      });
      expect(tf.memory().numTensors).toBe(tensors);
      expect(Object.keys(times)).toEqual([...configs.slice(0, 3).map((c) => c.name), 'sam']);
      for (const ms of Object.values(times)) expect(ms).toBeGreaterThan(0);
      expect(workload.model.variables.map((v) => Array.from(v.variable.dataSync()))).toEqual(before);
    } finally {
      workload.dispose();
    }
  });

  it('times every loss alone', () => {
    const times = lossOnlyTimes([5, 4, 3, 2, 1], { batch: 16, iterations: 1, repetitions: 1 });
    expect(Object.keys(times)).toEqual(LOSS_CATALOG.map((e) => e.name));
    for (const us of Object.values(times)) expect(us).toBeGreaterThan(0);
  });
});
