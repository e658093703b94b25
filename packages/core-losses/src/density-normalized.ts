import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { prepareWeights, reduceWeightedLosses, resolveReduction, type WeightingOptions } from './reduction.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import {
  assertClassIds,
  assertFinite,
  checkNumberOption,
  toFloatTensor,
  toLabelTensor,
  type TensorInput,
} from './validation.js';

const LOSS = 'densityNormalizedLoss';

/**
 * How foreground and background terms are normalised (Knyazev et al., 2020; `-loss` of bknyaz/sgg):
 * `dnorm` (the paper's hyper-parameter-free loss) divides both by the foreground count `M_FG`; `dnormFgBg` divides
 * the foreground by `M_FG` and the background by the background count `M_BG`.
 */
export type DensityNormalization = 'dnorm' | 'dnormFgBg';

/**
 * Over which elements `M_FG`/`M_BG` are counted: `perGroup` within each group (graph/image) as the paper describes,
 * `perBatch` over the whole batch as the reference code does.
 */
export type DensityCounting = 'perGroup' | 'perBatch';

/** Options of {@link densityNormalizedLoss}. */
export interface DensityNormalizedLossOptions extends WeightingOptions {
  /** Group (graph / image) of every element, int ids in [0, numGroups), shape `[M]`. Needed for `perGroup`. */
  readonly groupIds?: TensorInput;
  /** Number of groups; required with `groupIds`. */
  readonly numGroups?: number;
  /** Default `perGroup` when `groupIds` are given, else `perBatch`. See {@link DensityCounting}. */
  readonly counting?: DensityCounting;
  /** Default `dnorm`. See {@link DensityNormalization}. */
  readonly normalization?: DensityNormalization;
  /** Foreground weight α ≥ 0 (numerator of the foreground weight). Default 1. */
  readonly alpha?: number;
  /** Background weight β ≥ 0 (numerator of the background weight). Default 1. */
  readonly beta?: number;
  /** The class id that marks background (unannotated) elements. Default 0 (the reference: label 0 = no relation). */
  readonly backgroundClass?: number;
}

function checkOptions(options: DensityNormalizedLossOptions, numClasses: number) {
  const normalization = options.normalization ?? 'dnorm';
  if (normalization !== 'dnorm' && normalization !== 'dnormFgBg') {
    throw new LossArgumentError(LOSS, 'options.normalization', `must be 'dnorm' or 'dnormFgBg', got '${String(normalization)}'`);
  }
  const counting = options.counting ?? (options.groupIds === undefined ? 'perBatch' : 'perGroup');
  if (counting !== 'perGroup' && counting !== 'perBatch') {
    throw new LossArgumentError(LOSS, 'options.counting', `must be 'perGroup' or 'perBatch', got '${String(counting)}'`);
  }
  const nonNegative = (v: number): boolean => v >= 0 && Number.isFinite(v);
  const alpha = checkNumberOption(options.alpha ?? 1, nonNegative, 'a finite number >= 0', 'options.alpha', LOSS);
  const beta = checkNumberOption(options.beta ?? 1, nonNegative, 'a finite number >= 0', 'options.beta', LOSS);
  const backgroundClass = checkNumberOption(
    options.backgroundClass ?? 0,
    (v) => Number.isInteger(v) && v >= 0 && v < numClasses,
    `a class id in [0, ${numClasses - 1}]`,
    'options.backgroundClass',
    LOSS,
  );
  return { normalization, counting, alpha, beta, backgroundClass };
}

/** Checks `groupIds` `[M]` against `numGroups`; returns them with the one-hot group matrix `[M, G]`. */
function groupMatrix(options: DensityNormalizedLossOptions, size: number, validate: boolean): tf.Tensor2D {
  if (options.groupIds === undefined) {
    throw new LossArgumentError(LOSS, 'options.groupIds', "are required with counting 'perGroup'");
  }
  const numGroups = options.numGroups;
  if (typeof numGroups !== 'number' || !Number.isInteger(numGroups) || numGroups < 1) {
    throw new LossArgumentError(LOSS, 'options.numGroups', `must be a positive integer with options.groupIds, got ${String(numGroups)}`);
  }
  const ids = toLabelTensor(options.groupIds, 'options.groupIds', LOSS, validate);
  if (ids.rank !== 1 || ids.shape[0] !== size) {
    throw new LossArgumentError(LOSS, 'options.groupIds', `must hold one group id per element (shape [${size}]), got shape [${ids.shape.join(',')}]`);
  }
  if (validate) {
    const values = ids.dataSync();
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i] ?? Number.NaN;
      if (!(v >= 0 && v < numGroups)) {
        throw new LossArgumentError(LOSS, 'options.groupIds', `holds group id ${v} at index ${i}, outside [0, ${numGroups - 1}] for ${numGroups} groups`);
      }
    }
  }
  return tf.cast(tf.oneHot(ids, numGroups), 'float32') as tf.Tensor2D;
}

function densityNormalizedLoss_(
  targets: TensorInput,
  logits: TensorInput,
  options: DensityNormalizedLossOptions = {},
): tf.Tensor {
  const reduction = resolveReduction(options, 'mean', LOSS);
  if (reduction === 'sumOverWeights') {
    throw new LossArgumentError(LOSS, 'options.reduction', "'sumOverWeights' does not apply (the density weights are normalisers already); use 'mean', 'sum' or 'none'");
  }
  const validate = options.validate ?? true;
  const x = toFloatTensor(logits, 'logits', LOSS);
  if (x.rank !== 2) throw new LossArgumentError(LOSS, 'logits', `must have shape [M, K] (elements × classes), got [${x.shape.join(',')}]`);
  const [size, numClasses] = x.shape as [number, number];
  const labels = toLabelTensor(targets, 'targets', LOSS, validate);
  if (labels.rank !== 1 || labels.shape[0] !== size) {
    throw new LossArgumentError(LOSS, 'targets', `must hold ${size} class ids (shape [${size}]), got shape [${labels.shape.join(',')}]`);
  }
  if (validate) {
    assertFinite(x, 'logits', LOSS);
    assertClassIds(labels, numClasses, 'targets', LOSS);
  }
  const { normalization, counting, alpha, beta, backgroundClass } = checkOptions(options, numClasses);
  const groups = counting === 'perGroup' ? groupMatrix(options, size, validate) : undefined;
  const sampleWeights = prepareWeights(options.weights, [size], LOSS, validate);

  // Foreground indicator and, per element, the counts of its normalisation unit (its group, or the whole batch).
  const fg = tf.cast(tf.notEqual(labels, backgroundClass), 'float32');
  const bg = tf.sub(1, fg);
  const unitCount = (indicator: tf.Tensor): tf.Tensor =>
    groups === undefined
      ? tf.sum(indicator)
      : tf.squeeze(tf.matMul(groups, tf.matMul(tf.reshape(indicator, [1, size]), groups), false, true), [1]);
  const fgCount = unitCount(fg);
  const fgWeight = tf.div(alpha, tf.maximum(fgCount, 1));
  let bgWeight: tf.Tensor;
  if (normalization === 'dnorm') {
    // Reference fallback: with no foreground in the unit, background weights stay 1 (not β).
    bgWeight = tf.where(tf.greater(fgCount, 0), tf.div(beta, tf.maximum(fgCount, 1)), tf.onesLike(fgCount));
  } else {
    bgWeight = tf.div(beta, tf.maximum(unitCount(bg), 1));
  }
  let elementWeights = tf.add(tf.mul(fg, fgWeight), tf.mul(bg, bgWeight));
  if (sampleWeights !== undefined) elementWeights = tf.mul(elementWeights, sampleWeights);

  const ce = softmaxCrossEntropy(labels, x, { reduction: 'none', validate: false });
  const weighted = tf.mul(ce, elementWeights);
  if (reduction !== 'mean') return reduceWeightedLosses(weighted, undefined, reduction);
  // Mean over normalisation units that hold at least one element (1 for perBatch), or over avgFactor.
  const units = options.avgFactor ?? (groups === undefined ? 1 : tf.maximum(tf.sum(tf.minimum(tf.sum(groups, 0), 1)), 1));
  return tf.div(tf.sum(weighted), units);
}

/**
 * Density-normalised edge loss for scene-graph generation (Knyazev, de Vries, Cangea, Taylor, Courville, Belilovsky,
 * BMVC 2020). With per-element softmax cross-entropy `l_e` over predicate classes, foreground elements (label ≠
 * `backgroundClass`) and background elements, and counts `M_FG`, `M_BG` of the element's normalisation unit:
 *
 *     dnorm:      w_e = α / M_FG (foreground),   β / M_FG (background; 1 if the unit has no foreground)
 *     dnormFgBg:  w_e = α / M_FG (foreground),   β / M_BG (background)
 *     L_u = Σ_{e ∈ u} w_e · l_e
 *
 * With α = β = 1, `dnorm` is `Σ_{e∈u} l_e / M_FG`: the background's share follows the graph density instead of
 * swamping the few annotated edges (the baseline mean divides by `M = M_FG + M_BG`).
 *
 * Counting — the paper and the code differ, both are supported:
 * - `perGroup` (the paper; default when `groupIds` are given): each graph `u` (elements with the same group id) is
 *   normalised by its own `M_FG`, `M_BG`;
 * - `perBatch` (the reference code; default without `groupIds`): the counts run over the whole batch, i.e. the
 *   batch is one unit. A batch of sparse and dense graphs then shares one normaliser, so dense graphs get more
 *   total weight than under `perGroup`. For a batch of identical graphs the two agree (with `mean`).
 *
 * Shapes: `logits` `[M, K]` (M elements of all groups, K classes), `targets` class ids `[M]`, `groupIds` `[M]`,
 * sample `weights` `[M]` (multiply `w_e`, not the counts). Defaults: `dnorm`, α = β = 1, background class 0.
 * Reductions: `mean` (default) averages `L_u` over the units that hold an element — over the graphs for
 * `perGroup`; for `perBatch` there is one unit, so it equals the reference's `rel_loss` (`Σ_e w_e l_e`); `sum`
 * gives `Σ_u L_u`; `none` gives the per-element `w_e·l_e` `[M]`; `avgFactor` replaces the unit count.
 * `sumOverWeights` is rejected. The weights depend on the labels only (constants for the gradient, like the
 * reference's `Variable(edge_weights)`); the reference's loss factor γ is left to the caller.
 *
 * Reference: `edge_losses(loss_type='dnorm' | 'dnorm-fgbg')` in bknyaz/sgg `lib/losses.py` (commit
 * 3fa51ffecfca9249ffd58a94a4698ebdf759c9c9).
 *
 * @throws LossArgumentError naming the argument for bad shapes, class or group ids out of range, missing
 *   `groupIds`/`numGroups` for `perGroup`, NaN/Inf logits, negative weights, or bad options.
 */
export const densityNormalizedLoss = tf.op({ densityNormalizedLoss_ });
