import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type FeatureArray } from '@counterweight/runtime';

import { useBackend } from './test-support/backends.js';
import { WORKLOADS } from './workloads.js';
import { WORKLOAD_NAMES, type Workload } from './workload.js';

function shapes(workload: Workload): Record<string, number[]> {
  return Object.fromEntries(workload.model.variables.map((v) => [v.name, v.variable.shape]));
}

beforeAll(() => useBackend('cpu'));

describe('benchmark workloads at their benchmark shapes', () => {
  it('mlp: 256-512-512-1, batch 1024', () => {
    const w = WORKLOADS.mlp({ seed: 1, batches: 1 });
    expect(shapes(w)).toEqual({
      'dense0/kernel': [256, 512],
      'dense0/bias': [512],
      'dense1/kernel': [512, 512],
      'dense1/bias': [512],
      'dense2/kernel': [512, 1],
      'dense2/bias': [1],
    });
    expect([w.batchSize, w.data.size, w.lossName]).toEqual([1024, 1024, 'sigmoidCrossEntropy']);
    w.dispose();
  });

  it('cnn: conv 32 3×3 → pool → conv 64 3×3 → pool → dense 128 → dense 10, batch 256 of 28×28×1', () => {
    const w = WORKLOADS.cnn({ seed: 1, batches: 1 });
    expect(shapes(w)).toEqual({
      'conv1/kernel': [3, 3, 1, 32],
      'conv1/bias': [32],
      'conv2/kernel': [3, 3, 32, 64],
      'conv2/bias': [64],
      'dense1/kernel': [5 * 5 * 64, 128],
      'dense1/bias': [128],
      'dense2/kernel': [128, 10],
      'dense2/bias': [10],
    });
    expect(w.data.inputs).toMatchObject({ shape: [28, 28, 1] });
    expect([w.batchSize, w.lossName]).toEqual([256, 'softmaxCrossEntropy']);
    const batch = w.data.gather(Int32Array.from([0, 1]));
    const logits = w.model.predict(batch.inputs, { training: false });
    expect(logits.shape).toEqual([2, 10]);
    tf.dispose([logits, batch.inputs, batch.targets]);
    w.dispose();
  });

  it('gpt: 2 blocks of width 128, tied output, context 128, vocabulary 65, batch 16', () => {
    const w = WORKLOADS.gpt({ seed: 1, batches: 1 });
    const s = shapes(w);
    expect(s['tokenEmbedding']).toEqual([65, 128]);
    expect(s['positionEmbedding']).toEqual([128, 128]);
    expect(s['block1/attention/qkv/kernel']).toEqual([128, 384]);
    expect(s['block1/mlp/fc/kernel']).toEqual([128, 512]);
    expect(s['block1/mlp/proj/kernel']).toEqual([512, 128]);
    expect(new Set(Object.keys(s).filter((n) => n.startsWith('block')).map((n) => n.split('/')[0]))).toEqual(
      new Set(['block0', 'block1']),
    );
    expect(Object.keys(s).filter((name) => name.includes('head'))).toEqual([]); // no separate output matrix
    expect(Object.keys(s)).toHaveLength(2 + 2 * 12 + 2);
    expect([w.batchSize, w.tokensPerRow, w.lossName]).toEqual([16, 128, 'softmaxCrossEntropy']);
    w.dispose();
  });

  it('ctr: one 100,000 × 16 table for 26 fields, 13 dense features, MLP 400-400-1, batch 1024', () => {
    const w = WORKLOADS.ctr({ seed: 1, batches: 1 });
    expect(shapes(w)).toEqual({
      'embedding/table': [100_000, 16],
      'dense0/kernel': [26 * 16 + 13, 400],
      'dense0/bias': [400],
      'dense1/kernel': [400, 400],
      'dense1/bias': [400],
      'dense2/kernel': [400, 1],
      'dense2/bias': [1],
    });
    const inputs = w.data.inputs as Readonly<Record<string, FeatureArray>>;
    expect(inputs['categorical']?.shape).toEqual([26]);
    expect(inputs['categorical']?.values).toBeInstanceOf(Int32Array);
    expect(inputs['dense']?.shape).toEqual([13]);
    expect(Math.max(...Array.from(inputs['categorical']?.values ?? []))).toBeLessThan(100_000);
    expect([w.batchSize, w.lossName]).toEqual([1024, 'sigmoidCrossEntropy']);
    w.dispose();
  });
});

describe.each(WORKLOAD_NAMES)('%s workload factory', (name) => {
  const small = { batchSize: 4, batches: 2 };

  it('gives identical weights and data for the same seed and different ones for another seed', () => {
    const read = (seed: number) => {
      const w = WORKLOADS[name]({ seed, ...small });
      const weights = w.model.variables.map((v) => Array.from(v.variable.dataSync()));
      const targets = Array.from(w.data.targets.values);
      w.dispose();
      return { weights, targets };
    };
    const a = read(5);
    expect(read(5)).toEqual(a);
    expect(read(6).weights).not.toEqual(a.weights);
  });

  it('holds whole batches and releases every tensor on dispose', () => {
    const before = tf.memory().numTensors;
    const w = WORKLOADS[name]({ seed: 1, ...small });
    expect(w.data.size).toBe(8);
    expect(w.batchSize).toBe(4);
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => WORKLOADS[name]({ seed: 1, batchSize: 0 })).toThrow(ConfigError);
  });
});
