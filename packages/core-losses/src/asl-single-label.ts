import * as tf from '@tensorflow/tfjs-core';

import { computeWeightedLoss, prepareWeights, resolveReduction, type WeightingOptions } from './reduction.js';
import { focusingPow, logSoftmax } from './stable-math.js';
import { checkNumberOption, toClassIdInputs, type TensorInput } from './validation.js';

const LOSS = 'asymmetricLossSingleLabel';

/** Options of {@link asymmetricLossSingleLabel}; defaults are `ASLSingleLabel`'s. */
export interface AsymmetricLossSingleLabelOptions extends WeightingOptions {
  /** Focusing exponent γ+ ≥ 0 of the target class. Default 0. */
  readonly gammaPos?: number;
  /** Focusing exponent γ− ≥ 0 of the other classes. Default 4. */
  readonly gammaNeg?: number;
  /**
   * Label smoothing ε ∈ [0, 1] (`eps` in the reference): targets `onehot·(1 − ε) + ε/C`. Default 0.1. With ε = 0
   * the non-target terms vanish and the loss is (focal) cross-entropy: the asymmetric focusing acts only on the
   * smoothing mass.
   */
  readonly labelSmoothing?: number;
}

function asymmetricLossSingleLabel_(
  targets: TensorInput,
  logits: TensorInput,
  options: AsymmetricLossSingleLabelOptions = {},
): tf.Tensor {
  const reduction = resolveReduction(options, 'mean', LOSS);
  const validate = options.validate ?? true;
  const { logits: x, labels, numClasses } = toClassIdInputs(targets, logits, LOSS, validate);
  const isGamma = (v: number): boolean => v >= 0 && Number.isFinite(v);
  const gammaPos = checkNumberOption(options.gammaPos ?? 0, isGamma, 'a finite number >= 0', 'options.gammaPos', LOSS);
  const gammaNeg = checkNumberOption(options.gammaNeg ?? 4, isGamma, 'a finite number >= 0', 'options.gammaNeg', LOSS);
  const smoothing = checkNumberOption(options.labelSmoothing ?? 0.1, (v) => v >= 0 && v <= 1, 'in [0, 1]', 'options.labelSmoothing', LOSS);

  const logP = logSoftmax(x);
  const oneHot = tf.cast(tf.oneHot(labels, numClasses), 'float32');
  // Target class: (1 − p_y)^γ+ with 1 − p = −expm1(log p) (exact where p_y → 1); other classes: p_j^γ− = e^{γ−·log p_j}
  // (underflows cleanly). Not detached: the gradient flows through the weights, as in the reference.
  const targetWeight = focusingPow(tf.neg(tf.expm1(logP)), tf.scalar(gammaPos));
  const otherWeight = tf.exp(tf.mul(logP, gammaNeg));
  const focusing = tf.where(tf.equal(oneHot, 1), targetWeight, otherWeight);
  const smoothed = smoothing > 0 ? tf.add(tf.mul(oneHot, 1 - smoothing), smoothing / numClasses) : oneHot;
  const losses = tf.neg(tf.sum(tf.mul(tf.mul(smoothed, focusing), logP), -1));
  const weights = prepareWeights(options.weights, losses.shape, LOSS, validate);
  return computeWeightedLoss(losses, weights, reduction, options.avgFactor);
}

/**
 * Asymmetric loss, single-label variant (`ASLSingleLabel`, Ridnik et al., ICCV 2021), per sample:
 *
 *     log p = log_softmax(x),   t = onehot(y)·(1 − ε) + ε/C
 *     w_j = (1 − p_j)^{γ+} for the target class j = y,   w_j = p_j^{γ−} otherwise
 *     l_i = −Σ_j t_j · w_j · log p_j
 *
 * The focusing weights are NOT detached (the gradient flows through them), as in the reference. Without smoothing
 * the non-target terms vanish; with γ± = 0 and ε = 0 this is plain cross-entropy.
 *
 * Shapes: `logits` `[B, C]`, `targets` class ids `[B]`. Reduction default: `mean` over the batch (the reference's
 * `reduction='mean'`; any other reference reduction returns the per-sample vector, `reduction: 'none'` here).
 * Defaults: `gammaPos` 0, `gammaNeg` 4, `labelSmoothing` 0.1 (the reference's `eps`). Values and gradients stay finite
 * at logits of ±50, and the log-softmax keeps the relative precision of the target entry (a loss of 4e-22 at a margin
 * of 50 is not rounded to 0, as tfjs' `logSoftmax` would).
 *
 * Reference: `ASLSingleLabel` in Alibaba-MIIL/ASL `src/loss_functions/losses.py` (commit 8c9e0bd); parity vectors
 * `asl_single_label.json`.
 *
 * @throws LossArgumentError naming the argument for bad shapes, class ids out of range, NaN/Inf logits, negative
 *   weights, negative `gammaPos`/`gammaNeg` or `labelSmoothing` outside [0, 1].
 */
export const asymmetricLossSingleLabel = tf.op({ asymmetricLossSingleLabel_ });
