import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { reduceWeightedLosses, resolveReduction, type WeightingOptions } from './reduction.js';
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

/** Options shared by {@link softDiceLoss}, {@link jaccardLoss} and {@link tverskyLoss}. */
export interface OverlapLossOptions extends Omit<WeightingOptions, 'weights'> {
  /** Per-class weights `[C]`, non-negative (e.g. inverse frequencies for rare classes). Default: all 1. */
  readonly classWeights?: TensorInput;
  /**
   * `false` (default): the soft counts of a class are summed over the batch AND every spatial axis (one score per
   * class for the whole batch). `true`: summed over the spatial axes of each sample (one score per sample and
   * class), then averaged over samples by the reduction.
   */
  readonly perSample?: boolean;
  /** Added to numerator and denominator of the index (Laplace smoothing). Default 0. */
  readonly smooth?: number;
  /** Added to the denominator only, against 0/0 (the ClimateNet code's `eps`). Default 1e-7. */
  readonly epsilon?: number;
  /** `true` (default): `predictions` are logits, softmax over the last axis. `false`: probabilities in [0, 1]. */
  readonly fromLogits?: boolean;
}

/** Options of {@link tverskyLoss}. */
export interface TverskyLossOptions extends OverlapLossOptions {
  /** Weight α ≥ 0 of the false positives. Default 0.3 (Salehi et al., 2017). */
  readonly alpha?: number;
  /** Weight β ≥ 0 of the false negatives. Default 0.7 (Salehi et al., 2017). */
  readonly beta?: number;
}

/** index = (k·TP + smooth) / (k·TP + a·FP + b·FN + smooth + ε); the loss is 1 − index. */
interface IndexForm {
  readonly tpFactor: number;
  readonly fpFactor: number;
  readonly fnFactor: number;
}

function overlapLoss(
  targets: TensorInput,
  predictions: TensorInput,
  options: OverlapLossOptions,
  form: IndexForm,
  loss: string,
): tf.Tensor {
  const reduction = resolveReduction(options, 'sumOverWeights', loss);
  const validate = options.validate ?? true;
  const fromLogits = options.fromLogits ?? true;
  const perSample = options.perSample ?? false;
  if (typeof perSample !== 'boolean') {
    throw new LossArgumentError(loss, 'options.perSample', `must be true or false, got ${String(perSample)}`);
  }
  const nonNegative = (v: number): boolean => v >= 0 && Number.isFinite(v);
  const smooth = checkNumberOption(options.smooth ?? 0, nonNegative, 'a finite number >= 0', 'options.smooth', loss);
  const epsilon = checkNumberOption(options.epsilon ?? 1e-7, nonNegative, 'a finite number >= 0', 'options.epsilon', loss);
  if (smooth + epsilon <= 0) {
    throw new LossArgumentError(loss, 'options.epsilon', 'and options.smooth must not both be 0 (an absent, unpredicted class would give 0/0)');
  }

  const x = toFloatTensor(predictions, 'predictions', loss);
  if (x.rank < 2) {
    throw new LossArgumentError(loss, 'predictions', `must have rank >= 2 ([B, ..., C], channels last), got shape [${x.shape.join(',')}]`);
  }
  const numClasses = x.shape[x.rank - 1] ?? 0;
  if (validate) {
    if (fromLogits) assertFinite(x, 'predictions', loss);
    else assertInRange(x, 0, 1, 'predictions', loss);
  }
  const rawTargets = targets instanceof tf.Tensor ? targets : toFloatTensor(targets, 'targets', loss);
  let t: tf.Tensor;
  if (rawTargets.rank === x.rank - 1) {
    const labels = toLabelTensor(rawTargets, 'targets', loss, validate);
    if (!tf.util.arraysEqual(labels.shape, x.shape.slice(0, -1))) {
      throw new LossArgumentError(
        loss,
        'targets',
        `holds class ids, so it must have shape [${x.shape.slice(0, -1).join(',')}] (predictions without the class axis), got [${labels.shape.join(',')}]`,
      );
    }
    if (validate) assertClassIds(labels, numClasses, 'targets', loss);
    t = tf.cast(tf.oneHot(labels, numClasses), 'float32');
  } else if (rawTargets.rank === x.rank) {
    t = toFloatTensor(rawTargets, 'targets', loss);
    if (!tf.util.arraysEqual(t.shape, x.shape)) {
      throw new LossArgumentError(loss, 'targets', `must have the shape of 'predictions' [${x.shape.join(',')}], got [${t.shape.join(',')}]`);
    }
    if (validate) assertInRange(t, 0, 1, 'targets', loss);
  } else {
    throw new LossArgumentError(
      loss,
      'targets',
      `must be class ids of shape [${x.shape.slice(0, -1).join(',')}] or one-hot/soft targets of shape [${x.shape.join(',')}], got [${rawTargets.shape.join(',')}]`,
    );
  }
  const classWeights =
    options.classWeights === undefined ? undefined : toClassVector(options.classWeights, numClasses, 'options.classWeights', loss, true);

  const p = fromLogits ? tf.softmax(x) : x;
  // Summation axes: everything but the class axis (and the batch axis with perSample).
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i).slice(perSample ? 1 : 0);
  const sum = (v: tf.Tensor): tf.Tensor => (axes.length === 0 ? v : tf.sum(v, axes));
  const tp = sum(tf.mul(p, t));
  // FP and FN summed directly (not Σp − TP), so 1 − index keeps its precision as the overlap approaches 1.
  const fp = sum(tf.mul(p, tf.sub(1, t)));
  const fn = sum(tf.mul(tf.sub(1, p), t));
  const mismatch = tf.add(tf.mul(fp, form.fpFactor), tf.mul(fn, form.fnFactor));
  const denominator = tf.add(tf.add(tf.mul(tp, form.tpFactor), mismatch), smooth + epsilon);
  // 1 − (k·TP + s) / (k·TP + a·FP + b·FN + s + ε) = (a·FP + b·FN + ε) / denominator.
  const perClass = tf.div(tf.add(mismatch, epsilon), denominator);
  if (classWeights === undefined) return reduceWeightedLosses(perClass, undefined, reduction, options.avgFactor);
  return reduceWeightedLosses(tf.mul(perClass, classWeights), tf.broadcastTo(classWeights, perClass.shape), reduction, options.avgFactor);
}

function softDiceLoss_(targets: TensorInput, predictions: TensorInput, options: OverlapLossOptions = {}): tf.Tensor {
  return overlapLoss(targets, predictions, options, { tpFactor: 2, fpFactor: 1, fnFactor: 1 }, 'softDiceLoss');
}

function jaccardLoss_(targets: TensorInput, predictions: TensorInput, options: OverlapLossOptions = {}): tf.Tensor {
  return overlapLoss(targets, predictions, options, { tpFactor: 1, fpFactor: 1, fnFactor: 1 }, 'jaccardLoss');
}

function tverskyLoss_(targets: TensorInput, predictions: TensorInput, options: TverskyLossOptions = {}): tf.Tensor {
  const nonNegative = (v: number): boolean => v >= 0 && Number.isFinite(v);
  const alpha = checkNumberOption(options.alpha ?? 0.3, nonNegative, 'a finite number >= 0', 'options.alpha', 'tverskyLoss');
  const beta = checkNumberOption(options.beta ?? 0.7, nonNegative, 'a finite number >= 0', 'options.beta', 'tverskyLoss');
  return overlapLoss(targets, predictions, options, { tpFactor: 1, fpFactor: alpha, fnFactor: beta }, 'tverskyLoss');
}

/**
 * Weighted soft Dice loss for (rare-class) segmentation. With class probabilities `p = softmax(x)` over the last axis,
 * one-hot (or soft) targets `t` and, per class c, soft counts summed over the reduction axes
 * `TP_c = Σ p·t`, `FP_c = Σ p·(1 − t)`, `FN_c = Σ (1 − p)·t`:
 *
 *     D_c = (2·TP_c + smooth) / (2·TP_c + FP_c + FN_c + smooth + ε),     l_c = 1 − D_c
 *
 * (`2·TP + FP + FN = Σp + Σt`), computed as `(FP + FN + ε) / denominator` so it stays accurate near a perfect
 * overlap. Class weights `w_c` then combine the per-class losses.
 *
 * Shapes: `predictions` `[B, ..., C]` (channels last, e.g. `[B, H, W, C]`); `targets` class ids `[B, ...]` or
 * one-hot/soft targets `[B, ..., C]`. Reduction axes: batch and all spatial axes (`perSample: false`, default; one
 * `D_c` per class, so a rare class absent from one tile does not produce a 0/0 there), or the spatial axes of each
 * sample (`perSample: true`; `l` of shape `[B, C]`). Defaults: smooth 0, ε = 1e-7, no class weights, logits.
 * Reduction default: `sumOverWeights`, i.e. `Σ_c w_c l_c / Σ_c w_c` (= `1 − mean_c D_c` without weights; with
 * `perSample`, also averaged over samples); `mean` divides `Σ w_c l_c` by the number of terms (C, or B·C), `sum`
 * adds them, `none` returns the weighted per-class losses `w_c·l_c` (`[C]` or `[B, C]`).
 *
 * Relation to the extreme-weather code (Lacombe et al. 2023, lhendre/ClimateNet `climatenet/utils/losses.py`,
 * commit 83e433d35a415be8079e198871b58410398d8e67): with labels `[B, H, W]` its `dims = (0, 2)` sums over batch and
 * height only, giving one score per class and image column, which it then averages — not reproduced here (we sum
 * over batch, height and width); its `dice_loss` divides `2·I` by `2·(Σp + Σt)`, which is half the Dice
 * coefficient — here the standard Dice; its training loop applies softmax to the network output before the loss,
 * which applies softmax again — pass `fromLogits: false` with probabilities to avoid the double softmax.
 * Reference: Milletari et al., 2016 (V-Net, soft Dice); Sudre et al., 2017 (class-weighted Dice).
 *
 * @throws LossArgumentError naming the argument for shape mismatches, class ids out of range, NaN/Inf logits or
 *   probabilities outside [0, 1], negative class weights, or negative `smooth`/`epsilon` (or both 0).
 */
export const softDiceLoss = tf.op({ softDiceLoss_ });

/**
 * Weighted soft Jaccard (IoU) loss, with the soft counts, axes, options and reductions of {@link softDiceLoss}:
 *
 *     J_c = (TP_c + smooth) / (TP_c + FP_c + FN_c + smooth + ε),     l_c = 1 − J_c
 *
 * (`TP + FP + FN = Σp + Σt − Σp·t`, the soft union). Defaults: smooth 0, ε = 1e-7 (the ClimateNet code's `eps`), no
 * class weights, reduction `sumOverWeights` (`Σ_c w_c l_c / Σ_c w_c`).
 *
 * Relation to the extreme-weather code (Lacombe et al. 2023; lhendre/ClimateNet `climatenet/utils/losses.py`,
 * `jaccard_loss` / `weighted_jaccard_loss`, commit 83e433d35a415be8079e198871b58410398d8e67): there the index is
 * computed per class and image column (sums over batch and height only, `dims = (0, 2)` for labels `[B, H, W]`),
 * averaged over columns, and the weighted variant returns `1 − mean_c(w_c·J_c)` with unnormalised weights
 * `[0.355, 72.171, 5.875]` (`1/(C·freq)`), which can fall far below 0. Here the counts run over batch, height and
 * width (or the spatial axes of each sample), and the weights form a weighted mean of `1 − J_c`, so the loss stays in
 * [0, 1]; with all weights 1 both give `1 − mean_c J_c` up to the column averaging. Use `reduction: 'mean'` for
 * `Σ_c w_c(1 − J_c)/C`, which equals the ClimateNet form `1 − mean_c(w_c J_c)` up to the constant `mean_c w_c − 1`.
 *
 * @throws LossArgumentError as {@link softDiceLoss}.
 */
export const jaccardLoss = tf.op({ jaccardLoss_ });

/**
 * Weighted soft Tversky loss (Salehi, Erdogmus, Gholipour, 2017), with the soft counts, axes, options and reductions
 * of {@link softDiceLoss}:
 *
 *     T_c = (TP_c + smooth) / (TP_c + α·FP_c + β·FN_c + smooth + ε),     l_c = 1 − T_c
 *
 * α weighs false positives, β false negatives: β > α favours recall of rare classes (the extreme-weather paper's
 * goal for tropical cyclones). With smooth = ε = 0, α = β = ½ gives the Dice loss and α = β = 1 the Jaccard loss.
 * Defaults: α = 0.3, β = 0.7 (Salehi et al.), smooth 0, ε = 1e-7, reduction `sumOverWeights`
 * (`Σ_c w_c l_c / Σ_c w_c`). (Some code bases, e.g. focal-Tversky ports, swap the roles of α and β: check which
 * error each weighs.)
 *
 * @throws LossArgumentError as {@link softDiceLoss}, and for a negative or non-finite α/β.
 */
export const tverskyLoss = tf.op({ tverskyLoss_ });
