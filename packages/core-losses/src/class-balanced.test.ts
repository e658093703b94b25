import { describe, expect, it } from 'vitest';

import { classBalancedWeights, countClasses } from './class-balanced.js';

describe('classBalancedWeights', () => {
  const counts = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50];

  it('is proportional to (1 − β)/(1 − β^n) and sums to the number of classes', () => {
    const { weights, effectiveNumbers } = classBalancedWeights(counts, { beta: 0.999 });
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 12);
    for (let c = 1; c < counts.length; c += 1) {
      const ratio = (weights[c] ?? 0) / (weights[0] ?? 1);
      const expected = (1 - 0.999 ** (counts[0] ?? 0)) / (1 - 0.999 ** (counts[c] ?? 0));
      expect(ratio).toBeCloseTo(expected, 12);
      expect(effectiveNumbers[c]).toBeCloseTo((1 - 0.999 ** (counts[c] ?? 0)) / 0.001, 9);
    }
  });

  it('gives all ones for β = 0 and approaches normalised inverse frequency as β → 1', () => {
    expect(classBalancedWeights(counts, { beta: 0 }).weights).toEqual(counts.map(() => 1));
    const near = classBalancedWeights(counts, { beta: 1 - 1e-9 }).weights;
    const inverse = counts.map((n) => 1 / n);
    const scale = 10 / inverse.reduce((a, b) => a + b, 0);
    near.forEach((w, c) => expect(w).toBeCloseTo((inverse[c] ?? 0) * scale, 4));
  });

  it('uses the paper default β = 0.9999 and says what the weights feed', () => {
    const result = classBalancedWeights([10, 1]);
    expect(result.beta).toBe(0.9999);
    expect(result.feeds).toBe('classWeights');
    expect(result.normalization).toBe('sumToNumClasses');
  });

  it('rejects zero counts, bad β and empty input with named errors', () => {
    expect(() => classBalancedWeights([3, 0])).toThrow(
      "classBalancedWeights: argument 'samplesPerClass' holds 0 for class 1; every count must be a positive integer",
    );
    expect(() => classBalancedWeights([3], { beta: 1 })).toThrow(/'options.beta' must lie in \[0, 1\), got 1/);
    expect(() => classBalancedWeights([])).toThrow(/must list at least one class/);
  });
});

describe('countClasses', () => {
  it('counts labels per class', () => {
    expect(countClasses([0, 2, 2, 1, 2], 4)).toEqual([1, 1, 3, 0]);
  });

  it('names the position of a bad label', () => {
    expect(() => countClasses([0, 4], 4)).toThrow("countClasses: argument 'labels' holds 4 at index 1, not a class id in [0, 3]");
  });
});
