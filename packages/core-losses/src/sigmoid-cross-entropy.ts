import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { computeWeightedLoss, prepareWeights, resolveReduction, type WeightingOptions } from './reduction.js';
import { softplus } from './stable-math.js';
import {
  assertFinite,
  assertInRange,
  assertSameShape,
  checkNumberOption,
  toClassVector,
  toFloatTensor,
  type TensorInput,
} from './validation.js';

const LOSS = 'sigmoidCrossEntropy';

/** Options of {@link sigmoidCrossEntropy}. */
export interface SigmoidCrossEntropyOptions extends WeightingOptions {
  /**
   * Per-class weights `[C]` (C = size of the last axis) multiplying every term of that class, positive and
   * negative alike (PyTorch `BCEWithLogitsLoss(weight=)` with a `[C]` weight).
   */
  readonly classWeights?: TensorInput;
  /**
   * Weight of the positive term per class `[C]` or one number for all (PyTorch `pos_weight`): values above 1 raise
   * recall. Default: none (1).
   */
  readonly posWeight?: TensorInput | number;
  /** Label smoothing ε: targets become `t·(1 − ε) + ε/2` (tfjs and Keras convention). Default 0. */
  readonly labelSmoothing?: number;
  /** `true` (default): `predictions` are logits. `false`: probabilities, clipped to [1e-7, 1 − 1e-7]. */
  readonly fromLogits?: boolean;
}

function sigmoidCrossEntropy_(
  targets: TensorInput,
  predictions: TensorInput,
  options: SigmoidCrossEntropyOptions = {},
): tf.Tensor {
  const reduction = resolveReduction(options, 'mean', LOSS);
  const validate = options.validate ?? true;
  const x = toFloatTensor(predictions, 'predictions', LOSS);
  let t = toFloatTensor(targets, 'targets', LOSS);
  if (x.rank < 1) throw new LossArgumentError(LOSS, 'predictions', 'must have rank >= 1, got a scalar');
  assertSameShape(t, x, 'targets', 'predictions', LOSS);
  const fromLogits = options.fromLogits ?? true;
  if (validate) {
    assertInRange(t, 0, 1, 'targets', LOSS);
    if (fromLogits) assertFinite(x, 'predictions', LOSS);
    else assertInRange(x, 0, 1, 'predictions', LOSS);
  }
  const smoothing = checkNumberOption(options.labelSmoothing ?? 0, (v) => v >= 0 && v <= 1, 'in [0, 1]', 'options.labelSmoothing', LOSS);
  if (smoothing > 0) t = tf.add(tf.mul(t, 1 - smoothing), smoothing / 2);

  const numClasses = x.shape[x.rank - 1] ?? 1;
  let positiveWeight: tf.Tensor | undefined;
  if (options.posWeight !== undefined) {
    positiveWeight =
      typeof options.posWeight === 'number'
        ? tf.scalar(checkNumberOption(options.posWeight, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.posWeight', LOSS))
        : toClassVector(options.posWeight, numClasses, 'options.posWeight', LOSS, true);
  }

  let negLogP: tf.Tensor; // −log p, p = P(y = 1)
  let negLog1mP: tf.Tensor; // −log (1 − p)
  if (fromLogits) {
    negLogP = softplus(tf.neg(x));
    negLog1mP = softplus(x);
  } else {
    const eps = 1e-7;
    const p = tf.clipByValue(x, eps, 1 - eps);
    negLogP = tf.neg(tf.log(p));
    negLog1mP = tf.neg(tf.log(tf.sub(1, p)));
  }
  const positiveTerm = tf.mul(t, negLogP);
  let losses = tf.add(
    positiveWeight === undefined ? positiveTerm : tf.mul(positiveWeight, positiveTerm),
    tf.mul(tf.sub(1, t), negLog1mP),
  );
  if (options.classWeights !== undefined) {
    losses = tf.mul(losses, toClassVector(options.classWeights, numClasses, 'options.classWeights', LOSS, true));
  }
  const weights = prepareWeights(options.weights, losses.shape, LOSS, validate);
  return computeWeightedLoss(losses, weights, reduction, options.avgFactor);
}

/**
 * Binary (one-vs-all) cross-entropy on logits, element by element:
 *
 *     l = p_w · t · softplus(−x) + (1 − t) · softplus(x)        (x = logit, t = target in [0, 1], p_w = posWeight)
 *
 * which equals `−[p_w·t·log σ(x) + (1 − t)·log(1 − σ(x))]` but never overflows and keeps full float32 precision
 * at any |x| (both log terms come from the stable {@link softplus}, whose gradient is exactly σ).
 *
 * Shapes: `targets` and `predictions` the same shape, typically `[B, C]` (any rank ≥ 1); class weights and
 * `posWeight` act along the last axis. Reduction default: `mean` over all elements — PyTorch
 * `binary_cross_entropy_with_logits` (reference), whose weighted mean is also a plain mean of weighted terms.
 *
 * Reference: PyTorch `binary_cross_entropy_with_logits` (Paszke et al., 2019), including `weight` and `pos_weight`.
 *
 * @param targets probabilities in [0, 1] (multi-hot labels or soft targets).
 * @param predictions logits (or probabilities with `fromLogits: false`).
 * @returns a scalar, or the per-element weighted losses with `reduction: 'none'`.
 * @throws LossArgumentError naming the argument for shape mismatches, targets outside [0, 1], NaN/Inf inputs,
 *   negative weights or bad options.
 */
export const sigmoidCrossEntropy = tf.op({ sigmoidCrossEntropy_ });
