import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { reduceRegressionLosses, resolveRegressionReduction, toRegressionInputs, type RegressionOptions } from './regression-inputs.js';
import { logSoftmax } from './stable-math.js';
import { numTargetClasses, parseTargetBins, targetClasses, type TargetBins } from './target-bins.js';
import { assertFinite, checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

const LOSS = 'classificationAidedRegressionLoss';

/** Options of {@link classificationAidedRegressionLoss}. */
export interface ClassificationAidedRegressionOptions extends Omit<RegressionOptions, 'perSample'> {
  /** The auxiliary classification head's logits `[B, C]` (required; the head is discarded at test time). */
  readonly classLogits: TensorInput;
  /** The class edges fitted on training targets ({@link fitTargetBins}), `C` classes (required). */
  readonly bins: TargetBins;
  /** λ, the weight of the cross-entropy term. Default 1. */
  readonly lambda?: number;
  /**
   * Weight of the MSE term. Default 1. The reference writes its λ on this term (`λ_ref·MSE + CE`, `--erlambda`, swept
   * over 1e2 … 1e4): `regressionWeight: λ_ref, lambda: 1` reproduces it exactly.
   */
  readonly regressionWeight?: number;
}

function classificationAidedRegressionLoss_(
  targets: TensorInput,
  predictions: TensorInput,
  options: ClassificationAidedRegressionOptions,
): tf.Tensor {
  const reduction = resolveRegressionReduction(options ?? {}, 'mean', LOSS);
  const validate = options?.validate ?? true;
  const { targets: y, predictions: p, mask } = toRegressionInputs(targets, predictions, options?.mask, LOSS, validate);
  if (options === undefined || options === null || options.classLogits === undefined) {
    throw new LossArgumentError(LOSS, 'options.classLogits', 'is required (the classification head\'s logits [B, C])');
  }
  if (options.bins === undefined) throw new LossArgumentError(LOSS, 'options.bins', 'is required (fitTargetBins on the training targets)');
  let bins: TargetBins;
  try {
    bins = parseTargetBins(options.bins);
  } catch (error) {
    throw new LossArgumentError(LOSS, 'options.bins', `is not valid (${error instanceof Error ? error.message : String(error)})`);
  }
  const lambda = checkNumberOption(options.lambda ?? 1, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.lambda', LOSS);
  const regressionWeight = checkNumberOption(options.regressionWeight ?? 1, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.regressionWeight', LOSS);
  if (!(p.rank === 1 || (p.rank === 2 && p.shape[1] === 1))) {
    throw new LossArgumentError(LOSS, 'predictions', `must be [B] or [B, 1] (one regressed value per sample), got [${p.shape.join(',')}]`);
  }
  const batch = p.shape[0] ?? 0;
  const numClasses = numTargetClasses(bins);
  const logits = toFloatTensor(options.classLogits, 'options.classLogits', LOSS);
  if (logits.rank !== 2 || logits.shape[0] !== batch || logits.shape[1] !== numClasses) {
    throw new LossArgumentError(LOSS, 'options.classLogits', `must have shape [${batch}, ${numClasses}] (one logit per class of options.bins), got [${logits.shape.join(',')}]`);
  }
  if (validate) assertFinite(logits, 'options.classLogits', LOSS);
  const yFlat = tf.reshape(y, [batch]);
  const squared = tf.square(tf.sub(tf.reshape(p, [batch]), yFlat));
  const oneHot = tf.cast(tf.oneHot(targetClasses(bins, yFlat), numClasses), 'float32');
  const ce = tf.neg(tf.sum(tf.mul(oneHot, logSoftmax(logits)), 1));
  const perSample = tf.add(tf.mul(regressionWeight, squared), tf.mul(lambda, ce));
  return reduceRegressionLosses(perSample, mask === undefined ? undefined : tf.reshape(mask, [batch]), options, reduction, LOSS, validate);
}

/**
 * Classification-aided regression (Pintea, Lin, Dijkstra, van Gemert, ICCV 2023): the regression output is trained
 * with MSE and an auxiliary head classifies the binned target, per sample
 *
 *     l_i = w_reg·(ŷ_i − y_i)² + λ·CE(z_i, class(y_i)),   class(y) = c with e_c ≤ y < e_{c+1}
 *
 * Their finding: the cross-entropy helps most when the training targets are sampled imbalanced. Bins come from
 * {@link fitTargetBins} on the training targets (uniform, the reference, or equal-frequency), shared with evaluation.
 *
 * Shapes: `predictions`, `targets` `[B]` or `[B, 1]`; `options.classLogits` `[B, C]`. Side inputs by name:
 * `classLogits`, `bins` (required), `mask` (missing targets leave both terms), `weights` `[B]`. Defaults λ = 1,
 * `regressionWeight` 1; reduction `mean` over the batch (both reference terms are PyTorch means, so the total is the
 * mean of the per-sample sums); `none` gives the per-sample totals. Gradients reach the regression output and the
 * class logits; logits of ±50 are exact (log-softmax).
 *
 * Reference: `Reg_Cls.loss` of SilviaLauraPintea/reg-cls `1d/model.py` (44ddf05): `λ_ref·MSE + CE` (there λ weighs
 * the MSE; here λ weighs the CE as the issue states it, and `regressionWeight` gives the reference's form).
 * @throws LossArgumentError naming the argument for missing/malformed bins or logits, logits of the wrong shape,
 *   negative λ, and the checks of the point losses.
 */
export const classificationAidedRegressionLoss = tf.op({ classificationAidedRegressionLoss_ });
