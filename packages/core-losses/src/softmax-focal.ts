import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { logSoftmax } from './stable-math.js';
import { computeWeightedLoss, prepareWeights, resolveReduction, type WeightingOptions } from './reduction.js';
import { checkNumberOption, toClassIdInputs, toClassVector, type TensorInput } from './validation.js';

const LOSS = 'softmaxFocalLoss';

/** Where class weights enter the softmax focal loss. */
export type ClassWeightPlacement = 'insideModulator' | 'outsideModulator';

/** Options of {@link softmaxFocalLoss}. */
export interface SoftmaxFocalLossOptions extends WeightingOptions {
  /** Focusing parameter γ ≥ 0; 0 gives plain (class-weighted) cross-entropy. Default 2 (Lin et al.). */
  readonly gamma?: number;
  /** Per-class weights `[C]`, e.g. class-balanced (DRW) weights or the per-class α of the focal-loss paper. */
  readonly classWeights?: TensorInput;
  /**
   * `insideModulator` (default, the LDAM-DRW reference code): the modulator uses `exp(−w_y·CE) = p_y^{w_y}`;
   * `outsideModulator`: the modulator uses the model's `p_y` and the weight multiplies afterwards, i.e.
   * `−w_y·(1 − p_y)^γ·log p_y`, the α-balanced form of the paper.
   */
  readonly classWeightPlacement?: ClassWeightPlacement;
}

function softmaxFocalLoss_(
  targets: TensorInput,
  logits: TensorInput,
  options: SoftmaxFocalLossOptions = {},
): tf.Tensor {
  const reduction = resolveReduction(options, 'mean', LOSS);
  const validate = options.validate ?? true;
  const { logits: x, labels, numClasses } = toClassIdInputs(targets, logits, LOSS, validate);
  const gamma = checkNumberOption(options.gamma ?? 2, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.gamma', LOSS);
  const placement = options.classWeightPlacement ?? 'insideModulator';
  if (placement !== 'insideModulator' && placement !== 'outsideModulator') {
    throw new LossArgumentError(LOSS, 'options.classWeightPlacement', `must be 'insideModulator' or 'outsideModulator', got '${String(placement)}'`);
  }

  const oneHot = tf.cast(tf.oneHot(labels, numClasses), 'float32');
  const ce = tf.neg(tf.sum(tf.mul(oneHot, logSoftmax(x)), -1));
  const w =
    options.classWeights === undefined
      ? undefined
      : tf.gather(toClassVector(options.classWeights, numClasses, 'options.classWeights', LOSS, true), labels);
  const weightedCe = w === undefined ? ce : tf.mul(w, ce);
  // 1 − p = −expm1(−CE): exact when the sample is already well classified (CE → 0).
  const modulatorBase = tf.neg(tf.expm1(tf.neg(placement === 'insideModulator' ? weightedCe : ce)));
  const losses = gamma === 0 ? weightedCe : tf.mul(tf.pow(modulatorBase, tf.scalar(gamma)), weightedCe);
  const weights = prepareWeights(options.weights, losses.shape, LOSS, validate);
  return computeWeightedLoss(losses, weights, reduction, options.avgFactor);
}

/**
 * Multi-class softmax focal loss, per sample, as in the LDAM-DRW reference code (Cao et al., 2019):
 *
 *     CE_i = −log softmax(x_i)_{y_i},   FL_i = (1 − exp(−w_{y_i}·CE_i))^γ · w_{y_i}·CE_i
 *
 * Without class weights this is `−(1 − p_y)^γ log p_y` (Lin et al., 2017). With class weights the reference puts
 * the weight inside the exponent, so the modulator sees `p_y^{w_y}` rather than `p_y` — kept as the default for
 * parity and documented; `classWeightPlacement: 'outsideModulator'` gives `−w_y (1 − p_y)^γ log p_y`.
 *
 * Shapes: `logits` `[B, C]`, `targets` class ids `[B]`. Reduction default: `mean` over the batch (the reference's
 * only output; note it is NOT a weighted mean — it divides by B even with class weights).
 *
 * Reference: `FocalLoss` in kaidic/LDAM-DRW `losses.py` (commit 2536330); parity vectors `softmax_focal_loss.json`.
 *
 * @throws LossArgumentError naming the argument for bad shapes, class ids out of range, NaN/Inf logits, negative
 *   weights or a bad `gamma`/`classWeightPlacement`.
 */
export const softmaxFocalLoss = tf.op({ softmaxFocalLoss_ });
