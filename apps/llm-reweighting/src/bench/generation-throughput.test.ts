import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import type { GptConfig } from '../models/index.js';
import { engineGeneration, measureGenerationThroughput } from './generation-throughput.js';

const TINY: GptConfig = { vocabularySize: 11, layers: 1, heads: 2, width: 8, context: 6, causal: true };

describe('engineGeneration', () => {
  it('divides the new tokens by the median run time', () => {
    expect(engineGeneration([0.5, 0.1, 0.2], 10)).toEqual({ tokensPerSec: 50, seconds: [0.5, 0.1, 0.2] });
  });
});

describe('measureGenerationThroughput', () => {
  it('times greedy tfjs and onnxruntime generation of the same GPT, the ratio from their medians, and leaks nothing', async () => {
    await initBackend('wasm', { log: null });
    const before = tf.memory().numTensors;
    // A prompt of 4 and 5 new tokens crosses the context of 6, so the window is cropped.
    const m = await measureGenerationThroughput({ config: TINY, seed: 3, promptTokens: 4, newTokens: 5, repetitions: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(m).toMatchObject({ backend: 'wasm', promptTokens: 4, newTokens: 5, repetitions: 3, onnxThreads: 1, sameTokens: true });
    expect(m.tfjs.seconds).toHaveLength(3);
    expect(m.onnxruntime.seconds).toHaveLength(3);
    expect(m.tfjs.tokensPerSec).toBe(engineGeneration(m.tfjs.seconds, 5).tokensPerSec);
    expect(m.ratio).toBeCloseTo(m.onnxruntime.tokensPerSec / m.tfjs.tokensPerSec, 12);
    expect(m.onnxBytes).toBeGreaterThan(0);
  }, 60_000);

  it('names a prompt longer than the context', async () => {
    await initBackend('wasm', { log: null });
    await expect(measureGenerationThroughput({ config: TINY, seed: 1, promptTokens: 7 })).rejects.toThrow(/^promptTokens: must be an integer from 1 to the context \(6\), got 7$/);
  });
});
