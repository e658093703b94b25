import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { GPT_BASELINE, gptMembers, gptStepRecords } from './gpt-bench.js';

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

const EXPECTED_MEMBERS = [
  'softmaxCrossEntropy',
  'sampleReweightedLoss (linUpper, r 0.4)',
  'SampleReweighter (linUpper, r 0.4, reports)',
  'crossEntropyWithNumberTokenLoss (WAS, λ 0.3)',
  'sphericalZLoss (a 1, b 0, mean)',
  'logPartitionPenalty (c 1e-4)',
  'maskedDiffusionLoss (linear, with md4MaskTokens)',
  'maskedDiffusionLoss (cosine, with md4MaskTokens)',
];

describe('gpt workload of the loss bench', () => {
  it('every member is a finite scalar loss of [B, T] targets and [B, T, V] logits', () => {
    const values = tf.tidy(() => {
      const targets = tf.tensor2d([0, 3, 12, 40, 5, 64, 9, 2], [2, 4], 'int32');
      const logits = tf.randomNormal([2, 4, 65], 0, 3, 'float32', 7);
      const extras = {} as Record<never, tf.Tensor>;
      return gptMembers().map((m) => {
        const v = m.loss({ targets, predictions: logits, sampleWeights: undefined, extras });
        expect(v.rank).toBe(0);
        return v.dataSync()[0] ?? Number.NaN;
      });
    });
    expect(values.every(Number.isFinite)).toBe(true);
    // CE + 1e-4·(log Z)² exceeds CE; sample reweighting (LinUpper down-weights easy sequences) differs from the mean
    expect(values[5]).toBeGreaterThan(values[0] ?? Number.POSITIVE_INFINITY);
    expect(values[1]).not.toBeCloseTo(values[0] ?? 0, 5);
  });

  it('times every member against plain cross-entropy in one sitting and leaks nothing', async () => {
    const tensors = tf.memory().numTensors;
    const records = await gptStepRecords('wasm', { batchSize: 2, batches: 1, context: 16, repetitions: 1, seed: 2 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(records.map((r) => r.config)).toEqual(EXPECTED_MEMBERS);
    const base = records.find((r) => r.config === GPT_BASELINE);
    expect(base?.ratio).toBe(1);
    for (const r of records) {
      expect(r.stepMs).toBeGreaterThan(0);
      expect(r.ratio).toBeCloseTo(r.stepMs / (base?.stepMs ?? Number.NaN), 1);
      expect(r).toMatchObject({ workload: 'gpt', backend: 'wasm', batchSize: 2, context: 16, stepsPerEpoch: 1, repetitions: 1, baseline: GPT_BASELINE });
    }
  });
});
