import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { md4MaskTokens } from './md4-masking.js';
import { md4Schedule } from './md4-schedule.js';
import { useBackend } from './test-support/backend.js';
import { expectNoLeak } from './test-support/leak-check.js';
import { intArray, makeRandom } from './test-support/random-inputs.js';

const V = 27; // text8's vocabulary; the mask token is V
const B = 8;
const L = 4000;
const TOKENS = intArray(makeRandom(11), B * L, V);

function read(batch: ReturnType<typeof md4MaskTokens>): { noisy: Int32Array; masked: Float32Array; weights: Float32Array } {
  const out = {
    noisy: batch.noisyTokens.dataSync() as Int32Array,
    masked: batch.maskedTokens.dataSync() as Float32Array,
    weights: batch.elboWeights.dataSync() as Float32Array,
  };
  tf.dispose([batch.noisyTokens, batch.maskedTokens, batch.elboWeights]);
  return out;
}

describe('md4MaskTokens', () => {
  it('masks each token with probability 1 − α(t_b), replaces it by the mask id, and returns w(t_b) per sequence', async () => {
    await useBackend('cpu');
    const schedule = md4Schedule({ type: 'cosine' });
    const tokens = tf.tensor2d(TOKENS, [B, L], 'int32');
    let times: Float64Array = new Float64Array(0);
    let outputs: ReturnType<typeof read> = { noisy: new Int32Array(0), masked: new Float32Array(0), weights: new Float32Array(0) };
    // The three outputs are the only tensors made: read disposes them, and nothing else may be left.
    expectNoLeak(() => {
      const batch = md4MaskTokens(tokens, { maskTokenId: V, seed: 7, schedule });
      times = batch.times;
      outputs = read(batch);
      return [];
    });
    const { noisy, masked, weights } = outputs;
    tokens.dispose();
    // antithetic times: B evenly spaced points of [0, 1)
    const sorted = Array.from(times).sort((a, b) => a - b);
    for (let b = 1; b < B; b += 1) expect((sorted[b] ?? 0) - (sorted[b - 1] ?? 0)).toBeCloseTo(1 / B, 12);
    for (let b = 0; b < B; b += 1) {
      const t = times[b] ?? 0;
      expect(weights[b]).toBeCloseTo(Math.fround(schedule.weight(t)), 2);
      let count = 0;
      for (let n = 0; n < L; n += 1) {
        const i = b * L + n;
        if (masked[i] === 1) {
          count += 1;
          expect(noisy[i]).toBe(V);
        } else {
          expect(masked[i]).toBe(0);
          expect(noisy[i]).toBe(TOKENS[i]);
        }
      }
      const p = 1 - schedule.alpha(t);
      // binomial count: within 5 standard deviations (+1 for p near 0 or 1)
      expect(Math.abs(count - L * p)).toBeLessThanOrEqual(5 * Math.sqrt(L * p * (1 - p)) + 1);
    }
  });

  it('is fixed by its seed (times and masks), differs across seeds, and never masks padding', async () => {
    await useBackend('cpu');
    const small = TOKENS.slice(0, 4 * 50);
    const padding = Array.from({ length: 200 }, (_, i) => (i % 50 < 40 ? 1 : 0));
    const rows = Array.from({ length: 4 }, (_, r) => small.slice(r * 50, r * 50 + 50));
    const a = md4MaskTokens(tf.tensor2d(small, [4, 50], 'int32'), { maskTokenId: V, seed: 3, mask: tf.tensor2d(padding, [4, 50]), times: [1, 1, 1, 1] });
    const b = md4MaskTokens(rows, { maskTokenId: V, seed: 3, mask: rows.map((_, r) => padding.slice(r * 50, r * 50 + 50)), times: [1, 1, 1, 1] }); // plain arrays too
    const ra = read(a);
    const rb = read(b);
    expect(Array.from(ra.noisy)).toEqual(Array.from(rb.noisy));
    // t = 1: everything real is masked except with probability ε = 1e-4; padding never
    padding.forEach((real, i) => {
      if (real === 0) {
        expect(ra.masked[i]).toBe(0);
        expect(ra.noisy[i]).toBe(small[i]);
      }
    });
    expect(ra.masked.reduce((s, v) => s + v, 0)).toBeGreaterThanOrEqual(158);
    const x = md4MaskTokens(tf.tensor2d(small, [4, 50], 'int32'), { maskTokenId: V, seed: 1, antithetic: false });
    const y = md4MaskTokens(tf.tensor2d(small, [4, 50], 'int32'), { maskTokenId: V, seed: 1, antithetic: false });
    const z = md4MaskTokens(tf.tensor2d(small, [4, 50], 'int32'), { maskTokenId: V, seed: 2, antithetic: false });
    expect(Array.from(x.times)).toEqual(Array.from(y.times));
    expect(Array.from(x.times)).not.toEqual(Array.from(z.times));
    expect(Array.from(read(x).masked)).toEqual(Array.from(read(y).masked));
    read(z);
  });

  it('rejects bad arguments, naming them', async () => {
    await useBackend('cpu');
    const tokens = [[1, 2, 3]];
    expect(() => md4MaskTokens([1, 2, 3], { maskTokenId: V, seed: 0 })).toThrow("md4MaskTokens: argument 'tokens' must have shape [B, L], got [3]");
    expect(() => md4MaskTokens([[1, 2.5]], { maskTokenId: V, seed: 0 })).toThrow(/'tokens' must hold non-negative integer token ids, got 2.5 at flat index 1/);
    expect(() => md4MaskTokens(tokens, { maskTokenId: -1, seed: 0 })).toThrow(/'options.maskTokenId' must be a non-negative integer/);
    expect(() => md4MaskTokens(tokens, { maskTokenId: V, seed: 1.5 })).toThrow(/'options.seed' must be an integer in \[0, 2\^32 - 1\], got 1.5/);
    expect(() => md4MaskTokens(tokens, { maskTokenId: V, seed: 0, times: [0.1, 0.2] })).toThrow(/'options.times' must hold one time per sequence \(1\), got 2/);
    expect(() => md4MaskTokens(tokens, { maskTokenId: V, seed: 0, times: [2] })).toThrow(/'options.times' must lie in \[0, 1\], got 2 at index 0/);
    expect(() => md4MaskTokens(tokens, { maskTokenId: V, seed: 0, mask: [[1, 0]] })).toThrow(/'options.mask' must have the shape of 'tokens' \[1,3\], got \[1,2\]/);
    expect(() => md4MaskTokens(tokens, { maskTokenId: V, seed: 0, mask: [[1, 0, 2]] })).toThrow(/'options.mask' must hold 0 or 1, got 2 at flat index 2/);
    expect(() => md4MaskTokens(tokens, { maskTokenId: V, seed: 0, schedule: { type: 'square' as 'linear' } })).toThrow(/md4Schedule: argument 'options.type'/);
  });
});
