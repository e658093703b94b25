import { describe, expect, it } from 'vitest';

import { accuracy } from './accuracy.js';
import { balancedAccuracy } from './balanced-accuracy.js';
import { randomInt, seededRandom } from './test-support/random.js';

describe('balancedAccuracy', () => {
  it('matches the scikit-learn documentation examples', () => {
    // balanced_accuracy_score docstring: y_true = [0, 1, 0, 0, 1, 0], y_pred = [0, 1, 0, 0, 0, 1] -> 0.625
    expect(balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1], 2)).toBe(0.625);
    // classification_report docstring: macro avg recall 0.56 for y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]
    const b = balancedAccuracy([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], 3);
    expect(b).toBeCloseTo((1 + 0 + 2 / 3) / 3, 15);
    expect(b.toFixed(2)).toBe('0.56');
  });

  it('chance-adjusts as (B - 1/K) / (1 - 1/K)', () => {
    // K = 2 classes present, B = 0.625 -> (0.625 - 0.5) / 0.5 = 0.25
    expect(balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1], 2, { adjusted: true })).toBeCloseTo(0.25, 15);
    // A constant predictor scores 0 when adjusted.
    expect(balancedAccuracy([0, 1, 2, 0], [0, 0, 0, 0], 3, { adjusted: true })).toBeCloseTo(0, 15);
    expect(balancedAccuracy([1, 1], [1, 1], 3, { adjusted: true })).toBeNaN();
  });

  it('skips classes absent from the targets, even when they are predicted', () => {
    // Class 2 is predicted once but never true: recalls 1/2 (class 0) and 1 (class 1).
    expect(balancedAccuracy([0, 0, 1, 1], [0, 2, 1, 1], 3)).toBe(0.75);
    // Class 3 absent from everything.
    expect(balancedAccuracy([0, 0, 1, 1], [0, 2, 1, 1], 4)).toBe(0.75);
    // All predictions one class: recalls 1, 0, 0.
    expect(balancedAccuracy([0, 1, 2, 0], [0, 0, 0, 0], 3)).toBeCloseTo(1 / 3, 15);
    // A single sample.
    expect(balancedAccuracy([1], [1], 2)).toBe(1);
  });

  it('equals top-1 accuracy on a balanced test set, and the mean of per-class hit rates in general', () => {
    const rand = seededRandom(9);
    const c = 5;
    const balanced = Array.from({ length: 100 }, (_, i) => i % c);
    const predicted = balanced.map(() => randomInt(rand, c));
    expect(balancedAccuracy(balanced, predicted, c)).toBeCloseTo(accuracy(balanced, predicted, c), 14);
    const skewed = Array.from({ length: 100 }, () => (rand() < 0.7 ? 0 : randomInt(rand, c)));
    const rates = Array.from({ length: c }, (_, k) => {
      const idx = skewed.map((t, i) => (t === k ? i : -1)).filter((i) => i >= 0);
      return idx.filter((i) => predicted[i] === k).length / idx.length;
    }).filter((v) => !Number.isNaN(v));
    expect(balancedAccuracy(skewed, predicted, c)).toBeCloseTo(rates.reduce((a, b) => a + b, 0) / rates.length, 14);
  });
});
