import { describe, expect, it } from 'vitest';

import { fitDrLearner } from './dr-learner.js';
import { nieWagerData, type NieWagerSetup } from './nie-wager-designs.js';
import { crossFitNuisances } from './nuisance-models.js';
import { fitRLearner } from './r-learner.js';
import { fitTLearner } from './t-learner.js';

describe('nieWagerData', () => {
  it('draws each setup with its propensity range and effect function', () => {
    const a = nieWagerData({ setup: 'A', n: 2000, seed: 1 });
    expect(Math.min(...a.propensity)).toBeCloseTo(0.1, 12);
    expect(Math.max(...a.propensity)).toBeCloseTo(0.9, 12);
    expect(a.tau[0]).toBeCloseTo((a.x.data[0]! + a.x.data[1]!) / 2, 14);
    const b = nieWagerData({ setup: 'B', n: 10, seed: 1 });
    expect([...new Set(b.propensity)]).toEqual([0.5]);
    const c = nieWagerData({ setup: 'C', n: 10, seed: 1, d: 3 });
    expect([...new Set(c.tau)]).toEqual([1]);
    const d = nieWagerData({ setup: 'D', n: 10, seed: 1, sigma: 0 });
    const [x1, x2, x3, x4, x5] = d.x.data;
    expect(d.tau[0]).toBeCloseTo(Math.max(x1! + x2! + x3!, 0) - Math.max(x4! + x5!, 0), 14);
    expect(d.outcome[0]).toBeCloseTo(d.baseline[0]! + (d.treatment[0]! - 0.5) * d.tau[0]!, 14);
    expect(() => nieWagerData({ setup: 'A', n: 10, seed: 1, d: 4 })).toThrow("'options.d' must be an integer ≥ 5");
  });
});

type Method = 'ivw' | 'unweighted' | 'dr' | 't';

/** Mean PEHE (root mean squared CATE error on 1,000 fresh rows) over seeded repetitions, n = 500, d = 6, σ = 1. */
const cache = new Map<NieWagerSetup, Record<Method, number>>();
function pehe(setup: NieWagerSetup, reps: number): Record<Method, number> {
  const cached = cache.get(setup);
  if (cached) return cached;
  const sums: Record<Method, number> = { ivw: 0, unweighted: 0, dr: 0, t: 0 };
  for (let s = 0; s < reps; s++) {
    const train = nieWagerData({ setup, n: 500, seed: 7_000 + s });
    const test = nieWagerData({ setup, n: 1000, seed: 70_000 + s });
    const error = (p: Float64Array) => Math.sqrt(p.reduce((t, v, i) => t + (v - test.tau[i]!) ** 2, 0) / p.length);
    const nuisances = crossFitNuisances(train.x, train.treatment, train.outcome, { seed: s });
    const fit = { nuisances };
    sums.ivw += error(fitRLearner(train.x, train.treatment, train.outcome, fit).predict(test.x)) / reps;
    sums.unweighted += error(fitRLearner(train.x, train.treatment, train.outcome, { ...fit, weighting: 'unweighted' }).predict(test.x)) / reps;
    sums.dr += error(fitDrLearner(train.x, train.treatment, train.outcome, fit).predict(test.x)) / reps;
    sums.t += error(fitTLearner(train.x, train.treatment, train.outcome)(test.x)) / reps;
  }
  cache.set(setup, sums);
  return sums;
}

// Fisher (2024): the R-learner is the pseudo-outcome regression with inverse-variance weights (A − π̂)², and those
// weights, not the pseudo-outcome, drive its accuracy — the same pseudo-outcome unweighted is unstable wherever π̂
// approaches 0 or 1, and IVW also beats the inverse-propensity-weighted DR pseudo-outcome when overlap is poor.
describe('R-learner as inverse-variance weighting on the Nie–Wager setups (3 repetitions each)', () => {
  it('IVW beats the unweighted pseudo-outcome regression by ≥ 20% in the setups with varying propensity (A, C, D)', () => {
    for (const setup of ['A', 'C', 'D'] as const) {
      const r = pehe(setup, 3);
      expect(r.ivw, `setup ${setup}`).toBeLessThan(0.8 * r.unweighted);
    }
  });

  it('IVW beats the DR-learner where propensities reach far from 1/2 (C, D) and is not worse with e = 1/2 (B)', () => {
    const c = pehe('C', 3);
    const d = pehe('D', 3);
    const b = pehe('B', 3);
    expect(c.ivw).toBeLessThan(0.8 * c.dr);
    expect(d.ivw).toBeLessThan(0.8 * d.dr);
    expect(b.ivw).toBeLessThan(1.1 * b.unweighted);
  });
});
