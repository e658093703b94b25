import { beforeAll, describe, expect, it } from 'vitest';

import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { mlpWorkload } from './mlp.js';
import { compareGradients, describeMismatches, gradientsOn, trainBriefly } from './test-support/workload-checks.js';

describe.each(TEST_BACKENDS)('mlp workload on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('trains: the loss decreases and the tensor count stays flat', async () => {
    const { epochs, tensorCounts } = await trainBriefly(() => mlpWorkload({ seed: 1, batchSize: 64, batches: 4 }), 3);
    expect(epochs[2]?.loss).toBeLessThan(0.7 * (epochs[0]?.loss ?? 0));
    expect(new Set(tensorCounts).size).toBe(1);
  });
});

describe('mlp workload gradients', () => {
  it('match between cpu and wasm on a fixed batch of 64', async () => {
    const make = () => mlpWorkload({ seed: 3, batchSize: 64, batches: 1 });
    const cpu = await gradientsOn('cpu', make, 64);
    const wasm = await gradientsOn('wasm', make, 64);
    expect(wasm.loss).toBeCloseTo(cpu.loss, 4);
    const mismatches = compareGradients(cpu, wasm);
    expect(mismatches, describeMismatches(mismatches)).toEqual([]);
  });
});
