import { describe, expect, it } from 'vitest';

import { causalGraph } from './causal-graph.js';
import { classifierDensityRatio } from './density-ratio-classifier.js';
import type { DensityRatioFitter } from './density-ratio-model.js';
import { seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';
import { importanceWeightedMeanLoss, shiftAttribution, weightedMeanLoss } from './shift-attribution.js';
import { gaussianRatioFitter } from './test-support/gaussian-ratio-fitter.js';

// A type alias (not an interface) so it is assignable to ColumnTable's index signature.
type Rows = { X: Float64Array; Y: Float64Array };

/** X ~ N(xMean, 1), Y = X + yShift + N(0, 1). */
function draw(seed: number, n: number, xMean: number, yShift: number): Rows {
  const random = seededRandom(seed);
  const X = Float64Array.from({ length: n }, () => xMean + random.normal());
  return { X, Y: X.map((x) => x + yShift + random.normal()) };
}

/** Squared error of the fixed, misspecified model f(x) = x / 2, so that a shift of P(X) alone changes the error. */
const loss = (t: Rows): Float64Array => t.X.map((x, r) => (t.Y[r]! - 0.5 * x) ** 2);

const graph = causalGraph({ X: [], Y: ['X'] });

/**
 * Source X ~ N(0, 1), Y = X + ε; the residual of f is X/2 + ε with mean squared error 1.25. Closed forms of the game
 * (mean loss change, the metric being the weighted mean): shifting P(X) to N(1, 1) gives v({P(X)}) = 0.25; shifting
 * P(Y | X) to Y = X + 0.8 + ε gives v({P(Y|X)}) = 0.64; both give v(all) = 1.69, so the Shapley values are
 * φ_X = (0.25 + 1.69 − 0.64) / 2 = 0.65 and φ_Y|X = (0.64 + 1.69 − 0.25) / 2 = 1.04.
 */
function attribute(seed: number, n: number, xMean: number, yShift: number, fitter: DensityRatioFitter) {
  const source = draw(seed * 10, n, 0, 0);
  const target = draw(seed * 10 + 1, n, xMean, yShift);
  return shiftAttribution(graph, source, target, {
    fitter,
    sourceLoss: loss(source),
    targetLoss: loss(target),
    fitSource: draw(seed * 10 + 2, n, 0, 0),
    fitTarget: draw(seed * 10 + 3, n, xMean, yShift),
  });
}

describe('shiftAttribution on X → Y with known mechanisms (Gaussian ratio fits, n = 20,000, 3 seeds)', () => {
  const n = 20000;

  it('gives a shift of P(X) alone to P(X)', () => {
    for (const seed of [1, 2, 3]) {
      const a = attribute(seed, n, 1, 0, gaussianRatioFitter);
      expect(a.method).toBe('exact');
      expect(a.attributions.map((m) => m.label)).toEqual(['P(X)', 'P(Y | X)']);
      const [x, yx] = a.attributions.map((m) => m.value) as [number, number];
      expect(Math.abs(x - 0.25)).toBeLessThan(0.12);
      expect(Math.abs(yx)).toBeLessThan(0.06);
      expect(x).toBeGreaterThan(2 * Math.abs(yx));
    }
  });

  it('gives a shift of P(Y | X) alone to P(Y | X)', () => {
    for (const seed of [1, 2, 3]) {
      const [x, yx] = attribute(seed, n, 0, 0.8, gaussianRatioFitter).attributions.map((m) => m.value) as [
        number,
        number,
      ];
      expect(Math.abs(yx - 0.64)).toBeLessThan(0.17);
      expect(Math.abs(x)).toBeLessThan(0.06);
      expect(yx).toBeGreaterThan(5 * Math.abs(x));
    }
  });

  it('matches the closed-form Shapley values when both shift, and the values sum to v(all) exactly', () => {
    for (const seed of [1, 2, 3]) {
      const a = attribute(seed, n, 1, 0.8, gaussianRatioFitter);
      const [x, yx] = a.attributions.map((m) => m.value) as [number, number];
      expect(Math.abs(x - 0.65)).toBeLessThan(0.3);
      expect(Math.abs(yx - 1.04)).toBeLessThan(0.3);
      expect(Math.abs(x + yx - a.attributedChange)).toBeLessThan(1e-12);
      // The measured change on target rows is the closed form 1.69 up to sampling noise (std ≈ 0.016 at n = 20,000).
      expect(Math.abs(a.observedChange - 1.69)).toBeLessThan(0.08);
      expect(Math.abs(a.efficiencyGap - (a.attributedChange - a.observedChange))).toBe(0);
      const rescaled = a.attributions.reduce((s, m) => s + m.rescaled, 0);
      expect(rescaled).toBeCloseTo(a.observedChange, 12);
      expect(a.effectiveSampleSize).toBeGreaterThan(0);
      expect(a.effectiveSampleSize).toBeLessThan(n);
    }
  });
});

describe('shiftAttribution with the domain-classifier density ratio (n = 5,000, 3 seeds)', () => {
  it('gives a shift of P(Y | X) alone to P(Y | X) and a shift of P(X) alone to P(X)', () => {
    for (const seed of [1, 2, 3]) {
      const [x1, yx1] = attribute(seed, 5000, 0, 0.8, classifierDensityRatio()).attributions.map((m) => m.value) as [
        number,
        number,
      ];
      expect(Math.abs(yx1 - 0.64)).toBeLessThan(0.25);
      expect(Math.abs(x1)).toBeLessThan(0.06);
      const [x2, yx2] = attribute(seed, 5000, 1, 0, classifierDensityRatio()).attributions.map((m) => m.value) as [
        number,
        number,
      ];
      expect(Math.abs(x2 - 0.25)).toBeLessThan(0.2);
      expect(Math.abs(yx2)).toBeLessThan(0.06);
    }
  });
});

describe('shiftAttribution, hand-checked game', () => {
  // One root X, fitted ratio r(x) = x on rows x = 1, 2, 3 (a fitter that ignores the data).
  const byValue: DensityRatioFitter = (s) => ({ cols: s.cols, ratio: (m) => m.data.slice() });
  const g = causalGraph({ X: [] });
  const source = { X: [1, 2, 3] };
  const target = { X: [5, 6] };
  const sourceLoss = [3, 0, 1];
  const targetLoss = [2, 2];

  it('computes v({P(X)}) with the weighted mean, the importance mean and the self-normalised rescaling', () => {
    const base = { fitter: byValue, sourceLoss, targetLoss };
    const weighted = shiftAttribution(g, source, target, base);
    // Σwℓ / Σw = (3 + 0 + 3) / 6 = 1; unweighted mean 4/3.
    expect(weighted.attributions[0]!.value).toBeCloseTo(1 - 4 / 3, 14);
    expect(weighted.sourcePerformance).toBeCloseTo(4 / 3, 14);
    expect(weighted.targetPerformance).toBe(2);
    expect(weighted.observedChange).toBeCloseTo(2 / 3, 14);
    expect(weighted.effectiveSampleSize).toBeCloseTo(36 / 14, 14);
    const ht = shiftAttribution(g, source, target, { ...base, metric: importanceWeightedMeanLoss });
    // Σwℓ / n = 6 / 3 = 2.
    expect(ht.attributions[0]!.value).toBeCloseTo(2 - 4 / 3, 14);
    const sn = shiftAttribution(g, source, target, {
      ...base,
      metric: importanceWeightedMeanLoss,
      selfNormalize: true,
    });
    // (2 − 4/3) · n / Σw = (2/3) · 3 / 6.
    expect(sn.attributions[0]!.value).toBeCloseTo(1 / 3, 14);
    const clipped = shiftAttribution(g, source, target, { ...base, clipWeights: 2 });
    // w = (1, 2, 2): (3 + 0 + 2) / 5 = 1.
    expect(clipped.attributions[0]!.value).toBeCloseTo(1 - 4 / 3, 14);
    expect(weightedMeanLoss(Float64Array.from([1, 2]), Float64Array.from([3, 1]))).toBe(1.25);
  });

  it('rejects degenerate input, naming the argument', () => {
    const base = { fitter: byValue, sourceLoss, targetLoss };
    const run = (s: Record<string, number[]>, t: Record<string, number[]>, o = {}) => () =>
      shiftAttribution(g, s, t, { ...base, ...o });
    expect(run({ X: [] }, target, { sourceLoss: [] })).toThrow(/shiftAttribution: argument 'source' has no rows/);
    expect(run(source, { X: [] }, { targetLoss: [] })).toThrow(/argument 'target' has no rows/);
    expect(run({ Z: [1, 2, 3] }, target)).toThrow(/argument 'source' lacks the column 'X' the graph names/);
    expect(run(source, target, { fitTarget: { W: [1] } })).toThrow(/'options.fitTarget' lacks the column 'X'/);
    expect(run(source, target, { sourceLoss: [1, 2] })).toThrow(/'options.sourceLoss' has 2 values, 'source' has 3/);
    expect(run(source, target, { targetLoss: [1, Number.NaN] })).toThrow(/'options.targetLoss' row 1 is NaN/);
    expect(run(source, target, { clipWeights: 0.5 })).toThrow(/'options.clipWeights' must be a finite number ≥ 1/);
    const zero: DensityRatioFitter = (s) => ({ cols: s.cols, ratio: (m) => new Float64Array(m.rows) });
    expect(run(source, target, { fitter: zero })).toThrow(/weights of coalition \{P\(X\)\} are all zero/);
    expect(() => causalGraph({ X: ['Y'], Y: ['X'] })).toThrow(ReweightingError);
  });
});
