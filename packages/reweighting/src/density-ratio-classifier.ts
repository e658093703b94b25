import { isotonicRegression } from '@counterweight/solvers';

import { assertDensityRatioInput, assertRatioInput } from './density-ratio-input.js';
import type { DensityRatioFitter, DensityRatioModel } from './density-ratio-model.js';
import { fitLogisticRegression, logisticLogits, sigmoid, type LogisticRegressionModel } from './logistic-regression.js';
import type { Matrix } from './matrix.js';
import { seededPermutation, seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';

/** Options of {@link fitClassifierDensityRatio}; defaults follow MLforHealth/expl_perf_drop where it has one. */
export interface ClassifierDensityRatioOptions {
  /**
   * Classifier features, computed from the columns standardised with the pooled mean and standard deviation:
   * `'linear'` (the standardised columns) or `'quadratic'` (those plus every product `zⱼ·zₖ`, j ≤ k — the exact
   * log-ratio family of two Gaussians with unequal covariances). Default `'linear'`.
   */
  readonly features?: 'linear' | 'quadratic';
  /** λ of the L2 penalty on the mean log-loss (see `fitLogisticRegression`). Default `1/(n_source + n_target)` (scikit-learn's C = 1). */
  readonly l2?: number;
  /**
   * `'isotonic'`: map the classifier's probability through an isotonic regression (Zadrozny & Elkan 2002) fitted on
   * cross-fitted (out-of-fold) probabilities of the pooled rows against their domain labels; the classifier used at
   * prediction is the one fitted on all rows. Default `'none'` (as the reference's `calibrate_weight_models = False`).
   */
  readonly calibration?: 'none' | 'isotonic';
  /** Folds of the cross-fitting for `'isotonic'` (stratified by domain). Default 5. */
  readonly calibrationFolds?: number;
  /** Seed of the fold assignment. Default 0. */
  readonly seed?: number;
  /** ε: probabilities are clipped to [ε, 1 − ε] before the odds are taken. Default 0.01 (the reference's `clip_prob_thres = 0.99`). */
  readonly probabilityClip?: number;
  /** c ≥ 1: weights are clipped to [1/c, c] after the prior correction. Default `Infinity` (no clipping, the reference's default). */
  readonly weightClip?: number;
  /** Rescale so the weights of the source rows have mean 1 (the reference's `imp_weight_type = 'self_normalize'`). Default false. */
  readonly selfNormalize?: boolean;
  /** A warning is recorded when more than this fraction of source rows hit a clip. Default 0.5. */
  readonly clipWarningFraction?: number;
}

/** The fitted classifier density ratio, with its diagnostics. */
export interface ClassifierDensityRatioModel extends DensityRatioModel {
  /** The domain classifier on the (standardised, expanded) features; label 1 = target. */
  readonly classifier: LogisticRegressionModel;
  /** `n_source / n_target`, the class-prior correction of the odds. */
  readonly priorCorrection: number;
  /** Divisor applied last: the mean clipped weight on the source rows if `selfNormalize`, else 1. */
  readonly normalizer: number;
  /** `ratio(source)`, the importance weights of the training source rows. */
  readonly sourceWeights: Float64Array;
  /** Fraction of source rows whose probability or weight was clipped. */
  readonly clippedFraction: number;
  /** Plain-language warnings (e.g. most rows clipped: the domains are nearly separable). Empty when none. */
  readonly warnings: readonly string[];
}

interface FeatureMap {
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly quadratic: boolean;
}

function pooledFeatureMap(source: Matrix, target: Matrix, quadratic: boolean): FeatureMap {
  const p = source.cols;
  const n = source.rows + target.rows;
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (const m of [source, target]) for (let k = 0; k < m.data.length; k += 1) mean[k % p] = mean[k % p]! + m.data[k]! / n;
  for (const m of [source, target]) for (let k = 0; k < m.data.length; k += 1) scale[k % p] = scale[k % p]! + (m.data[k]! - mean[k % p]!) ** 2 / n;
  for (let j = 0; j < p; j += 1) scale[j] = scale[j]! > 0 ? Math.sqrt(scale[j]!) : 1;
  return { mean, scale, quadratic };
}

function applyFeatureMap(map: FeatureMap, x: Matrix): Matrix {
  const p = x.cols;
  const q = map.quadratic ? p + (p * (p + 1)) / 2 : p;
  const data = new Float64Array(x.rows * q);
  const z = new Float64Array(p);
  for (let i = 0; i < x.rows; i += 1) {
    for (let j = 0; j < p; j += 1) z[j] = (x.data[i * p + j]! - map.mean[j]!) / map.scale[j]!;
    data.set(z, i * q);
    if (map.quadratic) {
      let c = i * q + p;
      for (let j = 0; j < p; j += 1) for (let k = j; k < p; k += 1) data[c++] = z[j]! * z[k]!;
    }
  }
  return { rows: x.rows, cols: q, data };
}

function stackRows(a: Matrix, b: Matrix): Matrix {
  const data = new Float64Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return { rows: a.rows + b.rows, cols: a.cols, data };
}

function selectRows(m: Matrix, rows: readonly number[]): Matrix {
  const data = new Float64Array(rows.length * m.cols);
  rows.forEach((r, i) => data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return { rows: rows.length, cols: m.cols, data };
}

/** A monotone piecewise-linear map through (knotsX, knotsY), constant beyond the end knots (scikit-learn's `out_of_bounds='clip'`). */
function interpolate(knotsX: Float64Array, knotsY: Float64Array, v: number): number {
  const m = knotsX.length;
  if (v <= knotsX[0]!) return knotsY[0]!;
  if (v >= knotsX[m - 1]!) return knotsY[m - 1]!;
  let lo = 0;
  let hi = m - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (knotsX[mid]! <= v) lo = mid;
    else hi = mid;
  }
  const t = (v - knotsX[lo]!) / (knotsX[hi]! - knotsX[lo]!);
  return knotsY[lo]! + t * (knotsY[hi]! - knotsY[lo]!);
}

/** Isotonic fit of labels on probabilities, ties pooled, as interpolation knots. */
function isotonicKnots(probabilities: Float64Array, labels: Uint8Array): { x: Float64Array; y: Float64Array } {
  const order = Array.from(probabilities.keys()).sort((a, b) => probabilities[a]! - probabilities[b]!);
  const xs: number[] = [];
  const means: number[] = [];
  const counts: number[] = [];
  for (const i of order) {
    const v = probabilities[i]!;
    const last = xs.length - 1;
    if (last >= 0 && xs[last] === v) {
      means[last] = (means[last]! * counts[last]! + labels[i]!) / (counts[last]! + 1);
      counts[last] = counts[last]! + 1;
    } else {
      xs.push(v);
      means.push(labels[i]!);
      counts.push(1);
    }
  }
  return { x: Float64Array.from(xs), y: isotonicRegression(means, counts) };
}

/**
 * Density ratio `r(x) = p_target(x)/p_source(x)` from a probabilistic domain classifier (Bickel, Brückner & Scheffer
 * 2007; Sugiyama, Suzuki & Kanamori 2012, §4): label source rows 0 and target rows 1, fit an L2-regularised logistic
 * regression `P(1|x)`, optionally calibrate it (isotonic, cross-fitted), clip it to [ε, 1−ε], and take
 * `r(x) = P(1|x)/P(0|x) · n_source/n_target` (Bayes' rule undoes the sample-size prior), clipped to [1/c, c] and
 * optionally divided by its mean over the source rows. As MLforHealth/expl_perf_drop `explainers.py` (commit 0c09bf2)
 * lines 180–198 (odds of the clipped probabilities, isotonic option), 273 (prior correction), 286 (weight clip) and 296
 * (self-normalisation). `source` is `[n_s × p]`, `target` `[n_t × p]`; `ratio(x)` takes `[m × p]`, returns `[m]`.
 * @throws ReweightingError on an empty group, mismatched columns, a non-finite cell, an option outside its domain, or
 *   perfectly separable domains (the fitted classifier ranks every target row above every source row: the odds, and
 *   so the weights, are then determined by the penalty and the clip alone).
 */
export function fitClassifierDensityRatio(
  source: Matrix,
  target: Matrix,
  options: ClassifierDensityRatioOptions = {},
): ClassifierDensityRatioModel {
  const fn = 'fitClassifierDensityRatio';
  assertDensityRatioInput(fn, source, target);
  const n = source.rows + target.rows;
  const eps = options.probabilityClip ?? 0.01;
  if (!(eps >= 0 && eps < 0.5)) throw new ReweightingError(fn, 'options.probabilityClip', `must be in [0, 0.5), got ${eps}`);
  const c = options.weightClip ?? Number.POSITIVE_INFINITY;
  if (!(c >= 1)) throw new ReweightingError(fn, 'options.weightClip', `must be ≥ 1, got ${c}`);
  const folds = options.calibrationFolds ?? 5;
  const calibration = options.calibration ?? 'none';
  if (calibration === 'isotonic' && !(eps > 0)) {
    throw new ReweightingError(fn, 'options.probabilityClip', 'must be > 0 with isotonic calibration (calibrated probabilities reach 0 and 1, whose odds are 0 and ∞)');
  }
  if (calibration === 'isotonic' && !(Number.isInteger(folds) && folds >= 2 && folds <= Math.min(source.rows, target.rows))) {
    throw new ReweightingError(fn, 'options.calibrationFolds', `must be an integer in [2, min(n_source, n_target) = ${Math.min(source.rows, target.rows)}], got ${folds}`);
  }
  const warnFraction = options.clipWarningFraction ?? 0.5;
  const l2 = options.l2 ?? 1 / n;

  const map = pooledFeatureMap(source, target, options.features === 'quadratic');
  const features = applyFeatureMap(map, stackRows(source, target));
  const labels = new Uint8Array(n);
  labels.fill(1, source.rows);
  const classifier = fitLogisticRegression(features, labels, { l2 });
  const logits = logisticLogits(classifier, features);
  let maxSource = Number.NEGATIVE_INFINITY;
  let minTarget = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i += 1) {
    if (i < source.rows) maxSource = Math.max(maxSource, logits[i]!);
    else minTarget = Math.min(minTarget, logits[i]!);
  }
  if (maxSource < minTarget) {
    throw new ReweightingError(
      fn,
      'target',
      `is perfectly separable from 'source' (the classifier's lowest target logit ${minTarget.toPrecision(4)} exceeds its highest source logit ${maxSource.toPrecision(4)}; training log-loss ${classifier.meanLogLoss.toPrecision(3)}): the density ratio is unbounded and not estimable; drop the separating columns or pool more overlapping data`,
    );
  }

  let calibrate: ((p: number) => number) | undefined;
  if (calibration === 'isotonic') {
    const random = seededRandom(options.seed ?? 0);
    const fold = new Int32Array(n);
    const sourceOrder = seededPermutation(source.rows, random);
    const targetOrder = seededPermutation(target.rows, random);
    sourceOrder.forEach((row, rank) => (fold[row] = rank % folds));
    targetOrder.forEach((row, rank) => (fold[source.rows + row] = rank % folds));
    const outOfFold = new Float64Array(n);
    for (let k = 0; k < folds; k += 1) {
      const train: number[] = [];
      const held: number[] = [];
      for (let i = 0; i < n; i += 1) (fold[i] === k ? held : train).push(i);
      const model = fitLogisticRegression(selectRows(features, train), Uint8Array.from(train, (i) => labels[i]!), { l2 });
      const z = logisticLogits(model, selectRows(features, held));
      held.forEach((i, h) => (outOfFold[i] = sigmoid(z[h]!)));
    }
    const knots = isotonicKnots(outOfFold, labels);
    calibrate = (p) => interpolate(knots.x, knots.y, p);
  }

  const logitLow = Math.log(eps / (1 - eps)); // −Infinity when ε = 0
  const priorCorrection = source.rows / target.rows;
  const cols = source.cols;
  const raw = (x: Matrix): { weights: Float64Array; clipped: number } => {
    const z = logisticLogits(classifier, applyFeatureMap(map, x));
    const weights = new Float64Array(x.rows);
    let clipped = 0;
    for (let i = 0; i < x.rows; i += 1) {
      let odds: number;
      let probabilityClipped: boolean;
      if (calibrate === undefined) {
        // odds from the logit itself: exact where σ(z) rounds to 1, and clipping z is clipping σ(z)
        const zc = Math.min(Math.max(z[i]!, logitLow), -logitLow);
        probabilityClipped = zc !== z[i]!;
        odds = Math.exp(zc);
      } else {
        const p = calibrate(sigmoid(z[i]!));
        const pc = Math.min(Math.max(p, eps), 1 - eps);
        probabilityClipped = pc !== p;
        odds = pc / (1 - pc);
      }
      const r = odds * priorCorrection;
      const w = Math.min(Math.max(r, 1 / c), c);
      if (probabilityClipped || w !== r) clipped += 1;
      weights[i] = w;
    }
    return { weights, clipped };
  };
  const fitted = raw(source);
  let normalizer = 1;
  if (options.selfNormalize === true) normalizer = fitted.weights.reduce((s, w) => s + w, 0) / source.rows;
  const sourceWeights = fitted.weights.map((w) => w / normalizer);
  const clippedFraction = fitted.clipped / source.rows;
  const warnings: string[] = [];
  if (clippedFraction > warnFraction) {
    warnings.push(
      `${(100 * clippedFraction).toFixed(1)}% of source rows hit the probability or weight clip (more than ${(100 * warnFraction).toFixed(0)}%): the domains are nearly separable and the weights mostly reflect the clip`,
    );
  }
  if (!classifier.converged) warnings.push(`the domain classifier did not converge in ${classifier.iterations} Newton iterations`);
  return {
    cols,
    classifier,
    priorCorrection,
    normalizer,
    sourceWeights,
    clippedFraction,
    warnings,
    ratio(x: Matrix): Float64Array {
      assertRatioInput('ClassifierDensityRatioModel.ratio', x, cols);
      return raw(x).weights.map((w) => w / normalizer);
    },
  };
}

/** A {@link DensityRatioFitter} running {@link fitClassifierDensityRatio} with fixed `options`. */
export function classifierDensityRatio(options: ClassifierDensityRatioOptions = {}): DensityRatioFitter {
  return (source, target) => fitClassifierDensityRatio(source, target, options);
}
