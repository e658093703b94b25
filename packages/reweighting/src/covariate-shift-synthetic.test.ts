import { describe, expect, it } from 'vitest';

import { shimodairaToy } from './covariate-shift-synthetic.js';
import { fitClassifierDensityRatio } from './density-ratio-classifier.js';
import { fitKliep } from './kliep.js';
import { fitWeightedLeastSquares, predictLinear } from './weighted-least-squares.js';

const mean = (a: ArrayLike<number>): number => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
const sd = (a: ArrayLike<number>): number => {
  const m = mean(a);
  return Math.sqrt(Array.from(a).reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
};
const pearson = (a: Float64Array, b: Float64Array): number => {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i += 1) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

describe('shimodairaToy', () => {
  it('draws the stated distributions, and its true ratio satisfies E_source[r] = 1', () => {
    const d = shimodairaToy({ seed: 5, nSource: 20000, nTarget: 20000 });
    expect(mean(d.source.data)).toBeCloseTo(0.5, 1);
    expect(sd(d.source.data)).toBeCloseTo(0.5, 1);
    expect(mean(d.target.data)).toBeCloseTo(0, 1);
    expect(sd(d.target.data)).toBeCloseTo(0.3, 1);
    const noise = d.targetY.map((y, i) => y - (-d.target.data[i]! + d.target.data[i]! ** 3));
    expect(Math.abs(sd(noise) - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(mean(d.trueRatio(d.source)) - 1)).toBeLessThan(0.05);
    expect([...shimodairaToy({ seed: 5, nSource: 3 }).source.data]).toEqual([...shimodairaToy({ seed: 5, nSource: 3 }).source.data]);
  });
});

describe('importance-weighted least squares on Shimodaira (2000)', () => {
  it('true, classifier and KLIEP weights all cut the target MSE of a misspecified line (5 seeded repetitions)', () => {
    const mse = { none: [] as number[], truth: [] as number[], classifier: [] as number[], kliep: [] as number[] };
    const corr = { classifier: [] as number[], kliep: [] as number[] };
    for (let seed = 1; seed <= 5; seed += 1) {
      const d = shimodairaToy({ seed }); // the paper's n = 100 per domain
      const targetMse = (w?: Float64Array): number => {
        const p = predictLinear(fitWeightedLeastSquares(d.source, d.sourceY, w), d.target);
        return mean(p.map((v, i) => (v - d.targetY[i]!) ** 2));
      };
      const truth = d.trueRatio(d.source);
      // the log-ratio of two Gaussians of unequal variance is quadratic: the classifier gets quadratic features
      const classifier = fitClassifierDensityRatio(d.source, d.target, { features: 'quadratic' }).sourceWeights;
      const kliep = fitKliep(d.source, d.target).ratio(d.source);
      mse.none.push(targetMse());
      mse.truth.push(targetMse(truth));
      mse.classifier.push(targetMse(classifier));
      mse.kliep.push(targetMse(kliep));
      corr.classifier.push(pearson(classifier, truth));
      corr.kliep.push(pearson(kliep, truth));
    }
    // Shimodaira's point: weighting by the true ratio moves the line to the target region
    expect(mean(mse.truth)).toBeLessThan(0.5 * mean(mse.none));
    // estimated weights do as well, within 30% of the true weights' MSE
    expect(mean(mse.classifier)).toBeLessThan(0.5 * mean(mse.none));
    expect(mean(mse.kliep)).toBeLessThan(0.5 * mean(mse.none));
    expect(mean(mse.classifier)).toBeLessThan(1.3 * mean(mse.truth));
    expect(mean(mse.kliep)).toBeLessThan(1.3 * mean(mse.truth));
    // and the estimated ratios track the true one on the source rows
    expect(mean(corr.classifier)).toBeGreaterThan(0.9);
    expect(mean(corr.kliep)).toBeGreaterThan(0.75);
  });
});
