import { beforeAll, describe, expect, it } from 'vitest';

import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { cnnWorkload } from './cnn.js';
import { compareGradients, describeMismatches, gradientsOn, trainBriefly } from './test-support/workload-checks.js';

describe.each(TEST_BACKENDS)('cnn workload on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('trains (12×12 images, batch 16): the loss decreases and the tensor count stays flat', async () => {
    const { epochs, tensorCounts } = await trainBriefly(
      () => cnnWorkload({ seed: 1, batchSize: 16, batches: 4, imageSize: 12 }),
      3,
    );
    expect(epochs[2]?.loss).toBeLessThan(0.8 * (epochs[0]?.loss ?? 0));
    expect(new Set(tensorCounts).size).toBe(1);
  });
});

describe('cnn workload gradients', () => {
  it('match between cpu and wasm on a fixed batch of 8 full-size 28×28 images', async () => {
    const make = () => cnnWorkload({ seed: 3, batchSize: 8, batches: 1 });
    const cpu = await gradientsOn('cpu', make, 8);
    const wasm = await gradientsOn('wasm', make, 8);
    expect(wasm.loss).toBeCloseTo(cpu.loss, 4);
    const mismatches = compareGradients(cpu, wasm);
    expect(mismatches, describeMismatches(mismatches)).toEqual([]);
  });
});
