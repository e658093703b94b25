import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { logSoftmax } from './stable-math.js';
import { prepareWeights, reduceWeightedLosses, resolveReduction, type WeightingOptions } from './reduction.js';
import {
  assertClassIds,
  assertFinite,
  assertInRange,
  checkNumberOption,
  toClassVector,
  toFloatTensor,
  toLabelTensor,
  type TensorInput,
} from './validation.js';

const LOSS = 'softmaxCrossEntropy';

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions extends WeightingOptions {
  /** Per-class weights `[C]` (PyTorch `cross_entropy(weight=)`). */
  readonly classWeights?: TensorInput;
  /** Label smoothing ε: the target distribution becomes `t·(1 − ε) + ε/C` (PyTorch convention). Default 0. */
  readonly labelSmoothing?: number;
  /** With integer targets: samples whose label equals this id are ignored (weight 0). Default: none. */
  readonly ignoreIndex?: number;
  /** `true` (default): `predictions` are logits. `false`: probabilities, clipped to [1e-7, 1]. */
  readonly fromLogits?: boolean;
}

function softmaxCrossEntropy_(
  targets: TensorInput,
  predictions: TensorInput,
  options: SoftmaxCrossEntropyOptions = {},
): tf.Tensor {
  const reduction = resolveReduction(options, 'sumOverWeights', LOSS);
  const validate = options.validate ?? true;
  const fromLogits = options.fromLogits ?? true;
  const x = toFloatTensor(predictions, 'predictions', LOSS);
  if (x.rank < 2) {
    throw new LossArgumentError(LOSS, 'predictions', `must have rank >= 2 ([..., C]), got shape [${x.shape.join(',')}]`);
  }
  const numClasses = x.shape[x.rank - 1] ?? 0;
  const batchShape = x.shape.slice(0, -1);
  if (validate) {
    if (fromLogits) assertFinite(x, 'predictions', LOSS);
    else assertInRange(x, 0, 1, 'predictions', LOSS);
  }

  // Target distribution t [..., C] and, for integer targets, a validity mask from ignoreIndex.
  const rawTargets = targets instanceof tf.Tensor ? targets : toFloatTensor(targets, 'targets', LOSS);
  let t: tf.Tensor;
  let valid: tf.Tensor | undefined;
  if (rawTargets.rank === x.rank - 1) {
    const labels = toLabelTensor(rawTargets, 'targets', LOSS, validate);
    if (!tf.util.arraysEqual(labels.shape, batchShape)) {
      throw new LossArgumentError(
        LOSS,
        'targets',
        `holds class ids, so it must have shape [${batchShape.join(',')}] (predictions without the class axis), got [${labels.shape.join(',')}]`,
      );
    }
    if (validate) assertClassIds(labels, numClasses, 'targets', LOSS, options.ignoreIndex);
    if (options.ignoreIndex !== undefined) {
      valid = tf.cast(tf.notEqual(labels, options.ignoreIndex), 'float32');
      t = tf.cast(tf.oneHot(tf.mul(labels, tf.cast(valid, 'int32')), numClasses), 'float32');
    } else {
      t = tf.cast(tf.oneHot(labels, numClasses), 'float32');
    }
  } else if (rawTargets.rank === x.rank) {
    t = toFloatTensor(rawTargets, 'targets', LOSS);
    if (!tf.util.arraysEqual(t.shape, x.shape)) {
      throw new LossArgumentError(LOSS, 'targets', `must have the shape of 'predictions' [${x.shape.join(',')}], got [${t.shape.join(',')}]`);
    }
    if (validate) assertInRange(t, 0, 1, 'targets', LOSS);
    if (options.ignoreIndex !== undefined) {
      throw new LossArgumentError(LOSS, 'options.ignoreIndex', 'only applies to integer class-id targets');
    }
  } else {
    throw new LossArgumentError(
      LOSS,
      'targets',
      `must be class ids of shape [${batchShape.join(',')}] or a distribution of shape [${x.shape.join(',')}], got [${rawTargets.shape.join(',')}]`,
    );
  }

  const classWeights =
    options.classWeights === undefined
      ? undefined
      : toClassVector(options.classWeights, numClasses, 'options.classWeights', LOSS, true);
  // Weight each sample carries in the denominator of `sumOverWeights`: Σ_j w_j·t_ij before smoothing
  // (= w_{y_i} for class ids, exactly PyTorch's normaliser).
  const sampleClassWeight = classWeights === undefined ? undefined : tf.sum(tf.mul(t, classWeights), -1);

  const smoothing = checkNumberOption(options.labelSmoothing ?? 0, (v) => v >= 0 && v <= 1, 'in [0, 1]', 'options.labelSmoothing', LOSS);
  if (smoothing > 0) t = tf.add(tf.mul(t, 1 - smoothing), smoothing / numClasses);

  const logP = fromLogits ? logSoftmax(x) : tf.log(tf.clipByValue(x, 1e-7, 1));
  const terms = tf.mul(t, logP);
  let perSample = tf.neg(tf.sum(classWeights === undefined ? terms : tf.mul(terms, classWeights), -1));
  let totals = sampleClassWeight;
  if (valid !== undefined) {
    perSample = tf.mul(perSample, valid);
    totals = totals === undefined ? valid : tf.mul(totals, valid);
  }
  const sampleWeights = prepareWeights(options.weights, perSample.shape, LOSS, validate);
  if (sampleWeights !== undefined) {
    perSample = tf.mul(perSample, sampleWeights);
    totals = totals === undefined ? sampleWeights : tf.mul(totals, sampleWeights);
  }
  return reduceWeightedLosses(perSample, totals, reduction, options.avgFactor);
}

/**
 * Softmax (categorical) cross-entropy on logits over the last axis, with class weights, label smoothing and
 * ignored labels — PyTorch `cross_entropy` semantics:
 *
 *     l_i = −Σ_j w_j · t̃_ij · log softmax(x_i)_j,        t̃ = t·(1 − ε) + ε/C
 *
 * where `t` is one-hot (integer targets) or a given distribution and `w` the class weights (1 without them).
 * The default reduction `sumOverWeights` divides `Σ_i s_i·l_i` by `Σ_i s_i·ω_i`, with `ω_i = Σ_j w_j·t_ij` the
 * class weight of sample i (`w_{y_i}` for integer targets) and `s` the sample weights: this is PyTorch's weighted
 * mean (the convention of LDAM-DRW, VS loss and DRW), and the plain batch mean without weights. `mean` divides by
 * the number of samples instead (the TF `SUM_BY_NONZERO_WEIGHTS` convention of the class-balanced loss code).
 * `none` returns `s_i·l_i` per sample. For distribution targets with class weights PyTorch's `mean` divides by
 * the batch size; use `reduction: 'mean'` to get that.
 *
 * Shapes: `predictions` `[..., C]`; `targets` class ids `[...]` (int32 or whole floats) or a distribution `[..., C]`.
 * Log-softmax is the max-shifted, precision-keeping {@link logSoftmax}, so logits of ±1e4 are safe and the loss of a
 * confident correct sample (1e-22) is not rounded to 0.
 *
 * Reference: PyTorch `torch.nn.functional.cross_entropy` (Paszke et al., 2019); label smoothing per Szegedy et
 * al. (2016).
 *
 * @throws LossArgumentError naming the argument for shape mismatches, class ids out of range, NaN/Inf inputs,
 *   negative weights or bad options.
 */
export const softmaxCrossEntropy = tf.op({ softmaxCrossEntropy_ });
