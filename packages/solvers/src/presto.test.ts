import { CUMULATIVE_LOGIT_PROBABILITY_FLOOR, cumulativeLogitLoss } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { PRESTO_PROBABILITY_FLOOR, type PrestoModel } from './cumulative-model.js';
import { SolverArgumentError } from './errors.js';
import { fitPresto, fitProportionalOdds } from './presto.js';
import { cvPresto, prestoLambdaMax } from './presto-path.js';
import { predictPrestoProbabilities, prestoCumulativeLogits } from './presto-predict.js';
import { sparseDifferencesData } from './presto-synthetic.js';
import { fitSeparateLogistic } from './separate-logistic.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';

// A smaller draw of the paper's sparse-differences design for the fast tests.
const SMALL = sparseDifferencesData({ seed: 11, n: 800, p: 4, intercepts: [0, 2, 3.5] });

const rows = (m: readonly Float64Array[]): number[][] => m.map((r) => Array.from(r));
const maxAbsDiff = (a: readonly Float64Array[], b: readonly Float64Array[]): number =>
  Math.max(...a.flatMap((row, k) => Array.from(row, (v, c) => Math.abs(v - (b[k]?.[c] ?? Number.NaN)))));
const logit = (q: number): number => Math.log(q / (1 - q));

/** Gradient of the mean NLL w.r.t. the standardised α, β by tfjs autodiff of cumulativeLogitLoss (float32). */
function tfjsGradient(model: PrestoModel, x: readonly Float64Array[], y: Int32Array): { alpha: number[]; beta: number[][] } {
  const { center, scale } = model.standardization ?? { center: new Float64Array(model.numFeatures), scale: new Float64Array(model.numFeatures).fill(1) };
  const z = x.map((row) => Array.from(row, (v, c) => (v - (center[c] ?? 0)) / (scale[c] ?? 1)));
  const eta = prestoCumulativeLogits(model, x);
  const g = tf.tidy(() =>
    tf.grad((v: tf.Tensor) => cumulativeLogitLoss(y, v))(tf.tensor2d(eta.map((r) => Array.from(r)))).arraySync(),
  ) as number[][];
  const m = model.numClasses - 1;
  const alpha = Array.from({ length: m }, (_, k) => g.reduce((s, row) => s + (row[k] ?? 0), 0));
  const beta = Array.from({ length: m }, (_, k) =>
    Array.from({ length: model.numFeatures }, (_, c) => g.reduce((s, row, i) => s + (row[k] ?? 0) * (z[i]?.[c] ?? 0), 0)),
  );
  return { alpha, beta };
}

describe('fitPresto', () => {
  it('satisfies the lasso optimality conditions, checked with the tfjs loss gradient', async () => {
    await useBackend('cpu');
    for (const penalizeFirst of [true, false]) {
      const lambdaMax = prestoLambdaMax(SMALL.x, SMALL.y, { penalizeFirst });
      const lambda = 0.2 * lambdaMax;
      const model = fitPresto(SMALL.x, SMALL.y, { lambda, penalizeFirst, tolerance: 1e-9 });
      expect(model.converged).toBe(true);
      const { alpha, beta } = tfjsGradient(model, SMALL.x, SMALL.y);
      const m = model.numClasses - 1;
      alpha.forEach((g) => expect(Math.abs(g)).toBeLessThan(1e-5));
      // ∂/∂ψ_j = Σ_{k ≥ j} ∂/∂β_k; at the optimum it is −λ·sign(ψ) where ψ ≠ 0 and within [−λ, λ] where ψ = 0.
      let zeros = 0;
      for (let j = 0; j < m; j += 1) {
        for (let c = 0; c < model.numFeatures; c += 1) {
          let g = 0;
          for (let k = j; k < m; k += 1) g += beta[k]?.[c] ?? 0;
          const psi = model.standardized.differences[j]?.[c] ?? 0;
          const weight = j === 0 && !penalizeFirst ? 0 : lambda;
          if (psi !== 0) expect(Math.abs(g + weight * Math.sign(psi))).toBeLessThan(1e-5);
          else {
            zeros += 1;
            expect(Math.abs(g)).toBeLessThanOrEqual(weight + 1e-5);
          }
        }
      }
      expect(zeros).toBeGreaterThan(0); // the penalty is active: some differences are exactly zero
    }
  });

  it('reports an NLL equal to cumulativeLogitLoss (mean) on its cumulative logits', async () => {
    expect(PRESTO_PROBABILITY_FLOOR).toBe(CUMULATIVE_LOGIT_PROBABILITY_FLOOR);
    const model = fitPresto(SMALL.x, SMALL.y, { lambda: 0.003 });
    const eta = prestoCumulativeLogits(model, SMALL.x).map((r) => Array.from(r));
    for (const backend of TEST_BACKENDS) {
      await useBackend(backend);
      const loss = tf.tidy(() => cumulativeLogitLoss(SMALL.y, tf.tensor2d(eta)).dataSync()[0] ?? Number.NaN);
      expect(Math.abs(loss - model.nll) / model.nll).toBeLessThan(1e-5);
    }
  });

  it('decreases its objective monotonically and is deterministic', () => {
    const a = fitPresto(SMALL.x, SMALL.y, { lambda: 0.002 });
    const b = fitPresto(SMALL.x, SMALL.y, { lambda: 0.002 });
    expect(rows(a.coefficients)).toEqual(rows(b.coefficients));
    expect(a.objectiveHistory.length).toBeLessThanOrEqual(a.iterations); // accepted steps only (restarts are not)
    expect(a.objectiveHistory.length).toBeGreaterThan(0);
    for (let i = 1; i < a.objectiveHistory.length; i += 1) {
      expect(a.objectiveHistory[i] ?? Infinity).toBeLessThanOrEqual((a.objectiveHistory[i - 1] ?? 0) + 1e-12);
    }
    expect(a.objective).toBe(a.objectiveHistory[a.objectiveHistory.length - 1]);
  });

  it('reports coefficients on the original scale that reproduce the standardised linear predictor', () => {
    const shifted = SMALL.x.map((row) => row.map((v, c) => 10 + (c + 1) * 3 * v));
    const model = fitPresto(shifted, SMALL.y, { lambda: 0.002 });
    const { center, scale } = model.standardization ?? { center: new Float64Array(0), scale: new Float64Array(0) };
    const eta = prestoCumulativeLogits(model, shifted);
    shifted.forEach((row, i) => {
      for (let k = 0; k < 3; k += 1) {
        let expected = model.standardized.intercepts[k] ?? 0;
        row.forEach((v, c) => (expected += ((v - (center[c] ?? 0)) / (scale[c] ?? 1)) * (model.standardized.coefficients[k]?.[c] ?? 0)));
        expect(Math.abs((eta[i]?.[k] ?? 0) - expected)).toBeLessThan(1e-9);
      }
    });
    // β = cumulative sums of ψ on both scales.
    expect(maxAbsDiff(model.coefficients.slice(1), model.coefficients.slice(0, -1).map((b, k) => b.map((v, c) => v + (model.differences[k + 1]?.[c] ?? 0))))).toBeLessThan(1e-12);
    // Unpenalised fits do not depend on the scaling.
    const a = fitProportionalOdds(shifted, SMALL.y, { tolerance: 1e-10 });
    const unshifted = fitProportionalOdds(SMALL.x, SMALL.y, { tolerance: 1e-10 });
    const b = fitProportionalOdds(SMALL.x, SMALL.y, { standardize: false, tolerance: 1e-10, maxIterations: 200_000 });
    expect(b.converged).toBe(true);
    expect(maxAbsDiff(unshifted.coefficients, b.coefficients)).toBeLessThan(1e-6);
    expect(maxAbsDiff([unshifted.intercepts], [b.intercepts])).toBeLessThan(1e-6);
    // …and an affine change of the covariates only changes the coefficients accordingly: β_c ↦ β_c / (3(c + 1)).
    expect(maxAbsDiff(a.coefficients, unshifted.coefficients.map((row) => row.map((v, c) => v / (3 * (c + 1)))))).toBeLessThan(1e-6);
  });
});

describe('PRESTO limits', () => {
  it('λ ≥ λ_max with penalizeFirst: false zeroes every difference exactly: the proportional-odds fit', () => {
    const lambdaMax = prestoLambdaMax(SMALL.x, SMALL.y, { penalizeFirst: false });
    const presto = fitPresto(SMALL.x, SMALL.y, { lambda: 1.01 * lambdaMax, penalizeFirst: false, tolerance: 1e-10 });
    const po = fitProportionalOdds(SMALL.x, SMALL.y, { tolerance: 1e-10 });
    expect(presto.differences.slice(1).every((row) => row.every((v) => v === 0))).toBe(true);
    expect(po.differences.slice(1).every((row) => row.every((v) => v === 0))).toBe(true);
    expect(maxAbsDiff(presto.coefficients, po.coefficients)).toBeLessThan(1e-6);
    expect(maxAbsDiff([presto.intercepts], [po.intercepts])).toBeLessThan(1e-6);
    expect(po.coefficients[0]?.some((v) => v !== 0)).toBe(true);
    // λ_max is tight: just below it a difference becomes non-zero.
    const below = fitPresto(SMALL.x, SMALL.y, { lambda: 0.9 * lambdaMax, penalizeFirst: false, tolerance: 1e-10 });
    expect(below.differences.slice(1).some((row) => row.some((v) => v !== 0))).toBe(true);
  });

  it('λ ≥ λ_max with the default penalizeFirst: true gives the intercept-only model', () => {
    const lambdaMax = prestoLambdaMax(SMALL.x, SMALL.y);
    const model = fitPresto(SMALL.x, SMALL.y, { lambda: 1.01 * lambdaMax });
    expect(model.coefficients.every((row) => row.every((v) => v === 0))).toBe(true);
    const n = SMALL.y.length;
    let cumulative = 0;
    for (let k = 0; k < 3; k += 1) {
      cumulative += SMALL.y.filter((v) => v === k).length;
      expect(Math.abs((model.intercepts[k] ?? 0) - logit(cumulative / n))).toBeLessThan(1e-9);
    }
    const below = fitPresto(SMALL.x, SMALL.y, { lambda: 0.95 * lambdaMax });
    expect(below.differences.some((row) => row.some((v) => v !== 0))).toBe(true);
  });

  it('λ = 0 equals separate logistic fits of 1[y ≤ k] when the model is saturated (one binary covariate)', () => {
    // Two groups with every class present: the non-parallel model is saturated, so both estimators reproduce the
    // empirical cumulative frequencies of each group: σ(α_k + β_k·g) = P̂(y ≤ k | g).
    const counts = [
      [50, 30, 15, 5],
      [20, 30, 30, 20],
    ];
    const x: number[][] = [];
    const y: number[] = [];
    counts.forEach((groupCounts, g) => groupCounts.forEach((count, k) => {
      for (let i = 0; i < count; i += 1) {
        x.push([g]);
        y.push(k);
      }
    }));
    const cumulative = (g: number, k: number): number => {
      const groupCounts = counts[g] ?? [];
      return groupCounts.slice(0, k + 1).reduce((a, b) => a + b, 0) / groupCounts.reduce((a, b) => a + b, 0);
    };
    for (const standardize of [true, false]) {
      const presto = fitPresto(x, y, { lambda: 0, standardize, tolerance: 1e-11, maxIterations: 200_000 });
      const separate = fitSeparateLogistic(x, y, { standardize, tolerance: 1e-12 });
      expect(presto.converged && separate.converged).toBe(true);
      for (let k = 0; k < 3; k += 1) {
        const alpha = logit(cumulative(0, k));
        const beta = logit(cumulative(1, k)) - alpha;
        expect(Math.abs((separate.intercepts[k] ?? 0) - alpha)).toBeLessThan(1e-9);
        expect(Math.abs((separate.coefficients[k]?.[0] ?? 0) - beta)).toBeLessThan(1e-9);
        expect(Math.abs((presto.intercepts[k] ?? 0) - alpha)).toBeLessThan(1e-7);
        expect(Math.abs((presto.coefficients[k]?.[0] ?? 0) - beta)).toBeLessThan(1e-7);
      }
    }
  });

  it('λ = 0 is the ordinal MLE: never a worse likelihood than the separate fits (which differ in general)', () => {
    const presto = fitPresto(SMALL.x, SMALL.y, { lambda: 0, tolerance: 1e-9 });
    const separate = fitSeparateLogistic(SMALL.x, SMALL.y);
    expect(presto.nll).toBeLessThanOrEqual(separate.nll + 1e-12);
    expect(maxAbsDiff(presto.coefficients, separate.coefficients)).toBeGreaterThan(1e-4);
  });

  it('follows the sign convention σ(α_k + xᵀβ_k) = P(y ≤ k): estimates match the true α, β (not their negatives)', () => {
    // True β entries are 2 or 2 ± 0.5: a sign flip would be off by about 4.
    const data = sparseDifferencesData({ seed: 21, n: 2500, p: 4, intercepts: [0, 2, 4], devProb: 0.5, baseValue: 2 });
    const fits = [fitSeparateLogistic(data.x, data.y), fitPresto(data.x, data.y, { lambda: 0 }), fitProportionalOdds(data.x, data.y)];
    for (const model of fits) {
      const tolerance = model.method === 'proportionalOdds' ? 0.6 : 0.35; // PO cannot follow the differences
      expect(maxAbsDiff(model.coefficients, data.coefficients)).toBeLessThan(tolerance);
      expect(maxAbsDiff([model.intercepts], [data.intercepts])).toBeLessThan(0.3);
    }
  });
});

describe('PRESTO argument checks', () => {
  it('names the function and the argument', () => {
    expect(() => fitPresto([[1, 2], [3]], [0, 1], { lambda: 0 })).toThrow("fitPresto: argument 'x' row 1 has 1 covariates, row 0 has 2");
    expect(() => fitPresto([[1], [2], [3]], [0, 2, 2], { lambda: 0 })).toThrow(/argument 'y' has no example of class 1/);
    expect(() => fitPresto([[1], [2]], [0, 1, 1], { lambda: 0 })).toThrow(/argument 'y' must hold 2 class ids/);
    expect(() => fitPresto([[1], [2]], [0, 1.5], { lambda: 0 })).toThrow(/argument 'y' must hold integer class ids ≥ 0, got 1.5/);
    expect(() => fitPresto([[1], [Number.NaN]], [0, 1], { lambda: 0 })).toThrow(/argument 'x' must be finite, got NaN at row 1/);
    expect(() => fitPresto([[1], [2]], [0, 1], { lambda: -1 })).toThrow(/argument 'options.lambda' must be a finite number ≥ 0/);
    expect(() => fitPresto([[1], [2]], [0, 1], { lambda: 0, numClasses: 3 })).toThrow(/has no example of class 2/);
    expect(() => fitPresto([[1], [2]], [0, 1], { lambda: 0, tolerance: 0 })).toThrow(/'options.tolerance' must be a positive number/);
    expect(() => fitSeparateLogistic([[1], [2]], [0, 3], { numClasses: 3 })).toThrow(
      /fitSeparateLogistic: argument 'y' holds class id 3, outside \[0, 2\]/,
    );
    const model = fitPresto([[1], [2], [3], [4]], [0, 1, 0, 1], { lambda: 0 });
    expect(() => predictPrestoProbabilities(model, [[1, 2]])).toThrow(/predictPrestoProbabilities: argument 'x' row 0 has 2 covariates, the model has 1/);
    expect(() => cvPresto([[1], [2], [3], [4]], [0, 1, 0, 1], { numFolds: 1 })).toThrow(SolverArgumentError);
  });
});

