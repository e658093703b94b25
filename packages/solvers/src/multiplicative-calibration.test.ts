import { describe, expect, it } from 'vitest';

import { SolverArgumentError } from './errors.js';
import { applyMultiplicativeCalibration, fitMultiplicativeCalibration } from './multiplicative-calibration.js';
import { seededUniform } from './presto-synthetic.js';

/**
 * Clicks of `n` candidates with known CTRs p = σ(−3 + 1.2·z + 0.8·u), z ~ N(0, 1), u ~ U(−1, 1) (a few per cent, as
 * the CTR pilot's generator A), drawn with a fixed seed.
 */
function syntheticClicks(n: number, seed: number): { clicks: Float64Array; trueCtr: Float64Array } {
  const random = seededUniform(seed);
  const trueCtr = new Float64Array(n);
  const clicks = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const z = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
    const p = 1 / (1 + Math.exp(3 - 1.2 * z - 0.8 * (2 * random() - 1)));
    trueCtr[i] = p;
    clicks[i] = random() < p ? 1 : 0;
  }
  return { clicks, trueCtr };
}

const nll = (y: ArrayLike<number>, p: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < p.length; i += 1) sum -= (y[i] ?? 0) === 1 ? Math.log(p[i] ?? 0) : Math.log(1 - (p[i] ?? 0));
  return sum / p.length;
};

describe('fitMultiplicativeCalibration', () => {
  // Clicks from known CTRs; the "model" predicts a third of the truth (what a rank loss tends to leave).
  const data = syntheticClicks(30_000, 4);
  const shrunk = Array.from(data.trueCtr, (p) => p / 3);

  it('recovers the factor that undoes a uniform shrinkage, at the likelihood optimum, and calibrates the mean', () => {
    const fit = fitMultiplicativeCalibration(data.clicks, shrunk);
    expect(fit.scale).toBeGreaterThan(2.6);
    expect(fit.scale).toBeLessThan(3.4);
    const calibrated = applyMultiplicativeCalibration(shrunk, fit);
    const base = nll(data.clicks, calibrated);
    // A likelihood optimum: moving the factor either way costs likelihood.
    expect(nll(data.clicks, applyMultiplicativeCalibration(shrunk, { scale: fit.scale * 1.01 }))).toBeGreaterThan(base);
    expect(nll(data.clicks, applyMultiplicativeCalibration(shrunk, { scale: fit.scale * 0.99 }))).toBeGreaterThan(base);
    expect(base).toBeLessThan(nll(data.clicks, shrunk));
    const ratio = fitMultiplicativeCalibration(data.clicks, shrunk, { method: 'ratio' });
    const meanCalibrated = applyMultiplicativeCalibration(shrunk, ratio).reduce((a, b) => a + b, 0) / shrunk.length;
    expect(meanCalibrated).toBeCloseTo(ratio.observedRate, 10);
  });

  it("keeps every auction's eCPM order (and so the winner and the welfare)", () => {
    const random = seededUniform(3);
    const probabilities = Array.from({ length: 200 }, () => 0.01 + 0.3 * random());
    const bids = Array.from({ length: 200 }, () => 0.1 + 5 * random());
    const labels = probabilities.map((p) => (random() < 2 * p ? 1 : 0));
    const calibrated = applyMultiplicativeCalibration(probabilities, fitMultiplicativeCalibration(labels, probabilities));
    for (let i = 1; i < 200; i += 1) {
      const before = Math.sign((bids[i] ?? 0) * (probabilities[i] ?? 0) - (bids[i - 1] ?? 0) * (probabilities[i - 1] ?? 0));
      const after = Math.sign((bids[i] ?? 0) * (calibrated[i] ?? 0) - (bids[i - 1] ?? 0) * (calibrated[i - 1] ?? 0));
      expect(after).toBe(before);
    }
    expect(Math.max(...calibrated)).toBeLessThan(1);
  });

  it('honours weights (padding) and rejects bad input naming the argument', () => {
    const fit = fitMultiplicativeCalibration([1, 0, 1, 0], [0.2, 0.2, 0.9, 0.9], { weights: [1, 1, 0, 0] });
    expect(fit.scale).toBeCloseTo(2.5, 6); // only the first two count: the optimum is c·0.2 = 0.5
    expect(() => fitMultiplicativeCalibration([1, 0], [0.5])).toThrow(/'labels' has 2 entries/);
    expect(() => fitMultiplicativeCalibration([0, 0], [0.5, 0.2])).toThrow(/no positive/);
    expect(() => fitMultiplicativeCalibration([1, 0], [0, 0.2])).toThrow(/'probabilities' must lie in \(0, 1\]/);
    expect(() => fitMultiplicativeCalibration([1, 0], [0.1, 0.2], { method: 'isotonic' as never })).toThrow(SolverArgumentError);
  });
});
