import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { GptConfig } from './gpt-config.js';
import { createGpt } from './gpt.js';
import { generateTokens } from './generate.js';
import { expectNoLeak } from './test-support/leak-check.js';

const config: GptConfig = { vocabularySize: 17, layers: 2, heads: 2, width: 16, context: 6, causal: true };

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

describe('generateTokens', () => {
  it('appends maxNewTokens ids in the vocabulary after the prompt, past the context length', () => {
    const gpt = createGpt(config, 1);
    try {
      const out = generateTokens(gpt, [3, 4], { maxNewTokens: 12, temperature: 1, seed: 5 });
      expect(out).toHaveLength(14);
      expect(Array.from(out.slice(0, 2))).toEqual([3, 4]);
      expect(Array.from(out).every((id) => id >= 0 && id < 17)).toBe(true);
    } finally {
      gpt.dispose();
    }
  });

  it('is seeded: the same seed gives the same tokens, another seed others; greedy needs no seed to repeat', () => {
    const gpt = createGpt(config, 1);
    try {
      const run = (seed: number, temperature = 1.5): Int32Array => generateTokens(gpt, [1, 2, 3], { maxNewTokens: 20, temperature, seed });
      expect(Array.from(run(7))).toEqual(Array.from(run(7)));
      expect(Array.from(run(7))).not.toEqual(Array.from(run(8)));
      expect(Array.from(run(7, 0))).toEqual(Array.from(run(8, 0)));
    } finally {
      gpt.dispose();
    }
  });

  it('greedy steps are the argmax of the last position over the last context tokens (cropped window)', () => {
    const gpt = createGpt(config, 2);
    try {
      const prompt = [1, 2, 3, 4, 5, 6, 7, 8];
      const out = generateTokens(gpt, prompt, { maxNewTokens: 1, temperature: 0, seed: 0 });
      const expected = tf.tidy(() => {
        const logits = gpt.logits(tf.tensor2d([prompt.slice(-6)], [1, 6], 'int32'));
        return tf.argMax(tf.reshape(tf.slice(logits, [0, 5, 0], [1, 1, 17]), [17])).dataSync()[0];
      });
      expect(out[8]).toBe(expected);
    } finally {
      gpt.dispose();
    }
  });

  it('rejects an empty prompt, an id outside the vocabulary, a negative temperature and a bidirectional model', () => {
    const gpt = createGpt(config, 1);
    const denoiser = createGpt({ ...config, causal: false }, 1);
    try {
      expect(() => generateTokens(gpt, [], { maxNewTokens: 1, temperature: 1, seed: 0 })).toThrow('promptIds: is empty');
      expect(() => generateTokens(gpt, [1, 17], { maxNewTokens: 1, temperature: 1, seed: 0 })).toThrow(
        'promptIds: token 1 is 17, outside the vocabulary [0, 17)',
      );
      expect(() => generateTokens(gpt, [1], { maxNewTokens: 1, temperature: -1, seed: 0 })).toThrow(ConfigError);
      expect(() => generateTokens(gpt, [1], { maxNewTokens: 1, temperature: -1, seed: 0 })).toThrow('temperature: must be a finite number ≥ 0');
      expect(() => generateTokens(denoiser, [1], { maxNewTokens: 1, temperature: 1, seed: 0 })).toThrow('model: is bidirectional');
    } finally {
      gpt.dispose();
      denoiser.dispose();
    }
  });

  it('leaks no tensor', async () => {
    const gpt = createGpt(config, 1);
    try {
      await expectNoLeak(() => {
        generateTokens(gpt, [1, 2], { maxNewTokens: 10, temperature: 0.8, topK: 5, seed: 1 });
        return [];
      });
    } finally {
      gpt.dispose();
    }
  });
});
