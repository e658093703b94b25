// In a test file of its own: vitest runs every file in a fresh process, and a process has one wasm module, started
// here with the threaded build.
import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import type { GptConfig } from '../models/index.js';
import { measureGptTraining } from './training-throughput.js';

const TINY: GptConfig = { vocabularySize: 11, layers: 1, heads: 2, width: 8, context: 6, causal: true };

describe('measureGptTraining on the threaded wasm backend', () => {
  it('reports the threaded mode with the backend’s threads, leaks nothing, and refuses a worker pool', async () => {
    await initBackend('wasm', { log: null, threads: 2 });
    const before = tf.memory().numTensors;
    const m = await measureGptTraining({ config: TINY, batchSize: 4, steps: 2, repetitions: 1, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(m).toMatchObject({ backend: 'wasm', mode: 'threaded', threads: 2, repetitions: 1 });
    expect(Number.isFinite(m.lastLoss)).toBe(true);
    await expect(measureGptTraining({ config: TINY, batchSize: 4, steps: 1, repetitions: 1, seed: 1, workers: 1 })).rejects.toThrow(
      /^workers: must be 0 on the threaded wasm backend \(2 compute threads already take the cores\), got 1$/,
    );
  }, 60_000);
});
