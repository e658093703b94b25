import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { GptConfig } from './gpt-config.js';
import { createGpt } from './gpt.js';
import { md4SamplingTimes, sampleMd4 } from './md4-sample.js';
import { expectNoLeak } from './test-support/leak-check.js';

const VOCABULARY = 13;
const diffusion: GptConfig = { vocabularySize: VOCABULARY, layers: 2, heads: 2, width: 16, context: 12, causal: false };

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

describe('md4SamplingTimes', () => {
  it("follows the reference's get_sampling_grid: t = (T − i)/T, s = t − 1/T, then cos(π/2·(1 − ·)) on the cosine grid", () => {
    // google-deepmind/md4 md4.py lines 275–281, evaluated here for T = 4.
    const T = 4;
    for (let i = 0; i < T; i += 1) {
      const t = (T - i) / T;
      const s = t - 1 / T;
      expect(md4SamplingTimes(i, T, 'uniform')).toEqual({ s, t });
      const cosine = md4SamplingTimes(i, T);
      expect(cosine.t).toBeCloseTo(Math.cos((Math.PI / 2) * (1 - t)), 15);
      expect(cosine.s).toBeCloseTo(Math.cos((Math.PI / 2) * (1 - s)), 15);
    }
    expect(md4SamplingTimes(0, T)).toEqual({ s: Math.cos(Math.PI / 8), t: 1 });
    expect(md4SamplingTimes(T - 1, T).s).toBeLessThan(1e-15);
  });
});

describe('sampleMd4', () => {
  it('fills every position after the prompt with a real token, keeps the prompt, and is seeded', () => {
    const gpt = createGpt(diffusion, 3);
    try {
      const run = (seed: number, temperature = 1.5) => Array.from(sampleMd4(gpt, [4, 5, 6], { length: 12, steps: 50, temperature, seed }));
      const out = run(7);
      expect(out).toHaveLength(12);
      expect(out.slice(0, 3)).toEqual([4, 5, 6]);
      expect(out.every((id) => Number.isInteger(id) && id >= 0 && id < VOCABULARY)).toBe(true);
      expect(run(7)).toEqual(out);
      expect(run(8)).not.toEqual(out);
    } finally {
      gpt.dispose();
    }
  });

  it('with one step unmasks every position at once: at temperature 0 the most likely token given the all-masked input', () => {
    const gpt = createGpt(diffusion, 4);
    try {
      const prompt = [1, 2];
      const masked = new Int32Array(10).fill(VOCABULARY);
      masked.set(prompt);
      const logits = tf.tidy(() => gpt.logits(tf.tensor2d(masked, [1, 10], 'int32')));
      const expected = Array.from((tf.tidy(() => tf.argMax(logits, -1)).dataSync() as Int32Array).slice(2));
      logits.dispose();
      // One step: unmask probability (α(0) − α(1))/(1 − α(1)) = 1 − ε/(1 − ε) with ε = 1e-4.
      const out = Array.from(sampleMd4(gpt, prompt, { length: 10, steps: 1, temperature: 0, seed: 1 }));
      expect(out.slice(0, 2)).toEqual(prompt);
      expect(out.slice(2)).toEqual(expected);
    } finally {
      gpt.dispose();
    }
  });

  it('samples from nothing but masks (an empty prompt) and leaves no tensor behind', async () => {
    const gpt = createGpt(diffusion, 5);
    try {
      await expectNoLeak(() => {
        const out = sampleMd4(gpt, [], { length: 8, steps: 20, temperature: 1, topK: 3, seed: 2, grid: 'uniform' });
        expect(out).toHaveLength(8);
        expect(Array.from(out).every((id) => id >= 0 && id < VOCABULARY)).toBe(true);
        return [];
      });
    } finally {
      gpt.dispose();
    }
  });

  it('names what is wrong: a causal model, a length beyond the context, a long prompt, an id outside the vocabulary, bad steps', () => {
    const gpt = createGpt(diffusion, 6);
    const causal = createGpt({ ...diffusion, causal: true }, 6);
    const options = { length: 8, steps: 10, temperature: 1, seed: 1 };
    try {
      expect(() => sampleMd4(causal, [1], options)).toThrow(/^model: is causal; masked-diffusion sampling needs the bidirectional \(md4\) GPT$/);
      expect(() => sampleMd4(gpt, [1], { ...options, length: 13 })).toThrow(/^length: must be an integer from 1 to the model's context 12, got 13$/);
      expect(() => sampleMd4(gpt, [1, 2, 3], { ...options, length: 2 })).toThrow(/^promptIds: has 3 tokens, more than length 2$/);
      expect(() => sampleMd4(gpt, [1, VOCABULARY], options)).toThrow(/^promptIds: token 1 is 13, outside the vocabulary \[0, 13\)$/);
      expect(() => sampleMd4(gpt, [1], { ...options, steps: 0 })).toThrow(ConfigError);
      expect(() => sampleMd4(gpt, [1], { ...options, temperature: -1 })).toThrow(/^temperature:/);
    } finally {
      gpt.dispose();
      causal.dispose();
    }
  });
});
