import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { intervalScore, weightedIntervalScore, weightedIntervalScoreDecomposition } from './weighted-interval-score.js';
import { seededRandom } from './test-support/random.js';

interface ReferenceCase {
  readonly seed: number;
  readonly levels: number[];
  readonly targets: number[];
  readonly quantiles: number[][];
  readonly wis_per_sample: number[];
  readonly wis_mean: number;
  readonly crossed_rows: number;
  readonly interval_score_outer: number;
}

/** Float64 NumPy values from the interval definition (test-support/wis-reference.py, run with NumPy 2.4.6). */
const reference = JSON.parse(readFileSync(new URL('./test-support/wis-reference.json', import.meta.url), 'utf8')) as { cases: ReferenceCase[] };

/** Pinball loss ρ_τ(u) = max(τu, (τ − 1)u) — the quantile-score form of the WIS, an independent route. */
const pinball = (tau: number, u: number): number => Math.max(tau * u, (tau - 1) * u);

describe('weightedIntervalScore', () => {
  it('matches the example worked by hand (K = 1, the 80 % interval and the median)', () => {
    // levels 0.1, 0.5, 0.9 → α = 0.2; forecast (2, 4, 6).
    //   y = 5: IS = 4, ½|5 − 4| = 0.5, WIS = (0.5 + 0.1·4)/1.5 = 0.6
    //   y = 10: IS = 4 + (2/0.2)·4 = 44, ½|10 − 4| = 3, WIS = (3 + 4.4)/1.5 = 4.9333…
    expect(weightedIntervalScore([5], [2, 4, 6], [0.1, 0.5, 0.9])).toBeCloseTo(0.6, 14);
    const d = weightedIntervalScoreDecomposition([5, 10], [2, 4, 6, 2, 4, 6], [0.1, 0.5, 0.9]);
    expect(d.perSample[1]).toBeCloseTo(7.4 / 1.5, 14);
    expect(d.score).toBeCloseTo((0.6 + 7.4 / 1.5) / 2, 14);
    expect(d.dispersion).toBeCloseTo(0.4 / 1.5, 14);
    expect(d.underprediction).toBeCloseTo((0.5 + 4 + 3) / 1.5 / 2, 14);
    expect(d.overprediction).toBe(0);
    expect(intervalScore([5, 10], [2, 2], [6, 6], 0.2)).toBeCloseTo((4 + 44) / 2, 12);
  });

  it.each(reference.cases)('matches the NumPy reference from the interval definition (seed $seed)', (c) => {
    const flat = c.quantiles.flat();
    const d = weightedIntervalScoreDecomposition(c.targets, flat, c.levels);
    Array.from(d.perSample).forEach((v, i) => expect(v).toBeCloseTo(c.wis_per_sample[i] ?? Number.NaN, 12));
    expect(d.score).toBeCloseTo(c.wis_mean, 12);
    expect(d.dispersion + d.underprediction + d.overprediction).toBeCloseTo(d.score, 12);
    const alpha = 2 * (c.levels[0] ?? 0);
    const outer = intervalScore(c.targets, c.quantiles.map((r) => r[0] ?? 0), c.quantiles.map((r) => r[r.length - 1] ?? 0), alpha);
    expect(outer).toBeCloseTo(c.interval_score_outer, 10);
  });

  it('equals the summed pinball losses of the 2K + 1 quantiles divided by K + ½, crossed quantiles included', () => {
    const crossed = reference.cases.find((c) => c.crossed_rows > 0);
    expect(crossed?.crossed_rows).toBeGreaterThan(0);
    const rand = seededRandom(7);
    const levels = [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975];
    const n = 50;
    const targets = Array.from({ length: n }, () => 10 * rand());
    const quantiles = Array.from({ length: n * levels.length }, () => 10 * rand()); // unordered: crossed rows
    const expected = targets.map((y, i) => levels.reduce((s, tau, j) => s + pinball(tau, y - (quantiles[i * levels.length + j] ?? 0)), 0) / 3.5);
    const d = weightedIntervalScoreDecomposition(targets, quantiles, levels);
    Array.from(d.perSample).forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? Number.NaN, 12));
    expect(d.dispersion).toBeLessThan(d.score); // crossing makes the dispersion part negative in some rows
  });

  it('is 0 for a point forecast at the target', () => {
    expect(weightedIntervalScore([3, -1], [3, 3, 3, -1, -1, -1], [0.25, 0.5, 0.75])).toBe(0);
  });

  it('rejects bad levels, shapes and values, naming the argument', () => {
    expect(() => weightedIntervalScore([1], [1, 2], [0.25, 0.75])).toThrow(
      "weightedIntervalScore: argument 'levels' has 2 levels without the median 0.5; the WIS needs the median and K interval pairs (2K + 1 levels)",
    );
    expect(() => weightedIntervalScore([1], [1, 2, 3], [0.1, 0.5, 0.8])).toThrow(/argument 'levels'\[0\] is 0.1, but its mirror level is 0.8/);
    expect(() => weightedIntervalScore([1], [1, 2, 3], [0.9, 0.5, 0.1])).toThrow(/'levels'\[1\] is 0.5, expected levels in strictly increasing order/);
    expect(() => weightedIntervalScore([1], [1, 2, 3], [0, 0.5, 1])).toThrow(/'levels'\[0\] is 0, expected a quantile level in \(0, 1\)/);
    expect(() => weightedIntervalScore([1, 2], [1, 2, 3], [0.1, 0.5, 0.9])).toThrow(/'quantiles' has 3 values, expected 6 \(2 rows × 3 levels, row-major\)/);
    expect(() => weightedIntervalScore([1], [1, Number.NaN, 3], [0.1, 0.5, 0.9])).toThrow(/'quantiles'\[1\] is NaN, expected a finite number/);
    expect(() => weightedIntervalScore([], [], [0.1, 0.5, 0.9])).toThrow(/'targets' is empty/);
    expect(() => intervalScore([1], [0], [2], 0)).toThrow("intervalScore: argument 'alpha' must be > 0");
    expect(() => intervalScore([1], [0], [2, 3], 0.1)).toThrow(/'upper' has 2 values, expected 1 \(one per target\)/);
  });
});
