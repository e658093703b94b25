import { LOSS_CATALOG } from '@counterweight/core-losses';
import { initBackend } from '@counterweight/runtime';
import { cnnWorkload } from '@counterweight/train-bench';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { catalogConfigs, classCounts, lossOnlyTimes, stepTimeRounds, stepTimes } from './overhead.js';

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

  it('rotates the order of the configurations from round to round and restores every model\'s variables', async () => {
    const workload = cnnWorkload({ seed: 1, batches: 1, batchSize: 4, imageSize: 10 });
    const extra = tf.variable(tf.scalar(2));
    try {
      const order: string[] = [];
      const base = catalogConfigs(classCounts(workload, 10))[0]!;
      const logged = (name: string, withExtra: boolean) => ({
        name,
        loss: (inputs: Parameters<typeof base.loss>[0]) => {
          order.push(name);
          // the extra variable is trained by the configuration that owns it
          return withExtra ? tf.add<tf.Scalar>(base.loss(inputs), tf.square(extra)) : base.loss(inputs);
        },
        ...(withExtra ? { model: { ...workload.model, trainableVariables: [...workload.model.trainableVariables, extra], variables: [...workload.model.variables, { name: 'extra', variable: extra }] } } : {}),
      });
      const rounds = await stepTimeRounds(workload, [logged('a', false), logged('b', false), logged('c', true)], { repetitions: 3, seed: 1 });
      expect(Object.values(rounds.wallMs).map((v) => v.length)).toEqual([3, 3, 3]);
      expect(Object.values(rounds.cpuMs).map((v) => v.length)).toEqual([3, 3, 3]);
      for (const ms of [...Object.values(rounds.wallMs), ...Object.values(rounds.cpuMs)].flat()) expect(ms).toBeGreaterThan(0);
      // warm-up a b c, then rounds starting at a, b, c (one step per epoch: one loss call each)
      expect(order.join('')).toBe('abc' + 'abc' + 'bca' + 'cab');
      expect(extra.dataSync()[0]).toBe(2);
    } finally {
      extra.dispose();
      workload.dispose();
    }
  });

  it('times every loss alone', () => {
    const times = lossOnlyTimes([5, 4, 3, 2, 1], { batch: 16, iterations: 1, repetitions: 1 });
    expect(Object.keys(times)).toEqual(LOSS_CATALOG.map((e) => e.name));
    for (const us of Object.values(times)) expect(us).toBeGreaterThan(0);
  });
});
