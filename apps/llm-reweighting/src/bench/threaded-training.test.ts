import { availableParallelism } from 'node:os';

import { ConfigError, MAX_WASM_THREADS, initBackend } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { parameterCount, type GptConfig } from '../models/index.js';
import { defaultWasmThreads, measureThreadedGptTraining } from './threaded-training.js';
import { measureGptTraining } from './training-throughput.js';

const TINY: GptConfig = { vocabularySize: 11, layers: 1, heads: 2, width: 8, context: 6, causal: true };
const OPTIONS = { config: TINY, batchSize: 4, steps: 3, repetitions: 2, seed: 1 };

describe('defaultWasmThreads', () => {
  it('is one thread per core up to the threaded build’s maximum, and 0 on one core', () => {
    expect(defaultWasmThreads(1)).toBe(0);
    expect(defaultWasmThreads(2)).toBe(2);
    expect(defaultWasmThreads(64)).toBe(MAX_WASM_THREADS);
    expect(defaultWasmThreads()).toBe(availableParallelism() < 2 ? 0 : Math.min(availableParallelism(), MAX_WASM_THREADS));
  });
});

describe('measureThreadedGptTraining', () => {
  it.runIf(availableParallelism() >= 2)(
    'trains the GPT in a child on the threaded wasm build with one thread per core, bitwise as one thread does',
    async () => {
      const threads = defaultWasmThreads();
      const { training, simd } = await measureThreadedGptTraining({ ...OPTIONS, threads });
      expect(simd).toBe(true);
      expect(training).toMatchObject({ backend: 'wasm', mode: 'threaded', threads, repetitions: 2, stepsPerRepetition: 3, parameterCount: parameterCount(TINY) });
      expect(training.threads).toBeGreaterThanOrEqual(2);
      expect(training.tokensPerSec).toBeGreaterThan(0);
      expect(Number.isFinite(training.firstLoss) && Number.isFinite(training.lastLoss)).toBe(true);
      expect(Math.abs(training.firstLoss - Math.log(11))).toBeLessThan(0.5);
      // The threaded build splits XNNPACK's output tiles, never a sum: this process's single-threaded wasm trains the
      // same GPT from the same seed to bitwise the same losses.
      await initBackend('wasm', { log: null, threads: 1 });
      const single = await measureGptTraining(OPTIONS);
      expect(single.mode).toBe('single');
      expect(training.firstLoss).toBe(single.firstLoss);
      expect(training.lastLoss).toBe(single.lastLoss);
    },
    120_000,
  );

  it("names a bad thread count before starting a process, and reports the child's own error", async () => {
    await expect(measureThreadedGptTraining({ ...OPTIONS, threads: 1 })).rejects.toThrow(/^threads: must be an integer from 2 to 8 /);
    await expect(measureThreadedGptTraining({ ...OPTIONS, threads: MAX_WASM_THREADS + 1 })).rejects.toThrow(ConfigError);
    await expect(measureThreadedGptTraining({ ...OPTIONS, steps: 0, threads: 2 })).rejects.toThrow(/^threaded wasm training: steps: must be an integer >= 1, got 0$/);
  }, 60_000);
});
