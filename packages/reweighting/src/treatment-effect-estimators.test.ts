import { describe, expect, it } from 'vitest';

import { inversePropensityWeights, weightedMeanDifference } from './treatment-effect-estimators.js';

describe('weightedMeanDifference', () => {
  it('is the difference of within-group weighted means, with Kish effective sizes', () => {
    const r = weightedMeanDifference([1, 3, 10, 20], [1, 1, 0, 0], [1, 3, 2, 2]);
    expect(r.treatedMean).toBeCloseTo((1 + 9) / 4, 14);
    expect(r.controlMean).toBeCloseTo(15, 14);
    expect(r.effect).toBeCloseTo(2.5 - 15, 14);
    expect(r.effectiveSize.treated).toBeCloseTo(16 / 10, 14);
    expect(r.effectiveSize.control).toBeCloseTo(2, 14);
    expect(weightedMeanDifference([1, 3, 10, 20], [1, 1, 0, 0]).effect).toBe(2 - 15);
  });

  it('rejects an empty group, zero group weight, negative weights and NaN outcomes', () => {
    expect(() => weightedMeanDifference([1, 2], [1, 1])).toThrow("argument 'treatment' the control group is empty");
    expect(() => weightedMeanDifference([1, 2], [1, 0], [1, 0])).toThrow('control group is empty or has zero total weight');
    expect(() => weightedMeanDifference([1, 2], [1, 0], [1, -1])).toThrow("argument 'weights' row 1 is -1");
    expect(() => weightedMeanDifference([1, Number.NaN], [1, 0])).toThrow("argument 'outcome' row 1 is NaN");
  });
});

describe('inversePropensityWeights', () => {
  it('gives 1/π and 1/(1−π) for the ATE, 1 and π/(1−π) for the ATT', () => {
    expect([...inversePropensityWeights([0.25, 0.75], [1, 0])]).toEqual([4, 4]);
    expect([...inversePropensityWeights([0.25, 0.75], [1, 0], 'att')]).toEqual([1, 3]);
  });

  it('recovers a known ATE from the true propensities on a confounded design better than the raw difference', () => {
    // x ∈ {0, 1} with P(x=1) = 1/2, π(x) = 0.2 + 0.6x, Y = 5x + 2A: exact population cells (weights = counts).
    const y: number[] = [];
    const a: number[] = [];
    const p: number[] = [];
    for (const x of [0, 1]) {
      const pi = 0.2 + 0.6 * x;
      for (let k = 0; k < 100; k++) {
        const treated = k < 100 * pi ? 1 : 0;
        y.push(5 * x + 2 * treated);
        a.push(treated);
        p.push(pi);
      }
    }
    expect(weightedMeanDifference(y, a, inversePropensityWeights(p, a)).effect).toBeCloseTo(2, 12);
    expect(weightedMeanDifference(y, a).effect).toBeCloseTo(2 + 5 * (0.8 - 0.2), 12);
  });

  it('rejects propensities at 0 or 1 where a weight would be infinite', () => {
    expect(() => inversePropensityWeights([0, 0.5], [1, 0])).toThrow("argument 'propensity' row 0 is 0 for a treated row");
    expect(() => inversePropensityWeights([0.5, 1], [1, 0], 'att')).toThrow("argument 'propensity' row 1 is 1 for a control row");
    expect(() => inversePropensityWeights([Number.NaN], [1])).toThrow("argument 'propensity' row 0 is NaN");
  });
});
