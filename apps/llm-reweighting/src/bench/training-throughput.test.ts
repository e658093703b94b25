import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { parameterCount, type GptConfig } from '../models/index.js';
import { measureGptTraining } from './training-throughput.js';

const TINY: GptConfig = { vocabularySize: 11, layers: 1, heads: 2, width: 8, context: 6, causal: true };

describe('measureGptTraining', () => {
  it.each(['wasm', 'cpu'] as const)('times single-threaded GPT steps on %s and leaks nothing', async (backend) => {
    await initBackend(backend, { log: null });
    const before = tf.memory().numTensors;
    const m = await measureGptTraining({ config: TINY, batchSize: 4, steps: 3, repetitions: 2, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(m).toMatchObject({ backend, mode: 'single', threads: 1, repetitions: 2, stepsPerRepetition: 3, parameterCount: parameterCount(TINY) });
    expect(m.tokensPerSec).toBeGreaterThan(0);
    expect(m.stepMs).toBeCloseTo((1000 * 4 * 6) / m.tokensPerSec, 6);
    expect(Number.isFinite(m.firstLoss) && Number.isFinite(m.lastLoss)).toBe(true);
    // Untrained, the loss is close to ln(V).
    expect(Math.abs(m.firstLoss - Math.log(11))).toBeLessThan(0.5);
    expect(m.spread).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('runs data-parallel steps over a worker and closes it', async () => {
    await initBackend('wasm', { log: null });
    const before = tf.memory().numTensors;
    const m = await measureGptTraining({ config: TINY, batchSize: 4, steps: 2, repetitions: 1, seed: 1, workers: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(m).toMatchObject({ backend: 'wasm', mode: 'data-parallel', threads: 2, repetitions: 1 });
    expect(m.tokensPerSec).toBeGreaterThan(0);
  }, 120_000);

  it('keeps one timed repetition within a zero budget, and names a bad count', async () => {
    await initBackend('wasm', { log: null });
    const m = await measureGptTraining({ config: TINY, batchSize: 2, steps: 1, repetitions: 4, budgetSeconds: 0, seed: 1 });
    expect(m.repetitions).toBe(1);
    await expect(measureGptTraining({ config: TINY, batchSize: 2, steps: 0, repetitions: 1, seed: 1 })).rejects.toThrow(/^steps: must be an integer >= 1, got 0$/);
    await expect(measureGptTraining({ config: TINY, batchSize: 2, steps: 1, repetitions: 1, seed: 1, workers: -1 })).rejects.toThrow(/^workers: /);
  }, 60_000);
});
