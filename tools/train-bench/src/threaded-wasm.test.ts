import { availableParallelism } from 'node:os';

import { ConfigError, MAX_WASM_THREADS } from '@counterweight/runtime';
import { beforeAll, describe, expect, it } from 'vitest';

import { measureWorkload } from './measure.js';
import { mlpWorkload } from './mlp.js';
import { useBackend } from './test-support/backends.js';
import { checkThreadedWasmOptions, measureThreadedWasm, threadedWasmThreads, type ThreadedWasmOptions } from './threaded-wasm.js';
import { roundTo } from './throughput-record.js';

const TINY: ThreadedWasmOptions = { workload: 'mlp', threads: 2, seed: 1, batches: 2, repetitions: 1, batchSize: 32 };

describe('threadedWasmThreads', () => {
  it('is one thread per core, capped at the threaded build’s maximum', () => {
    expect(threadedWasmThreads(1)).toBe(1);
    expect(threadedWasmThreads(2)).toBe(2);
    expect(threadedWasmThreads(64)).toBe(MAX_WASM_THREADS);
    expect(threadedWasmThreads()).toBe(Math.min(availableParallelism(), MAX_WASM_THREADS));
  });
});

describe('checkThreadedWasmOptions', () => {
  it('names the bad option before any process starts', async () => {
    expect(() => checkThreadedWasmOptions({ ...TINY, threads: 1 })).toThrow(/^threads: must be an integer from 2 to 8 /);
    expect(() => checkThreadedWasmOptions({ ...TINY, threads: MAX_WASM_THREADS + 1 })).toThrow(ConfigError);
    expect(() => checkThreadedWasmOptions({ ...TINY, workload: 'vit' as 'mlp' })).toThrow(/^workload: unknown workload "vit"/);
    expect(() => checkThreadedWasmOptions({ ...TINY, repetitions: 0 })).toThrow(/^repetitions: must be a positive integer, got 0$/);
    expect(() => checkThreadedWasmOptions({ ...TINY, batchSize: 2.5 })).toThrow(/^batchSize: /);
    expect(() => checkThreadedWasmOptions({ ...TINY, budgetSeconds: -1 })).toThrow(/^budgetSeconds: /);
    await expect(measureThreadedWasm({ ...TINY, threads: 0 })).rejects.toThrow(ConfigError);
    expect(checkThreadedWasmOptions(TINY)).toBe(TINY);
  });
});

describe('measureThreadedWasm', () => {
  beforeAll(() => useBackend('wasm'));

  it.runIf(availableParallelism() >= 2)(
    'trains the workload in a child on the threaded wasm build with one thread per core, as the single-threaded build does',
    async () => {
      const threads = threadedWasmThreads();
      const m = await measureThreadedWasm({ ...TINY, threads });
      expect(m.threads).toBe(threads);
      expect(m.threads).toBeGreaterThanOrEqual(2);
      expect(m.samplesPerSec).toBeGreaterThan(0);
      expect(m.record).toMatchObject({ workload: 'mlp', backend: 'wasm', threads, mode: 'threaded', loss: 'sigmoidCrossEntropy', batchSize: 32, repetitions: 1, batchesPerEpoch: 2 });
      const firstLoss = m.record['firstLoss'] as number;
      const lastLoss = m.record['lastLoss'] as number;
      expect(Number.isFinite(firstLoss) && Number.isFinite(lastLoss)).toBe(true);
      expect(lastLoss).toBeLessThan(firstLoss);
      // The threaded build splits XNNPACK's output tiles, never a sum: the same workload and seed on this process's
      // single-threaded wasm give bitwise the same losses.
      const workload = mlpWorkload({ seed: 1, batchSize: 32, batches: 2 });
      const single = await measureWorkload(workload, { repetitions: 1, seed: 1 });
      workload.dispose();
      expect(roundTo(single.firstLoss, 4)).toBe(firstLoss);
      expect(roundTo(single.lastLoss, 4)).toBe(lastLoss);
    },
    120_000,
  );
});
