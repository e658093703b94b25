import { fitLogisticRegression, logisticLogits, sigmoid } from './logistic-regression.js';
import type { Matrix } from './matrix.js';
import { seededPermutation, seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';
import { fitFeatureMap, fitRidgeRegression, type RidgeFeatures } from './ridge-regression.js';
import { treatmentGroups } from './treatment-data.js';

/** Fits a regression on rows `x` `[n × d]`, targets `y` `[n]` and optional weights `[n]`; returns its predictor. */
export type RegressionLearner = (
  x: Matrix,
  y: ArrayLike<number>,
  weights?: ArrayLike<number>,
) => (x: Matrix) => Float64Array;

/** Fits a probability model of 0/1 labels `[n]` on rows `x`; returns a predictor of P(label = 1 | x). */
export type ProbabilityLearner = (x: Matrix, labels: ArrayLike<number>) => (x: Matrix) => Float64Array;

/**
 * The default regression learner: {@link fitRidgeRegression} on quadratic features of the standardised covariates,
 * λ chosen by weighted leave-one-out error.
 */
export function ridgeLearner(features: RidgeFeatures = 'quadratic'): RegressionLearner {
  return (x, y, weights) => {
    const model = fitRidgeRegression(x, y, weights ? { features, weights } : { features });
    return (z) => model.predict(z);
  };
}

/**
 * The default propensity learner: L2 logistic regression (the package's `fitLogisticRegression`, λ = `l2`, default
 * 1/n) on the same quadratic expansion of standardised covariates as {@link ridgeLearner}.
 */
export function logisticLearner(features: RidgeFeatures = 'quadratic', l2?: number): ProbabilityLearner {
  return (x, labels) => {
    const expand = fitFeatureMap(x, features);
    const model = fitLogisticRegression(expand(x), labels, l2 === undefined ? {} : { l2 });
    return (z) => Float64Array.from(logisticLogits(model, expand(z)), sigmoid);
  };
}

/**
 * Options of {@link crossFitNuisances}. Defaults: 5 folds, seed 0, propensities clipped to [0.01, 0.99], quadratic
 * ridge for outcomes and quadratic L2 logistic regression for the propensity.
 */
export interface CrossFitOptions {
  readonly folds?: number;
  readonly seed?: number;
  /** π̂ is clipped to [clip, 1 − clip], so |A − π̂| ≥ clip. Default 0.01. */
  readonly propensityClip?: number;
  readonly outcomeLearner?: RegressionLearner;
  readonly propensityLearner?: ProbabilityLearner;
}

/** Out-of-fold nuisance estimates, one value per row `[n]`. */
export interface CrossFitNuisances {
  /** m̂(x) = Ê[Y | X = x]. */
  readonly outcomeMean: Float64Array;
  /** π̂(x) = P̂(A = 1 | X = x), clipped. */
  readonly propensity: Float64Array;
  /** μ̂₀(x) = Ê[Y | X = x, A = 0] (fitted on the control rows of the other folds). */
  readonly controlOutcome: Float64Array;
  /** μ̂₁(x) = Ê[Y | X = x, A = 1] (fitted on the treated rows of the other folds). */
  readonly treatedOutcome: Float64Array;
  /** Fold of each row, 0..K−1. */
  readonly fold: Int32Array;
}

/**
 * Cross-fitting (Chernozhukov et al. 2018; Nie & Wager 2021): rows are split into K seeded folds; every nuisance of a
 * row is predicted by a model fitted on the other K − 1 folds, so no row's own outcome enters its nuisance. Fits
 * m̂ = E[Y|X], π̂ = P(A=1|X) and the arm regressions μ̂₀, μ̂₁. `x` `[n × d]`, `treatment` and `outcome` `[n]`.
 * @throws ReweightingError for an empty group, NaN cells (row and column named), fewer than 2 folds, or a training
 *   split with no treated or no control rows (too few rows of one group for K folds).
 */
export function crossFitNuisances(
  x: Matrix,
  treatment: ArrayLike<number>,
  outcome: ArrayLike<number>,
  options: CrossFitOptions = {},
): CrossFitNuisances {
  const fn = 'crossFitNuisances';
  treatmentGroups(fn, x, treatment, outcome);
  const n = x.rows;
  const k = options.folds ?? 5;
  if (!Number.isInteger(k) || k < 2 || k > n) throw new ReweightingError(fn, 'options.folds', `must be an integer in [2, n = ${n}], got ${k}`);
  const clip = options.propensityClip ?? 0.01;
  if (!(clip >= 0 && clip < 0.5)) throw new ReweightingError(fn, 'options.propensityClip', `must lie in [0, 0.5), got ${clip}`);
  const outcomeLearner = options.outcomeLearner ?? ridgeLearner();
  const propensityLearner = options.propensityLearner ?? logisticLearner();
  const fold = new Int32Array(n);
  seededPermutation(n, seededRandom(options.seed ?? 0)).forEach((row, position) => (fold[row] = position % k));
  const result = {
    outcomeMean: new Float64Array(n),
    propensity: new Float64Array(n),
    controlOutcome: new Float64Array(n),
    treatedOutcome: new Float64Array(n),
    fold,
  };
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    const xTrain = pick(x, train);
    const xTest = pick(x, test);
    const aTrain = train.map((i) => treatment[i]!);
    const yTrain = train.map((i) => outcome[i]!);
    const arm = (a: number): number[] => train.map((_, j) => j).filter((j) => aTrain[j] === a);
    const treatedRows = arm(1);
    const controlRows = arm(0);
    if (treatedRows.length === 0 || controlRows.length === 0) {
      throw new ReweightingError(fn, 'treatment', `leaves fold ${f}'s training rows with no ${treatedRows.length === 0 ? 'treated' : 'control'} rows (one group empty)`);
    }
    const m = outcomeLearner(xTrain, yTrain)(xTest);
    const p = propensityLearner(xTrain, aTrain)(xTest);
    const mu0 = outcomeLearner(pick(xTrain, controlRows), controlRows.map((j) => yTrain[j]!))(xTest);
    const mu1 = outcomeLearner(pick(xTrain, treatedRows), treatedRows.map((j) => yTrain[j]!))(xTest);
    test.forEach((row, j) => {
      result.outcomeMean[row] = m[j]!;
      result.propensity[row] = Math.min(Math.max(p[j]!, clip), 1 - clip);
      result.controlOutcome[row] = mu0[j]!;
      result.treatedOutcome[row] = mu1[j]!;
    });
  }
  return result;
}

/** Rows `rows` of `x` as a new matrix. */
export function pick(x: Matrix, rows: readonly number[] | Int32Array): Matrix {
  const data = new Float64Array(rows.length * x.cols);
  rows.forEach((r, i) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return { rows: rows.length, cols: x.cols, data };
}

