import { describe, expect, it } from 'vitest';

import { binaryBalancedAccuracy, binaryConfusion, binaryPrecision, binaryRecall } from './binary-confusion.js';

describe('binary confusion, recall, precision and balanced accuracy', () => {
  it('match hand-computed values', () => {
    const c = binaryConfusion([1, 1, 1, 0, 0, 0, 0], [0.9, 0.6, 0.2, 0.7, 0.1, 0.3, 0.5]);
    // 0.5 >= 0.5 is predicted positive.
    expect(c).toEqual({ tp: 2, fn: 1, fp: 2, tn: 2 });
    expect(binaryRecall(c)).toBeCloseTo(2 / 3, 15);
    expect(binaryPrecision(c)).toBe(0.5);
    expect(binaryBalancedAccuracy(c)).toBeCloseTo((2 / 3 + 2 / 4) / 2, 15);
    expect(binaryConfusion([1, 0], [0.3, -0.1], { threshold: 0 })).toEqual({ tp: 1, fp: 0, tn: 1, fn: 0 });
  });

  it('balanced accuracy matches the scikit-learn documentation example', () => {
    // balanced_accuracy_score docstring: y_true = [0, 1, 0, 0, 1, 0], y_pred = [0, 1, 0, 0, 0, 1] -> 0.625
    expect(binaryBalancedAccuracy(binaryConfusion([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]))).toBe(0.625);
  });

  it('zero division: NaN recall / precision; balanced accuracy over the classes present', () => {
    const onlyNegatives = binaryConfusion([0, 0], [0.1, 0.2]);
    expect(binaryRecall(onlyNegatives)).toBeNaN();
    expect(binaryPrecision(onlyNegatives)).toBeNaN();
    expect(binaryBalancedAccuracy(onlyNegatives)).toBe(1);
    expect(binaryBalancedAccuracy(binaryConfusion([1, 1, 1], [0.9, 0.1, 0.8]))).toBeCloseTo(2 / 3, 15);
    expect(binaryBalancedAccuracy({ tp: 0, fp: 0, tn: 0, fn: 0 })).toBeNaN();
  });

  it('names the bad input', () => {
    expect(() => binaryConfusion([0], [Number.NaN])).toThrow("binaryConfusion: argument 'scores'[0] is NaN, expected a finite number");
    expect(() => binaryConfusion([0], [0.1, 0.2])).toThrow("argument 'scores' has 2 values, expected 1 (one per target)");
    expect(() => binaryRecall({ tp: -1, fp: 0, tn: 0, fn: 0 })).toThrow("binaryRecall: argument 'confusion.tp' is -1, expected a finite count >= 0");
  });
});
