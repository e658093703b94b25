import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { computeWeightedLoss, prepareWeights, resolveReduction, type WeightingOptions } from './reduction.js';
import { softplus } from './stable-math.js';
import { assertFinite, assertInRange, assertSameShape, checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

const LOSS = 'sigmoidFocalLoss';

/** Options of {@link sigmoidFocalLoss}; defaults are torchvision's (and the paper's). */
export interface SigmoidFocalLossOptions extends WeightingOptions {
  /**
   * Balance of positives against negatives: positives get `alpha`, negatives `1 − alpha`. Default 0.25. A negative
   * value (torchvision uses −1) or `null` disables the term. Note 0.25 DOWN-weights positives, as in the paper.
   */
  readonly alpha?: number | null;
  /** Focusing parameter γ ≥ 0; 0 gives (α-balanced) binary cross-entropy. Default 2. */
  readonly gamma?: number;
}

function sigmoidFocalLoss_(
  targets: TensorInput,
  logits: TensorInput,
  options: SigmoidFocalLossOptions = {},
): tf.Tensor {
  const reduction = resolveReduction(options, 'none', LOSS);
  const validate = options.validate ?? true;
  const x = toFloatTensor(logits, 'logits', LOSS);
  const t = toFloatTensor(targets, 'targets', LOSS);
  if (x.rank < 1) throw new LossArgumentError(LOSS, 'logits', 'must have rank >= 1, got a scalar');
  assertSameShape(t, x, 'targets', 'logits', LOSS);
  if (validate) {
    assertFinite(x, 'logits', LOSS);
    assertInRange(t, 0, 1, 'targets', LOSS);
  }
  const gamma = checkNumberOption(options.gamma ?? 2, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.gamma', LOSS);
  const alpha = options.alpha === undefined ? 0.25 : options.alpha;
  if (alpha !== null) checkNumberOption(alpha, (v) => v <= 1, 'at most 1 (negative or null disables it)', 'options.alpha', LOSS);

  const oneMinusT = tf.sub(1, t);
  // BCE = t·softplus(−x) + (1 − t)·softplus(x): exact in float32 even where the loss is 1e-22.
  const ce = tf.add(tf.mul(t, softplus(tf.neg(x))), tf.mul(oneMinusT, softplus(x)));
  // 1 − p_t = t·σ(−x) + (1 − t)·σ(x): the same quantity as torchvision's 1 − (p·t + (1 − p)(1 − t)) without the
  // cancellation in 1 − p when p rounds to 1.
  const oneMinusPt = tf.add(tf.mul(t, tf.sigmoid(tf.neg(x))), tf.mul(oneMinusT, tf.sigmoid(x)));
  let losses = gamma === 0 ? ce : tf.mul(ce, tf.pow(oneMinusPt, tf.scalar(gamma)));
  if (alpha !== null && alpha >= 0) losses = tf.mul(losses, tf.add(tf.mul(t, alpha), tf.mul(oneMinusT, 1 - alpha)));
  const weights = prepareWeights(options.weights, losses.shape, LOSS, validate);
  return computeWeightedLoss(losses, weights, reduction, options.avgFactor);
}

/**
 * Sigmoid focal loss (Lin, Goyal, Girshick, He, Dollár, 2017), element by element, torchvision semantics:
 *
 *     FL = α_t · (1 − p_t)^γ · BCE(x, t),    p = σ(x),  p_t = p·t + (1 − p)(1 − t),  α_t = α·t + (1 − α)(1 − t)
 *
 * The gradient flows through the modulating factor `(1 − p_t)^γ` (no detach), as in torchvision.
 * Both factors are computed in a cancellation-free form, so values and gradients stay accurate at logits of ±50.
 *
 * Shapes: `targets` and `logits` the same shape (any rank ≥ 1), targets in [0, 1].
 * Reduction default: `none` (torchvision's `sigmoid_focal_loss` default); `mean` averages over all elements;
 * RetinaNet's "sum / number of positive anchors" is `reduction: 'mean', avgFactor: numPositives`.
 *
 * Reference: `torchvision.ops.sigmoid_focal_loss` (torchvision 0.14, originally fvcore); parity vectors
 * `sigmoid_focal_loss.json`.
 *
 * @throws LossArgumentError naming the argument for shape mismatches, targets outside [0, 1], NaN/Inf logits,
 *   negative weights, `gamma < 0` or `alpha > 1`.
 */
export const sigmoidFocalLoss = tf.op({ sigmoidFocalLoss_ });
