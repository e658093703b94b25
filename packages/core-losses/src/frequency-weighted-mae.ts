import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { reduceRegressionLosses, resolveRegressionReduction, toRegressionInputs, type RegressionOptions } from './regression-inputs.js';
import {
  binIndices,
  fitTargetHistogram,
  histogramBinIndex32,
  isPreparedHistogram,
  parseTargetHistogram,
  stackedBinIndices,
  type TargetHistogram,
} from './target-histogram.js';
import { checkNumberOption, type TensorInput } from './validation.js';

const LOSS = 'frequencyWeightedMae';
const AUX = 'aircastAuxiliaryLoss';
const WEIGHTS = 'frequencyTargetWeights';
/** Stands in for a variable without frequency weights in the stacked lookup: one bin (its weight is 1). */
const UNWEIGHTED = fitTargetHistogram([0], { bins: 1 });

/** How a bin count becomes a weight. */
export type FrequencyWeighting = 'effectiveNumber' | 'inverseLog';

/** Which value chooses the bin: the target (default) or the detached prediction (AirCast's code). */
export type FrequencyBinBy = 'target' | 'prediction';

/** Options of {@link frequencyWeightedMae}. */
export interface FrequencyWeightedMaeOptions extends RegressionOptions {
  /**
   * The fitted training histogram(s) ({@link fitTargetHistogram}, or parsed JSON): one for every variable, or one per
   * variable along `variableAxis` (`null` for a variable without frequency weights, e.g. the weather channels), or
   * `null` for none at all (plain, optionally latitude-weighted MAE). Required.
   */
  readonly histogram: TargetHistogram | readonly (TargetHistogram | null)[] | null;
  /** Axis of the variables when `histogram` is a list. Default 1 (`[B, V]`, `[B, V, H, W]`). */
  readonly variableAxis?: number;
  /** β of the effective number of samples, in [0, 1). Default 0.8 (AirCast). */
  readonly beta?: number;
  /**
   * `effectiveNumber` (default, AirCast's active code, Cui et al. 2019): `w = (1 − β)/(1 − β^n)`; `inverseLog` (the
   * commented-out variant AirCast labels "the method written in the paper"): `1/ln n`, `1/ln 1.2` for n = 1. Both 0
   * for an empty bin; no renormalisation (β = 0.8 puts every bin with more than ~20 samples at 0.2).
   */
  readonly weighting?: FrequencyWeighting;
  /** `target` (default): the target's bin. `prediction`: the detached prediction's bin, as AirCast's code. */
  readonly binBy?: FrequencyBinBy;
  /** Latitudes in degrees along `latitudeAxis`; weights `cos φ / mean(cos φ)` (ClimaX/AirCast). Default none. */
  readonly latitudes?: readonly number[];
  /** Axis of the latitudes. Default `rank − 2` (a `[…, H, W]` grid). */
  readonly latitudeAxis?: number;
  /**
   * Reproduce AirCast's two quirks (default false): bins found by `np.digitize(v, edges, right=True) − 1`, so a value
   * ≤ the first edge gets index −1 and Python indexing wraps it to the LAST bin's count; and the masked `mean` is
   * divided by `Σ mask` of one sample's grid, not of the batch, i.e. it is the masked mean times the batch size.
   */
  readonly aircastQuirks?: boolean;
}

/** Options of {@link aircastAuxiliaryLoss}. */
export interface AircastAuxiliaryLossOptions extends FrequencyWeightedMaeOptions {
  /** Share of the frequency-weighted term, in [0, 1]. Default 0.25 (AirCast: 0.75·latMAE + 0.25·fMAE). */
  readonly frequencyShare?: number;
}

/** The weight of each bin of `histogram` under `weighting` (float64 in JS; exact zeros for empty bins). */
export function frequencyBinWeights(histogram: TargetHistogram, weighting: FrequencyWeighting = 'effectiveNumber', beta = 0.8): number[] {
  return histogram.counts.map((n) => {
    if (n === 0) return 0;
    if (weighting === 'inverseLog') return n === 1 ? 1 / Math.log(1.2) : 1 / Math.log(n);
    return (1 - beta) / (1 - beta ** n);
  });
}

function resolveHistograms(option: FrequencyWeightedMaeOptions['histogram'], variables: number, axis: number, loss = LOSS): (TargetHistogram | null)[] {
  if (option === null) return new Array<TargetHistogram | null>(variables).fill(null);
  if (Array.isArray(option)) {
    const list = option as readonly (TargetHistogram | null)[];
    if (list.length !== variables) {
      throw new LossArgumentError(loss, 'options.histogram', `lists ${list.length} histograms but axis ${axis} holds ${variables} variables`);
    }
    return list.map((h, i) => (h === null ? null : checkedHistogram(h, `options.histogram[${i}]`, loss)));
  }
  return new Array<TargetHistogram | null>(variables).fill(checkedHistogram(option as TargetHistogram, 'options.histogram', loss));
}

function checkedHistogram(h: TargetHistogram, argument: string, loss = LOSS): TargetHistogram {
  // fitted or parsed already: checked and frozen, its lookup prepared once
  if (typeof h === 'object' && h !== null && isPreparedHistogram(h)) return h;
  try {
    return parseTargetHistogram(h);
  } catch (error) {
    throw new LossArgumentError(loss, argument, `is not a valid histogram (${error instanceof Error ? error.message : String(error)})`);
  }
}

function checkAxis(value: number, rank: number, argument: string): number {
  return checkNumberOption(value, (v) => Number.isInteger(v) && v >= 0 && v < rank, `a whole number in [0, ${rank - 1}]`, argument, LOSS);
}

/**
 * `compute(values)` as a constant for the gradient: evaluated inside a custom-gradient op (whose forward is not
 * recorded, so comparisons without gradients are fine) with a zero gradient — AirCast's numpy weights of `pred.detach()`.
 */
function detached(values: tf.Tensor, compute: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x] = args as [tf.Tensor];
    return { value: compute(x), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)] };
  });
  return op(values);
}

function checkWeighting(options: Pick<FrequencyWeightedMaeOptions, 'beta' | 'weighting'>, loss: string): [FrequencyWeighting, number] {
  const beta = checkNumberOption(options.beta ?? 0.8, (v) => v >= 0 && v < 1, 'a number in [0, 1)', 'options.beta', loss);
  const weighting = options.weighting ?? 'effectiveNumber';
  if (weighting !== 'effectiveNumber' && weighting !== 'inverseLog') {
    throw new LossArgumentError(loss, 'options.weighting', `must be 'effectiveNumber' or 'inverseLog', got '${String(weighting)}'`);
  }
  return [weighting, beta];
}

/** The per-element frequency weights (a constant: computed from detached values). */
function frequencyWeights(lookupValues: tf.Tensor, histograms: (TargetHistogram | null)[], axis: number, options: FrequencyWeightedMaeOptions): tf.Tensor {
  const [weighting, beta] = checkWeighting(options, LOSS);
  const lookup = options.aircastQuirks === true ? 'aircastDigitize' : 'numpyHistogram';
  // one lookup for all variables when every histogram is evenly spaced (a variable without one: a 1-bin histogram of weight 1)
  const stackable = histograms.map((h) => h ?? UNWEIGHTED);
  const table = histograms.flatMap((h) => (h === null ? [1] : frequencyBinWeights(h, weighting, beta)));
  return detached(lookupValues, (values) => {
    const stacked = stackedBinIndices(stackable, values, axis, lookup);
    if (stacked !== null) return tf.gather(tf.tensor1d(table), stacked);
    const parts = tf.split(values, histograms.length, axis).map((slice, v) => {
      const h = histograms[v] ?? null;
      if (h === null) return tf.onesLike(slice);
      return tf.gather(tf.tensor1d(frequencyBinWeights(h, weighting, beta)), binIndices(h, slice, lookup));
    });
    return parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, axis);
  });
}

/** Options of {@link frequencyTargetWeights}: the histogram and weighting options of {@link frequencyWeightedMae}. */
export interface FrequencyTargetWeightOptions {
  /** As {@link FrequencyWeightedMaeOptions.histogram}; a list holds one histogram (or `null`) per variable. Required. */
  readonly histogram: TargetHistogram | readonly (TargetHistogram | null)[] | null;
  /** Shape of the (row-major) `targets`, e.g. `[rows, V]`. Required. */
  readonly shape: readonly number[];
  /** Axis of the variables when `histogram` is a list. Default 1. */
  readonly variableAxis?: number;
  /** As {@link FrequencyWeightedMaeOptions.beta}. Default 0.8. */
  readonly beta?: number;
  /** As {@link FrequencyWeightedMaeOptions.weighting}. Default `effectiveNumber`. */
  readonly weighting?: FrequencyWeighting;
}

/**
 * The frequency weights of {@link frequencyWeightedMae} with target bins (the default `binBy: 'target'`, NumPy's
 * bin rule), computed once per data-set row instead of in every training step: with bins chosen by the target the
 * weight `w_freq(bin(y))` does not depend on the model. Returns one float32 weight per element of `targets`
 * (row-major, `shape`; 1 for variables whose histogram is `null`; a NaN target gets bin 0's weight, as the loss).
 * Pass a batch's slice as per-element `weights` (`[B, V]`) to `meanAbsoluteError`, or to {@link frequencyWeightedMae}
 * with `histogram: null` (keeping its latitudes): `mean` reduces `Σ w·l / N`, so the loss equals the on-the-fly one
 * (same float32 bins and weights; the sum may round differently). Not for `binBy: 'prediction'` or `aircastQuirks`.
 *
 * @throws LossArgumentError naming `targets` (length not the product of `shape`), `options.shape`,
 *   `options.histogram`, `options.variableAxis`, `options.beta` or `options.weighting`.
 */
export function frequencyTargetWeights(targets: ArrayLike<number>, options: FrequencyTargetWeightOptions): Float32Array {
  const shape: readonly number[] = options.shape;
  if (!Array.isArray(options.shape) || shape.length < 1 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new LossArgumentError(WEIGHTS, 'options.shape', 'must be a non-empty list of whole numbers (the shape of targets)');
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (targets.length !== size) throw new LossArgumentError(WEIGHTS, 'targets', `holds ${targets.length} values but options.shape [${shape.join(',')}] needs ${size}`);
  const [weighting, beta] = checkWeighting(options, WEIGHTS);
  const listed = Array.isArray(options.histogram);
  const axis = listed
    ? checkNumberOption(options.variableAxis ?? Math.min(1, shape.length - 1), (v) => Number.isInteger(v) && v >= 0 && v < shape.length, `a whole number in [0, ${shape.length - 1}]`, 'options.variableAxis', WEIGHTS)
    : 0;
  const variables = listed ? (shape[axis] ?? 0) : 1;
  const histograms = resolveHistograms(options.histogram, variables, axis, WEIGHTS);
  const tables = histograms.map((h) => (h === null ? null : { edges: h.edges, weights: frequencyBinWeights(h, weighting, beta) }));
  const stride = listed ? shape.slice(axis + 1).reduce((a, b) => a * b, 1) : 1;
  const out = new Float32Array(size);
  for (let k = 0; k < size; k += 1) {
    const table = tables[listed ? Math.floor(k / stride) % variables : 0] ?? null;
    out[k] = table === null ? 1 : (table.weights[histogramBinIndex32(table.edges, targets[k] ?? Number.NaN)] ?? 0);
  }
  return out;
}

function latitudeWeights(latitudes: readonly number[], shape: readonly number[], axis: number): tf.Tensor {
  if (latitudes.length !== shape[axis] || !latitudes.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new LossArgumentError(LOSS, 'options.latitudes', `must hold ${shape[axis]} finite latitudes (axis ${axis}), got ${latitudes.length}`);
  }
  const cos = latitudes.map((d) => Math.cos((d * Math.PI) / 180));
  const mean = cos.reduce((a, b) => a + b, 0) / cos.length;
  const view = shape.map((size, i) => (i === axis ? size : 1));
  return tf.reshape(tf.tensor1d(cos.map((c) => c / mean)), view);
}

function frequencyWeightedMae_(targets: TensorInput, predictions: TensorInput, options: FrequencyWeightedMaeOptions): tf.Tensor {
  const reduction = resolveRegressionReduction(options ?? {}, 'mean', LOSS);
  const validate = options?.validate ?? true;
  const { targets: y, predictions: p, mask } = toRegressionInputs(targets, predictions, options?.mask, LOSS, validate);
  if (options === undefined || options === null || !('histogram' in options)) {
    throw new LossArgumentError(LOSS, 'options.histogram', 'is required (a fitted TargetHistogram, a list per variable, or null)');
  }
  const binBy = options.binBy ?? 'target';
  if (binBy !== 'target' && binBy !== 'prediction') {
    throw new LossArgumentError(LOSS, 'options.binBy', `must be 'target' or 'prediction', got '${String(binBy)}'`);
  }
  const rank = p.rank;
  if (rank < 1) throw new LossArgumentError(LOSS, 'predictions', 'must have rank >= 1, got a scalar');
  const listed = Array.isArray(options.histogram);
  const axis = listed ? checkAxis(options.variableAxis ?? Math.min(1, rank - 1), rank, 'options.variableAxis') : 0;
  const histograms = resolveHistograms(options.histogram, listed ? (p.shape[axis] ?? 0) : 1, axis);
  let losses = tf.abs(tf.sub(p, y));
  if (histograms.some((h) => h !== null)) {
    // bins of the target or of the DETACHED prediction: the weights are constants for the gradient, as AirCast's numpy
    const lookupValues = binBy === 'target' ? y : p;
    losses = tf.mul(losses, frequencyWeights(lookupValues, histograms, listed ? axis : 0, options));
  }
  if (options.latitudes !== undefined) {
    const latAxis = checkAxis(options.latitudeAxis ?? rank - 2, rank, 'options.latitudeAxis');
    losses = tf.mul(losses, latitudeWeights(options.latitudes, p.shape, latAxis));
  }
  const reduced = reduceRegressionLosses(losses, mask, options, reduction, LOSS, validate);
  if (options.aircastQuirks === true && mask !== undefined && reduction === 'mean' && options.avgFactor === undefined) {
    // AirCast divides the masked sum by the mask of one sample's grid: the masked mean times the batch size
    return tf.mul(reduced, p.shape[0] ?? 1);
  }
  return reduced;
}

function aircastAuxiliaryLoss_(targets: TensorInput, predictions: TensorInput, options: AircastAuxiliaryLossOptions): tf.Tensor {
  const share = checkNumberOption(options?.frequencyShare ?? 0.25, (v) => v >= 0 && v <= 1, 'a number in [0, 1]', 'options.frequencyShare', AUX);
  const frequency = frequencyWeightedMae(targets, predictions, options);
  const plain = frequencyWeightedMae(targets, predictions, { ...options, histogram: null });
  return tf.add(tf.mul(1 - share, plain), tf.mul(share, frequency));
}

/**
 * Frequency-weighted MAE, fMAE (AirCast: Nedungadi et al., 2025, after the class-balanced loss of Cui et al., 2019),
 * element by element:
 *
 *     l = |ŷ − y| · w_freq(bin) · w_lat(φ),   w_freq = (1 − β)/(1 − β^{n_bin}) (0 for an empty bin),
 *     w_lat = cos φ / mean(cos φ)
 *
 * `n_bin` is the training count of the bin holding the target (default) or the detached prediction (`binBy:
 * 'prediction'`, AirCast's code; there a prediction in an empty bin gets weight 0 and no gradient). The histogram is
 * a {@link TargetHistogram} fitted once on training targets and shared with evaluation (JSON round trip).
 *
 * Shapes: `targets` and `predictions` alike, e.g. `[B, V]` (stations × pollutants) or AirCast's `[B, V, H, W]`; one
 * histogram for all, or one per variable along `variableAxis` (default 1; `null` entries are unweighted).
 * Side inputs by name: `histogram` (required), `latitudes`, `mask` (observed targets), `weights`. Defaults: β = 0.8,
 * `effectiveNumber`, `binBy: 'target'`, reduction `mean` over all elements (AirCast's `loss`; the masked mean with a
 * mask). `aircastQuirks: true` with `binBy: 'prediction'` reproduces `freq_lat_weighted_mae` exactly, including the
 * index −1 that wraps to the last bin and the masked denominator without the batch size.
 *
 * Cost: bins are looked up in the step (`binIndices`: arithmetic for the evenly spaced edges of `'auto'` and fixed
 * counts, a comparison with every edge otherwise). With target bins the weights do not depend on the model, so they
 * can instead be computed once per data-set row with {@link frequencyTargetWeights} and passed as `weights` (with
 * `histogram: null`), which makes the loss cost what a weighted MAE costs.
 *
 * Reference: `freq_lat_weighted_mae` of vishalned/AirCast `src/climax/utils/metrics.py` (2f6e8f1); parity vectors
 * `aircast_freq_mae.json`.
 * @throws LossArgumentError naming the argument for a missing or malformed histogram, a histogram list of the wrong
 *   length, bad axes, latitudes of the wrong length, β outside [0, 1), and the checks of the point losses.
 */
export const frequencyWeightedMae = tf.op({ frequencyWeightedMae_ });

/**
 * AirCast's auxiliary loss: `(1 − s)·latMAE + s·fMAE` with `s = frequencyShare` (default 0.25, i.e. AirCast's
 * `0.75·lat_weighted_mae + 0.25·freq_lat_weighted_mae`); latMAE is {@link frequencyWeightedMae} without frequency
 * weights (same latitudes, mask, weights and reduction). Reference: `auxillary_loss` of AirCast `metrics.py`.
 * @throws LossArgumentError as {@link frequencyWeightedMae}, and for a share outside [0, 1].
 */
export const aircastAuxiliaryLoss = tf.op({ aircastAuxiliaryLoss_ });
