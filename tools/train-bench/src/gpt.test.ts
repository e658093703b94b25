import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { geluTanh, gptWorkload, layerNorm } from './gpt.js';
import { compareGradients, describeMismatches, gradientsOn, trainBriefly } from './test-support/workload-checks.js';

describe('gpt building blocks', () => {
  beforeAll(() => useBackend('cpu'));

  it('layerNorm normalises the last axis and applies gain and bias', () => {
    const x = tf.tensor2d([[1, 2, 3, 4], [-2, 0, 2, 8]]);
    const y = layerNorm(x, tf.tensor1d([1, 1, 2, 2]), tf.tensor1d([0, 0, 1, 1]), 0);
    const values = y.arraySync() as number[][];
    const row0 = [-3, -1, 1, 3].map((v) => v / Math.sqrt(5));
    expect(values[0]?.[0]).toBeCloseTo(row0[0] ?? 0, 5);
    expect(values[0]?.[3]).toBeCloseTo(2 * (row0[3] ?? 0) + 1, 5);
    tf.dispose([x, y]);
  });

  it('geluTanh matches the tanh formula', () => {
    const x = tf.tensor1d([-3, -1, 0, 0.5, 2]);
    const expected = [-3, -1, 0, 0.5, 2].map(
      (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    );
    const y = geluTanh(x);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? 0, 6));
    tf.dispose([x, y]);
  });

  it('is causal: changing a later token leaves earlier logits unchanged', () => {
    const workload = gptWorkload({ seed: 2, batchSize: 1, batches: 1, context: 8 });
    const a = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]], undefined, 'int32');
    const b = tf.tensor2d([[1, 2, 3, 4, 60, 6, 7, 8]], undefined, 'int32');
    const la = workload.model.predict(a, { training: false });
    const lb = workload.model.predict(b, { training: false });
    expect(la.shape).toEqual([1, 8, 65]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(la, lb)), -1).dataSync() as Float32Array);
    expect(Array.from(diff.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(diff[4]).toBeGreaterThan(0);
    tf.dispose([a, b, la, lb]);
    workload.dispose();
  });
});

describe.each(TEST_BACKENDS)('gpt workload on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('trains (context 16, batch 4): the loss decreases and the tensor count stays flat', async () => {
    const { epochs, tensorCounts } = await trainBriefly(
      () => gptWorkload({ seed: 1, batchSize: 4, batches: 4, context: 16 }),
      3,
    );
    expect(epochs[2]?.loss).toBeLessThan(0.9 * (epochs[0]?.loss ?? 0));
    expect(new Set(tensorCounts).size).toBe(1);
  });
});

describe('gpt workload gradients', () => {
  it('match between cpu and wasm on a fixed batch of 2 full-length (128-token) sequences', async () => {
    const make = () => gptWorkload({ seed: 3, batchSize: 2, batches: 1 });
    const cpu = await gradientsOn('cpu', make, 2);
    const wasm = await gradientsOn('wasm', make, 2);
    expect(wasm.loss).toBeCloseTo(cpu.loss, 4);
    const mismatches = compareGradients(cpu, wasm);
    expect(mismatches, describeMismatches(mismatches)).toEqual([]);
  });
});
