import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from '../training/test-support/backends.js';
import { measureLosses, measureWorkload, median } from './measure.js';
import { mlpWorkload } from './mlp.js';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('measureWorkload / measureLosses', () => {
  beforeAll(() => useBackend('cpu'));

  it('times the requested repetitions after a warm-up, with the workload loss', async () => {
    const workload = mlpWorkload({ seed: 1, batchSize: 32, batches: 2 });
    const sample = await measureWorkload(workload, { repetitions: 3, seed: 1 });
    workload.dispose();
    expect(sample.repetitions).toBe(3);
    expect(sample.samplesPerSec).toBeGreaterThan(0);
    expect(sample.stepMs).toBeCloseTo((1000 * 32) / sample.samplesPerSec, 6);
    expect(sample.spread).toBeGreaterThanOrEqual(0);
    expect(sample.lastLoss).toBeLessThan(sample.firstLoss);
  });

  it('lowers the repetitions to fit the time budget, keeping at least one', async () => {
    const workload = mlpWorkload({ seed: 1, batchSize: 32, batches: 2 });
    const measured = await measureLosses(workload, { ce: workload.loss, again: workload.loss }, {
      repetitions: 50,
      budgetSeconds: 1e-6,
      seed: 1,
    });
    workload.dispose();
    expect(Object.keys(measured)).toEqual(['ce', 'again']);
    expect(measured['ce']?.repetitions).toBe(1);
    expect(measured['again']?.repetitions).toBe(1);
  });
});
