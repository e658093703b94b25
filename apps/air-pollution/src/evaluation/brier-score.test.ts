import { describe, expect, it } from 'vitest';
import { brierScores } from './brier-score.js';

describe('brierScores', () => {
  it('is 0 for a perfect forecast and 2 for a confident wrong one', () => {
    expect(brierScores([0, 2, 1], [[1, 0, 0], [0, 0, 1], [0, 1, 0]])).toEqual({ score: 0, perCategory: [0, 0, 0] });
    expect(brierScores([0], [[0, 1, 0]]).score).toBe(2);
  });

  it('matches a hand computation and splits into per-category terms', () => {
    // Row 1: y = 1, p = (0.2, 0.5, 0.3): 0.04 + 0.25 + 0.09 = 0.38. Row 2: y = 2, p = (0.1, 0.1, 0.8): 0.01 + 0.01 + 0.04 = 0.06.
    const b = brierScores([1, 2], [[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]);
    expect(b.score).toBeCloseTo(0.22, 12);
    expect(b.perCategory[0]).toBeCloseTo(0.025, 12);
    expect(b.perCategory[1]).toBeCloseTo(0.13, 12);
    expect(b.perCategory[2]).toBeCloseTo(0.065, 12);
  });

  it('rejects bad input naming the argument', () => {
    expect(() => brierScores([], [])).toThrow(/targets/);
    expect(() => brierScores([3], [[0.5, 0.5]])).toThrow(/targets.*index 0/);
    expect(() => brierScores([0, 1], [[0.5, 0.5]])).toThrow(/probabilities.*1 rows/);
    expect(() => brierScores([0, 1], [[0.5, 0.5], [1]])).toThrow(/row 1/);
    expect(() => brierScores([0], [[Number.NaN, 1]])).toThrow(/row 0, column 0/);
  });
});
