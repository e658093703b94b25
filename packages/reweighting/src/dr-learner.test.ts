import { describe, expect, it } from 'vitest';

import { fitDrLearner } from './dr-learner.js';
import { matrixFromRows } from './matrix.js';
import type { CrossFitNuisances, RegressionLearner } from './nuisance-models.js';

/** A final learner that returns the (weighted) mean of its targets: exposes the pseudo-outcome's average. */
const mean: RegressionLearner = (_x, y) => {
  const m = Array.from(y).reduce((s, v) => s + v, 0) / y.length;
  return (z) => new Float64Array(z.rows).fill(m);
};

describe('fitDrLearner', () => {
  it('builds the AIPW pseudo-outcome from given nuisances', () => {
    const x = matrixFromRows([[0], [1], [2], [3]]);
    const a = [1, 0, 1, 0];
    const y = [5, 1, 4, 2];
    const nuisances: CrossFitNuisances = {
      outcomeMean: new Float64Array(4),
      propensity: Float64Array.from([0.5, 0.25, 0.8, 0.5]),
      controlOutcome: Float64Array.from([1, 1, 2, 2]),
      treatedOutcome: Float64Array.from([3, 4, 5, 6]),
      fold: new Int32Array(4),
    };
    const model = fitDrLearner(x, a, y, { nuisances, finalLearner: mean });
    const expected = [3 - 1 + (5 - 3) / 0.5, 4 - 1 - (1 - 1) / 0.75, 5 - 2 + (4 - 5) / 0.8, 6 - 2 - (2 - 2) / 0.5];
    model.pseudoOutcome.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 14));
    expect(model.predict(x)[0]).toBeCloseTo(expected.reduce((s, v) => s + v, 0) / 4, 14);
  });

  it('is doubly robust: wrong arm regressions with the true propensity still average to the true ATE', () => {
    // Population cells: x ∈ {0, 1} equally likely, π(x) = 0.25 + 0.5x, Y = 3x + 2A (ATE 2), counts exact.
    const rows: number[][] = [];
    const a: number[] = [];
    const y: number[] = [];
    const p: number[] = [];
    for (const x of [0, 1]) {
      const pi = 0.25 + 0.5 * x;
      for (let k = 0; k < 100; k++) {
        const t = k < 100 * pi ? 1 : 0;
        rows.push([x]);
        a.push(t);
        y.push(3 * x + 2 * t);
        p.push(pi);
      }
    }
    const n = rows.length;
    const nuisances: CrossFitNuisances = {
      outcomeMean: new Float64Array(n),
      propensity: Float64Array.from(p),
      controlOutcome: new Float64Array(n).fill(-7),
      treatedOutcome: new Float64Array(n).fill(11),
      fold: new Int32Array(n),
    };
    const model = fitDrLearner(matrixFromRows(rows), a, y, { nuisances, finalLearner: mean });
    expect(model.predict(matrixFromRows([[0]]))[0]).toBeCloseTo(2, 12);
  });
});
