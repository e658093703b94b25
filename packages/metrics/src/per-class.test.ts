import { describe, expect, it } from 'vitest';

import { perClassAccuracy, perClassF1, perClassPrecision } from './per-class.js';
import { randomInt, seededRandom } from './test-support/random.js';

describe('per-class precision, recall (accuracy) and F1', () => {
  it('match the scikit-learn documentation examples', () => {
    // precision_score / recall_score / f1_score docstrings, average=None:
    // y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1]
    const yTrue = [0, 1, 2, 0, 1, 2];
    const yPred = [0, 2, 1, 0, 0, 1];
    expect(perClassPrecision(yTrue, yPred, 3)).toEqual([2 / 3, 0, 0]); // array([0.66..., 0., 0.])
    expect(perClassAccuracy(yTrue, yPred, 3)).toEqual([1, 0, 0]); // array([1., 0., 0.])
    expect(perClassF1(yTrue, yPred, 3)).toEqual([0.8, 0, 0]); // array([0.8, 0., 0.])
    // classification_report docstring: y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]
    // precision 0.50 / 0.00 / 1.00, recall 1.00 / 0.00 / 0.67, f1 0.67 / 0.00 / 0.80
    expect(perClassPrecision([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], 3)).toEqual([0.5, 0, 1]);
    expect(perClassAccuracy([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], 3)).toEqual([1, 0, 2 / 3]);
    const f1 = perClassF1([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], 3);
    expect(f1[0]).toBeCloseTo(2 / 3, 15);
    expect(f1[1]).toBe(0);
    expect(f1[2]).toBeCloseTo(0.8, 15);
  });

  it('give NaN where the ratio is 0/0 (scikit-learn returns 0 with a warning there)', () => {
    // precision_score docstring: y_pred all 0 -> array([0.33..., 0., 0.]) with zero_division=0
    const precision = perClassPrecision([0, 1, 2, 0, 1, 2], [0, 0, 0, 0, 0, 0], 3);
    expect(precision[0]).toBeCloseTo(1 / 3, 15);
    expect(precision.slice(1)).toEqual([Number.NaN, Number.NaN]);
    // A class absent from the targets has no recall; a class absent from both has no F1.
    expect(perClassAccuracy([0, 0, 1], [0, 2, 1], 3)).toEqual([0.5, 1, Number.NaN]);
    expect(perClassF1([0, 0, 1], [0, 0, 1], 3)).toEqual([1, 1, Number.NaN]);
  });

  it('F1 equals the harmonic mean of precision and recall wherever both are defined (random data)', () => {
    const rand = seededRandom(5);
    const c = 4;
    const targets = Array.from({ length: 120 }, () => randomInt(rand, c));
    const predicted = Array.from({ length: 120 }, () => randomInt(rand, c));
    const p = perClassPrecision(targets, predicted, c);
    const r = perClassAccuracy(targets, predicted, c);
    const f = perClassF1(targets, predicted, c);
    for (let k = 0; k < c; k += 1) {
      // Independent: counts by filtering.
      const tp = targets.filter((t, i) => t === k && predicted[i] === k).length;
      expect(r[k]).toBeCloseTo(tp / targets.filter((t) => t === k).length, 15);
      expect(p[k]).toBeCloseTo(tp / predicted.filter((y) => y === k).length, 15);
      const pk = p[k] ?? 0;
      const rk = r[k] ?? 0;
      expect(f[k]).toBeCloseTo((2 * pk * rk) / (pk + rk), 14);
    }
  });
});
