import { describe, expect, it } from 'vitest';

import { ConfigError } from './errors.js';
import { SeededRandom, deriveSeed } from './random.js';

const draw = (rng: SeededRandom, n: number): number[] => Array.from({ length: n }, () => rng.uniform());

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and labels, and a different one otherwise', () => {
    expect(draw(SeededRandom.fromSeed(7, 'init'), 5)).toEqual(draw(SeededRandom.fromSeed(7, 'init'), 5));
    expect(draw(SeededRandom.fromSeed(7, 'init'), 5)).not.toEqual(draw(SeededRandom.fromSeed(8, 'init'), 5));
    expect(draw(SeededRandom.fromSeed(7, 'init'), 5)).not.toEqual(draw(SeededRandom.fromSeed(7, 'split'), 5));
  });

  it('continues the exact sequence after a state round-trip through JSON', () => {
    const rng = SeededRandom.fromSeed(3);
    draw(rng, 17);
    const saved = JSON.parse(JSON.stringify(rng.getState())) as ReturnType<SeededRandom['getState']>;
    const expected = draw(rng, 10);
    expect(draw(SeededRandom.fromState(saved), 10)).toEqual(expected);
  });

  it('draws uniforms in [0, 1) with the right mean and normals with the right moments', () => {
    const rng = SeededRandom.fromSeed(1);
    const u = draw(rng, 20000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((a, b) => a + b, 0) / u.length).toBeCloseTo(0.5, 2);
    const z = Array.from(rng.normalArray(20000, 2, 3));
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const std = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
    expect(mean).toBeCloseTo(2, 1);
    expect(std).toBeCloseTo(3, 1);
  });

  it('produces permutations of 0..n-1', () => {
    const p = Array.from(SeededRandom.fromSeed(5).permutation(1000));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('samples indices in proportion to weights', () => {
    const counts = [0, 0, 0];
    for (const i of SeededRandom.fromSeed(9).sampleWeighted([1, 0, 3], 40000)) counts[i] = (counts[i] ?? 0) + 1;
    expect(counts[1]).toBe(0);
    expect((counts[2] ?? 0) / 40000).toBeCloseTo(0.75, 2);
  });

  it('rejects bad arguments with named errors', () => {
    expect(() => SeededRandom.fromSeed(1.5)).toThrow(ConfigError);
    expect(() => SeededRandom.fromSeed(1).int(3, 2)).toThrow(/int\(min, max\): needs integers with min <= max/);
    expect(() => SeededRandom.fromSeed(1).sampleWeighted([1, -1], 1)).toThrow(/weights\[1\]: must be finite and non-negative/);
    expect(() => SeededRandom.fromSeed(1).sampleWeighted([0, 0], 1)).toThrow(/weights: must not all be zero/);
    expect(() => SeededRandom.fromState({ algorithm: 'xoroshiro128plus', state: [1] })).toThrow(/expected a xoroshiro128plus state/);
  });
});

describe('deriveSeed', () => {
  it('is a stable 32-bit hash of the seed and labels', () => {
    expect(deriveSeed(42, 'shuffle', 3)).toBe(deriveSeed(42, 'shuffle', 3));
    const seeds = new Set(Array.from({ length: 1000 }, (_, epoch) => deriveSeed(42, 'shuffle', epoch)));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(42, 'a', 'b')).not.toBe(deriveSeed(42, 'ab'));
    expect(deriveSeed(1)).not.toBe(deriveSeed(2));
  });
});
