import { beforeAll, describe, expect, it } from 'vitest';

import { measureLosses, measureWorkload, summarizeThroughput } from './measure.js';
import { mlpWorkload } from './mlp.js';
import { useBackend } from './test-support/backends.js';

describe('summarizeThroughput', () => {
  it('reports the median throughput, the step time at it and the spread of a known timing fixture', () => {
    // Repetitions at 800, 1,250 and 1,000 rows/s with batches of 32 rows, worked by hand: median 1,000 rows/s,
    // 32 ms per step, spread (1,250 − 800) / 1,000 = 0.45.
    const sample = summarizeThroughput([800, 1250, 1000], 32, 0.7, 0.4);
    expect(sample).toEqual({ samplesPerSec: 1000, stepMs: 32, repetitions: 3, spread: 0.45, firstLoss: 0.7, lastLoss: 0.4 });
    // Even count: the median is the mean of the middle two, (1,000 + 2,000) / 2 = 1,500 rows/s, so 64 rows take
    // 42.67 ms; one outlier (10,000) moves the spread but not the median.
    const even = summarizeThroughput([2000, 10000, 1000, 500], 64, 1, 1);
    expect(even.samplesPerSec).toBe(1500);
    expect(even.stepMs).toBeCloseTo(42.6667, 4);
    expect(even.spread).toBeCloseTo(9500 / 1500, 12);
  });

  it('gives NaN, not a made-up number, without repetitions', () => {
    const sample = summarizeThroughput([], 32, 1, 1);
    expect(sample.samplesPerSec).toBeNaN();
    expect(sample.spread).toBeNaN();
    expect(sample.repetitions).toBe(0);
  });
});

describe('measureWorkload / measureLosses', () => {
  beforeAll(() => useBackend('cpu'));

  it('times the requested repetitions after a warm-up epoch, training with the workload loss', async () => {
    const workload = mlpWorkload({ seed: 1, batchSize: 32, batches: 2 });
    const sample = await measureWorkload(workload, { repetitions: 3, seed: 1 });
    workload.dispose();
    expect(sample.repetitions).toBe(3);
    expect(Number.isFinite(sample.samplesPerSec) && sample.samplesPerSec > 0).toBe(true);
    expect(Number.isFinite(sample.spread) && sample.spread >= 0).toBe(true);
    // Three Adam epochs after the warm-up lower the loss of the warm-up epoch.
    expect(sample.lastLoss).toBeLessThan(sample.firstLoss);
  });

  it('lowers the repetitions to fit the time budget, keeping at least one, for every loss', async () => {
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
