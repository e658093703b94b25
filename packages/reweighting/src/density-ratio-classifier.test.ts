import { describe, expect, it } from 'vitest';

import { classifierDensityRatio, fitClassifierDensityRatio } from './density-ratio-classifier.js';
import { matrixFromRows, type Matrix } from './matrix.js';
import { seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';

/** `n` draws of N(mean, sd²) as a one-column matrix. */
function gaussianColumn(n: number, mean: number, sd: number, seed: number): Matrix {
  const random = seededRandom(seed);
  return { rows: n, cols: 1, data: Float64Array.from({ length: n }, () => mean + sd * random.normal()) };
}

const grid = (from: number, to: number, steps: number): Matrix => ({
  rows: steps + 1,
  cols: 1,
  data: Float64Array.from({ length: steps + 1 }, (_, i) => from + ((to - from) * i) / steps),
});

describe('fitClassifierDensityRatio', () => {
  it('recovers the exact ratio exp(x − ½) of N(1, 1) over N(0, 1), with the prior correction for n_source = 2·n_target', () => {
    // Equal variances: log r(x) = x − ½ is linear, the logistic family holds it exactly; the classifier's logit is
    // log r(x) + log(n_t/n_s), which the n_s/n_t factor undoes. Without the correction the ratio would be off by ×2.
    const source = gaussianColumn(20000, 0, 1, 11);
    const target = gaussianColumn(10000, 1, 1, 12);
    const model = fitClassifierDensityRatio(source, target);
    expect(model.priorCorrection).toBe(2);
    const x = grid(-1, 2, 12);
    const r = model.ratio(x);
    for (let i = 0; i < x.rows; i += 1) {
      const exact = Math.exp(x.data[i]! - 0.5);
      expect(Math.abs(r[i]! / exact - 1)).toBeLessThan(0.06);
    }
    expect(model.warnings).toEqual([]);
  });

  it('recovers the quadratic log-ratio of unequal-variance Gaussians with quadratic features, not with linear ones', () => {
    // Shimodaira (2000): source N(0.5, 0.5²), target N(0, 0.3²); log r(x) = log(5/3) − x²/0.18 + (x − 0.5)²/0.5.
    const source = gaussianColumn(20000, 0.5, 0.5, 21);
    const target = gaussianColumn(20000, 0, 0.3, 22);
    const x = grid(-0.5, 0.5, 10);
    const exact = x.data.map((v) => Math.exp(Math.log(5 / 3) - (v * v) / 0.18 + (v - 0.5) ** 2 / 0.5));
    const quadratic = fitClassifierDensityRatio(source, target, { features: 'quadratic' }).ratio(x);
    const linear = fitClassifierDensityRatio(source, target, { features: 'linear' }).ratio(x);
    const worst = (r: Float64Array): number => Math.max(...r.map((v, i) => Math.abs(v / exact[i]! - 1)));
    expect(worst(quadratic)).toBeLessThan(0.08);
    expect(worst(linear)).toBeGreaterThan(0.3);
  });

  it('isotonic calibration (cross-fitted) keeps the ratio monotone in the logit and close to the exact ratio', () => {
    const source = gaussianColumn(8000, 0, 1, 31);
    const target = gaussianColumn(8000, 1, 1, 32);
    const model = fitClassifierDensityRatio(source, target, { calibration: 'isotonic', calibrationFolds: 5 });
    const x = grid(-1, 2, 30);
    const r = model.ratio(x);
    for (let i = 1; i < x.rows; i += 1) expect(r[i]!).toBeGreaterThanOrEqual(r[i - 1]!);
    // the isotonic map is a step function: compare on average, not pointwise
    let logError = 0;
    for (let i = 0; i < x.rows; i += 1) logError += Math.abs(Math.log(r[i]!) - (x.data[i]! - 0.5)) / x.rows;
    expect(logError).toBeLessThan(0.12);
  });

  it('clips probabilities to [ε, 1 − ε] and weights to [1/c, c], then self-normalises to mean 1 on the source rows', () => {
    const source = gaussianColumn(400, 0, 1, 41);
    const target = gaussianColumn(400, 1.5, 1, 42);
    const plain = fitClassifierDensityRatio(source, target, { probabilityClip: 0 });
    const probClipped = fitClassifierDensityRatio(source, target, { probabilityClip: 0.1 });
    expect(Math.max(...probClipped.sourceWeights)).toBeLessThanOrEqual(9 + 1e-12);
    expect(Math.min(...probClipped.sourceWeights)).toBeGreaterThanOrEqual(1 / 9 - 1e-12);
    expect(Math.max(...plain.sourceWeights)).toBeGreaterThan(9); // the clip was active
    const weightClipped = fitClassifierDensityRatio(source, target, { probabilityClip: 0, weightClip: 3 });
    expect(Math.max(...weightClipped.sourceWeights)).toBeCloseTo(3, 12);
    expect(Math.min(...weightClipped.sourceWeights)).toBeCloseTo(1 / 3, 12);
    const clippedRows = plain.sourceWeights.filter((w) => w > 3 || w < 1 / 3).length;
    expect(weightClipped.clippedFraction).toBeCloseTo(clippedRows / 400, 12);
    const normalised = fitClassifierDensityRatio(source, target, { weightClip: 3, selfNormalize: true });
    expect(normalised.sourceWeights.reduce((s, w) => s + w, 0) / 400).toBeCloseTo(1, 12);
    expect([...normalised.ratio(source)]).toEqual([...normalised.sourceWeights]);
    expect(normalised.normalizer).toBeCloseTo(weightClipped.sourceWeights.reduce((s, w) => s + w, 0) / 400, 2);
  });

  it('classifierDensityRatio(options) is a DensityRatioFitter giving the same model', () => {
    const source = gaussianColumn(300, 0, 1, 51);
    const target = gaussianColumn(200, 0.5, 1, 52);
    const fitter = classifierDensityRatio({ features: 'quadratic', weightClip: 5 });
    const x = grid(-2, 2, 8);
    expect([...fitter(source, target).ratio(x)]).toEqual([...fitClassifierDensityRatio(source, target, { features: 'quadratic', weightClip: 5 }).ratio(x)]);
  });
});

describe('fitClassifierDensityRatio on degenerate input', () => {
  const ok = matrixFromRows([[0, 1], [1, 0], [2, 2], [0.5, 1]]);
  it('names an empty group, mismatched columns and a non-finite cell by row and column', () => {
    expect(() => fitClassifierDensityRatio({ rows: 0, cols: 2, data: new Float64Array(0) }, ok)).toThrow("argument 'source' has no rows (one group empty)");
    expect(() => fitClassifierDensityRatio(ok, { rows: 0, cols: 2, data: new Float64Array(0) })).toThrow("argument 'target' has no rows");
    expect(() => fitClassifierDensityRatio(ok, matrixFromRows([[1], [2]]))).toThrow("argument 'target' has 1 columns but 'source' has 2");
    expect(() => fitClassifierDensityRatio(ok, matrixFromRows([[1, 2], [3, Number.NaN]]))).toThrow("argument 'target' row 1, column 1 is NaN");
    expect(() => fitClassifierDensityRatio(matrixFromRows([[Number.POSITIVE_INFINITY, 0], [1, 1]]), ok)).toThrow("argument 'source' row 0, column 0 is Infinity");
    expect(() => fitClassifierDensityRatio(ok, ok, { weightClip: 0.5 })).toThrow(ReweightingError);
    expect(() => fitClassifierDensityRatio(ok, ok, { calibration: 'isotonic', calibrationFolds: 5 })).toThrow("options.calibrationFolds");
    const model = fitClassifierDensityRatio(ok, matrixFromRows([[0.2, 1.1], [1.5, 0.5], [0.1, 1.9]]));
    expect(() => model.ratio(matrixFromRows([[1, 2, 3]]))).toThrow("argument 'x' has 3 columns, the model was fitted on 2");
  });

  it('rejects perfectly separable domains with an error, and warns when most source rows hit the clip', () => {
    const source = gaussianColumn(200, 0, 1, 61);
    const far = { rows: 200, cols: 1, data: gaussianColumn(200, 0, 1, 62).data.map((v) => v + 20) };
    expect(() => fitClassifierDensityRatio(source, far)).toThrow(/is perfectly separable from 'source'/);
    const shifted = gaussianColumn(200, 4.5, 1, 63); // overlapping tails, but mostly apart
    const model = fitClassifierDensityRatio(source, shifted);
    expect(model.clippedFraction).toBeGreaterThan(0.5);
    expect(model.warnings.join(' ')).toMatch(/nearly separable/);
  });

  it('keeps weights finite without a probability clip where σ(logit) rounds to 0 or 1', () => {
    const source = { rows: 201, cols: 1, data: Float64Array.of(...gaussianColumn(200, 0, 1, 71).data, 40) };
    const target = { rows: 201, cols: 1, data: Float64Array.of(...gaussianColumn(200, 40, 1, 72).data, 0) };
    const model = fitClassifierDensityRatio(source, target, { probabilityClip: 0, l2: 1e-6 });
    const r = model.ratio({ rows: 3, cols: 1, data: Float64Array.of(-300, 20, 300) }); // far outside the data: logits beyond ±40
    expect(r.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(r[2]! / r[0]!).toBeGreaterThan(1e30); // σ would round to exactly 1 and 0 here
    expect(() => fitClassifierDensityRatio(source, target, { probabilityClip: 0, calibration: 'isotonic' })).toThrow("options.probabilityClip' must be > 0 with isotonic");
  });
});
