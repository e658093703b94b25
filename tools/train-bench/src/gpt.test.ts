import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { gptWorkload, nanogptWorkload } from './gpt.js';
import { compareGradients, describeMismatches, gradientsOn, trainBriefly } from './test-support/workload-checks.js';

describe('gpt workloads', () => {
  beforeAll(() => useBackend('cpu'));

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

  it("nanogpt is nanoGPT's CPU shape: 4 blocks, context 64, batch 12; blocks and context are options", () => {
    const workload = nanogptWorkload({ seed: 1, batches: 1 });
    const names = workload.model.variables.map((v) => v.name);
    expect(new Set(names.filter((n) => n.startsWith('block')).map((n) => n.split('/')[0]))).toEqual(new Set(['block0', 'block1', 'block2', 'block3']));
    expect(workload.model.variables.find((v) => v.name === 'positionEmbedding')?.variable.shape).toEqual([64, 128]);
    expect([workload.name, workload.batchSize, workload.tokensPerRow, workload.data.size]).toEqual(['nanogpt', 12, 64, 12]);
    workload.dispose();
    const small = nanogptWorkload({ seed: 1, batches: 1, blocks: 1, context: 8 });
    expect(small.model.variables.filter((v) => v.name.startsWith('block1/')).length).toBe(0);
    expect(small.tokensPerRow).toBe(8);
    small.dispose();
  });

  it('rejects a block count that is not a positive integer', () => {
    expect(() => nanogptWorkload({ seed: 1, blocks: 0 })).toThrow(/blocks/);
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
