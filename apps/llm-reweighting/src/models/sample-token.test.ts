import { ConfigError, SeededRandom } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { checkGenerationOptions, sampleNextToken } from './sample-token.js';

describe('sampleNextToken', () => {
  it('temperature 0 picks the argmax, the lowest id on ties, without drawing', () => {
    const random = SeededRandom.fromSeed(1);
    const before = random.getState();
    expect(sampleNextToken([0.1, 3, -2, 3], { temperature: 0 }, random)).toBe(1);
    expect(random.getState()).toEqual(before);
  });

  it('samples in proportion to softmax(logits / temperature)', () => {
    const random = SeededRandom.fromSeed(2);
    const logits = [Math.log(1), Math.log(2), Math.log(7)];
    const counts = new Float64Array(3);
    for (let i = 0; i < 20_000; i += 1) {
      const token = sampleNextToken(logits, { temperature: 1 }, random);
      counts[token] = (counts[token] ?? 0) + 1;
    }
    expect((counts[0] ?? 0) / 20_000).toBeCloseTo(0.1, 2);
    expect((counts[1] ?? 0) / 20_000).toBeCloseTo(0.2, 2);
    expect((counts[2] ?? 0) / 20_000).toBeCloseTo(0.7, 2);
    // temperature 2 flattens: p ∝ √(1, 2, 7)
    const flat = new Float64Array(3);
    for (let i = 0; i < 20_000; i += 1) {
      const token = sampleNextToken(logits, { temperature: 2 }, random);
      flat[token] = (flat[token] ?? 0) + 1;
    }
    const z = 1 + Math.SQRT2 + Math.sqrt(7);
    expect((flat[0] ?? 0) / 20_000).toBeCloseTo(1 / z, 2);
  });

  it('top-k keeps only the k largest logits', () => {
    const random = SeededRandom.fromSeed(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i += 1) seen.add(sampleNextToken([1, 5, 4, 0, 4.5], { temperature: 5, topK: 2 }, random));
    expect([...seen].sort()).toEqual([1, 4]);
  });

  it('is seeded: the same seed gives the same draws', () => {
    const draw = (seed: number): number[] => {
      const random = SeededRandom.fromSeed(seed);
      return Array.from({ length: 50 }, () => sampleNextToken([0, 0.5, 1, 0.2], { temperature: 1 }, random));
    };
    expect(draw(4)).toEqual(draw(4));
    expect(draw(4)).not.toEqual(draw(5));
  });

  it('rejects empty or non-finite logits', () => {
    const random = SeededRandom.fromSeed(1);
    expect(() => sampleNextToken([], { temperature: 1 }, random)).toThrow('logits: is empty');
    expect(() => sampleNextToken([0, Number.NaN], { temperature: 1 }, random)).toThrow('logits: holds a non-finite value (NaN) at token 1');
  });
});

describe('checkGenerationOptions', () => {
  it.each([
    [{ maxNewTokens: -1, temperature: 1, seed: 0 }, 'maxNewTokens: must be a non-negative integer, got -1'],
    [{ maxNewTokens: 2, temperature: -0.5, seed: 0 }, 'temperature: must be a finite number ≥ 0 (0 = greedy), got -0.5'],
    [{ maxNewTokens: 2, temperature: 1, topK: 0, seed: 0 }, 'topK: must be a positive integer, got 0'],
    [{ maxNewTokens: 2, temperature: 1, seed: 0.5 }, 'seed: must be a safe integer, got 0.5'],
  ])('rejects %o', (options, message) => {
    expect(() => checkGenerationOptions(options)).toThrow(ConfigError);
    expect(() => checkGenerationOptions(options)).toThrow(message);
  });
});
