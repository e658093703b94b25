import { describe, expect, it } from 'vitest';
import { ordinalScores } from './ordinal-metrics.js';

describe('ordinalScores', () => {
  it('scores a perfect forecast: Brier 0, accuracy 1, macro-F1 1, calibrated rare categories', () => {
    const y = [0, 1, 1, 2, 0, 2, 1];
    const p = y.map((c) => Float64Array.from([0, 1, 2], (k) => (k === c ? 1 : 0)));
    const s = ordinalScores(y, p, [0, 2]);
    expect(s.brier).toBe(0);
    expect(s.accuracy).toBe(1);
    expect(s.macroF1).toBe(1);
    expect(s.categoryCounts).toEqual([2, 3, 2]);
    expect(s.predictedCounts).toEqual([2, 3, 2]);
    expect(s.rare.map((r) => r.ece)).toEqual([0, 0]);
    expect(s.rare[1]).toMatchObject({ category: 2, observed: 2, brier: 0 });
    expect(s.rare[1]?.meanPredicted).toBeCloseTo(2 / 7, 12);
    expect(s.rare[1]?.observedFrequency).toBeCloseTo(2 / 7, 12);
  });

  it('compares mean predicted probability with observed frequency of a rare category', () => {
    const y = [0, 0, 0, 1];
    const p = [[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.6, 0.4]];
    const s = ordinalScores(y, p, [1]);
    const rare = s.rare[0];
    expect(rare?.meanPredicted).toBeCloseTo(0.25, 12);
    expect(rare?.observedFrequency).toBeCloseTo(0.25, 12);
    expect(rare?.brier).toBeCloseTo((0.01 + 0.04 + 0.09 + 0.36) / 4, 12);
    expect(s.accuracy).toBe(0.75); // all predicted 0
    expect(s.predictedCounts).toEqual([4, 0]);
    // Bins hold the samples once each; empty bins are null, not NaN.
    expect(rare?.bins.reduce((n, b) => n + b.count, 0)).toBe(4);
    expect(rare?.bins.filter((b) => b.count === 0).every((b) => b.meanPredicted === null && b.observedFrequency === null)).toBe(true);
  });

  it('rejects probabilities outside [0, 1] and unknown rare categories', () => {
    expect(() => ordinalScores([0], [[1.2, -0.2]], [])).toThrow(/row 0, column 0/);
    expect(() => ordinalScores([0], [[1, 0]], [2])).toThrow(/rareCategories/);
  });
});
