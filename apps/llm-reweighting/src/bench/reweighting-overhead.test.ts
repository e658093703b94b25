import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import type { GptConfig } from '../models/index.js';
import { measureReweightingOverhead, overheadFromStepTimes } from './reweighting-overhead.js';

const TINY: GptConfig = { vocabularySize: 11, layers: 1, heads: 2, width: 8, context: 6, causal: true };

describe('overheadFromStepTimes', () => {
  it('pairs the repetitions, takes the median ratio, and each median step time', () => {
    const s = overheadFromStepTimes([10, 20, 10, 40], [11, 22, 30, 41]);
    expect(s.ratios).toEqual([1.1, 1.1, 3, 41 / 40]);
    expect(s.ratio).toBeCloseTo((1.1 + 1.1) / 2, 12);
    expect(s.uniformStepMs).toBe(15);
    expect(s.reweightedStepMs).toBe(26);
    expect(() => overheadFromStepTimes([1], [])).toThrow(RangeError);
    expect(() => overheadFromStepTimes([], [])).toThrow(/at least one/);
  });
});

describe('measureReweightingOverhead', () => {
  it('times uniform and linupper on the same GPT, the ratio from its own step times, and leaks nothing', async () => {
    await initBackend('wasm', { log: null });
    const before = tf.memory().numTensors;
    const m = await measureReweightingOverhead({ config: TINY, batchSize: 4, steps: 3, repetitions: 3, seed: 1, warmupSteps: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(m).toMatchObject({ backend: 'wasm', baseline: 'uniform', objective: 'linupper', repetitions: 3, stepsPerRepetition: 3, warmupSteps: 2 });
    expect(m.ratios).toHaveLength(3);
    expect(m.ratios.every((r) => r > 0 && Number.isFinite(r))).toBe(true);
    const sorted = [...m.ratios].sort((a, b) => a - b);
    expect(m.ratio).toBe(sorted[1]);
    expect(m.uniformStepMs).toBeGreaterThan(0);
    expect(m.reweightedStepMs).toBeGreaterThan(0);
  }, 60_000);

  it('names a bad count', async () => {
    await initBackend('wasm', { log: null });
    await expect(measureReweightingOverhead({ config: TINY, batchSize: 4, steps: 1, repetitions: 0, seed: 1 })).rejects.toThrow(/^repetitions: must be an integer >= 1, got 0$/);
  });
});
