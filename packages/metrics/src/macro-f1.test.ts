import { describe, expect, it } from 'vitest';

import { macroF1 } from './macro-f1.js';

describe('macroF1', () => {
  it('matches the scikit-learn documentation examples', () => {
    // f1_score docstring: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1], average='macro' -> 0.26...
    const f = macroF1([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], 3);
    expect(f).toBeCloseTo(0.8 / 3, 15);
    expect(f.toString().startsWith('0.26')).toBe(true);
    // classification_report docstring: macro avg f1-score 0.49 for y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]
    const g = macroF1([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], 3);
    expect(g).toBeCloseTo((2 / 3 + 0 + 0.8) / 3, 15);
    expect(g.toFixed(2)).toBe('0.49');
  });

  it('counts a class that is true but never predicted (or predicted but never true) as F1 = 0', () => {
    // All predictions one class: F1 = [2·2/(2·2+2+0), 0, 0] = [2/3, 0, 0].
    expect(macroF1([0, 1, 2, 0], [0, 0, 0, 0], 3)).toBeCloseTo(2 / 9, 15);
    // Class 2 predicted once, never true: F1_2 = 0 / (0 + 1 + 0) = 0; F1_0 = 2/3, F1_1 = 1.
    expect(macroF1([0, 0, 1, 1], [0, 2, 1, 1], 3)).toBeCloseTo((2 / 3 + 1 + 0) / 3, 15);
  });

  it('applies zeroDivision only to classes absent from both targets and predictions', () => {
    const targets = [0, 1, 2, 0, 1, 2];
    const predicted = [0, 2, 1, 0, 0, 1];
    // Classes 3 and 4 never occur: excluded by default, so the value equals the 3-class one.
    expect(macroF1(targets, predicted, 5)).toBeCloseTo(0.8 / 3, 15);
    expect(macroF1(targets, predicted, 5, { zeroDivision: 0 })).toBeCloseTo(0.8 / 5, 15);
    expect(macroF1(targets, predicted, 5, { zeroDivision: 1 })).toBeCloseTo(2.8 / 5, 15);
    // A single sample, correct: one class present, F1 = 1.
    expect(macroF1([1], [1], 3)).toBe(1);
    expect(macroF1([1], [1], 3, { zeroDivision: 0 })).toBeCloseTo(1 / 3, 15);
  });

  it('rejects an invalid zeroDivision', () => {
    expect(() => macroF1([0], [0], 2, { zeroDivision: 2 })).toThrow("macroF1: argument 'options.zeroDivision' must be a number in [0, 1], got 2");
    expect(() => macroF1([0], [0], 2, { zeroDivision: 'warn' as 'exclude' })).toThrow("must be 'exclude' or a number in [0, 1], got warn");
  });
});
