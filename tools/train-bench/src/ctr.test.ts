import { beforeAll, describe, expect, it } from 'vitest';

import { TEST_BACKENDS, useBackend } from './test-support/backends.js';
import { ctrWorkload } from './ctr.js';
import { compareGradients, describeMismatches, gradientsOn, trainBriefly } from './test-support/workload-checks.js';

describe.each(TEST_BACKENDS)('ctr workload on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  // The cpu backend's UnsortedSegmentSum runs four ops per table row (about 4 ms per row and step), so cpu trains a
  // 20-row table; wasm trains the full 100,000-row table.
  const tableRows = backend === 'cpu' ? 20 : 100_000;

  it(`trains (table of ${tableRows} rows, batch 64): the loss decreases and the tensor count stays flat`, async () => {
    const { epochs, tensorCounts } = await trainBriefly(
      () => ctrWorkload({ seed: 1, batchSize: 64, batches: 4, tableRows }),
      3,
    );
    expect(epochs[2]?.loss).toBeLessThan(0.8 * (epochs[0]?.loss ?? 0));
    expect(new Set(tensorCounts).size).toBe(1);
  });
});

describe('ctr workload gradients', () => {
  // tfjs-cpu's UnsortedSegmentSum (the gather gradient) loops over every table row, so the cpu reference for the
  // full 100,000-row table takes about a minute; 2,000 rows exercise the same scatter-add.
  it('match between cpu and wasm on a fixed batch of 32 (table of 2,000 rows)', async () => {
    const make = () => ctrWorkload({ seed: 3, batchSize: 32, batches: 1, tableRows: 2000 });
    const cpu = await gradientsOn('cpu', make, 32);
    const wasm = await gradientsOn('wasm', make, 32);
    expect(wasm.loss).toBeCloseTo(cpu.loss, 4);
    const mismatches = compareGradients(cpu, wasm);
    expect(mismatches, describeMismatches(mismatches)).toEqual([]);
  });
});
