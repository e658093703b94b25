import * as tf from '@tensorflow/tfjs-core';

import { assertPerClassLength, checkClassificationInputs, crossEntropyOfAdjusted } from './adjusted-cross-entropy.js';
import { checkClassCounts } from './class-counts.js';
import type { WeightingOptions } from './reduction.js';
import { checkNumberOption, type TensorInput } from './validation.js';

const LOSS = 'ldamLoss';

/** Options of {@link ldamMargins}. */
export interface LdamMarginOptions {
  /** Margin of the rarest class, `max_m`; the others scale as `n^{-1/4}`. Default 0.5 (LDAM-DRW). */
  readonly maxMargin?: number;
}

/** Options of {@link ldamLoss}. */
export interface LdamLossOptions extends WeightingOptions, LdamMarginOptions {
  /** Training count of every class (`cls_num_list`), finite and > 0; its length must equal `C`. Required. */
  readonly classCounts: ArrayLike<number>;
  /** Logit scale `s` > 0 applied after the margin. Default 30 (LDAM-DRW, meant for cosine logits in [−1, 1]). */
  readonly scale?: number;
  /** Per-class weights `[C]`, e.g. the DRW weights of {@link drwSchedule} (PyTorch `cross_entropy(weight=)`). */
  readonly classWeights?: TensorInput;
}

function marginsOf(counts: readonly number[], maxMargin: number): number[] {
  // Same float64 expression as the reference: m = 1/sqrt(sqrt(n)); m *= max_m / max(m).
  const raw = counts.map((n) => 1 / Math.sqrt(Math.sqrt(n)));
  const largest = Math.max(...raw);
  return raw.map((m) => m * (maxMargin / largest));
}

function checkMaxMargin(value: number | undefined, loss: string): number {
  return checkNumberOption(value ?? 0.5, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.maxMargin', loss);
}

/**
 * LDAM per-class margins (Cao et al., 2019): `m_c = K / n_c^{1/4}`, with `K` chosen so that the largest margin (the
 * rarest class) equals `maxMargin`. Computed in float64 exactly as `LDAMLoss.__init__` of kaidic/LDAM-DRW
 * (`losses.py`, commit 2536330): `m = 1/√√n`, then `m · max_m / max(m)`.
 *
 * Shape: one margin per class, in class-id order. Default `maxMargin` 0.5.
 *
 * @param classCounts training count of every class (finite, > 0; only ratios matter).
 * @throws LossArgumentError for an empty list, a count that is zero, negative or not finite, or a bad `maxMargin`.
 */
export function ldamMargins(classCounts: ArrayLike<number>, options: LdamMarginOptions = {}): number[] {
  const counts = checkClassCounts(classCounts, 'classCounts', 'ldamMargins');
  return marginsOf(counts, checkMaxMargin(options.maxMargin, 'ldamMargins'));
}

function ldamLoss_(targets: TensorInput, logits: TensorInput, options: LdamLossOptions): tf.Tensor {
  const inputs = checkClassificationInputs(targets, logits, options, 'sumOverWeights', LOSS);
  const counts = checkClassCounts(options.classCounts, 'options.classCounts', LOSS);
  assertPerClassLength(counts, inputs.numClasses, 'options.classCounts', LOSS);
  const margins = marginsOf(counts, checkMaxMargin(options.maxMargin, LOSS));
  const scale = checkNumberOption(options.scale ?? 30, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0', 'options.scale', LOSS);
  // Only the target logit moves: x_iy − m_y (the reference's torch.where(index, x − m_y, x)), then everything × s.
  const oneHot = tf.cast(tf.oneHot(inputs.labels, inputs.numClasses), 'float32');
  const shifted = tf.sub(inputs.logits, tf.mul(oneHot, tf.tensor1d(margins, 'float32')));
  return crossEntropyOfAdjusted(tf.mul(shifted, scale), inputs);
}

/**
 * Label-distribution-aware margin (LDAM) loss (Cao, Wei, Gaidon, Arechiga, Ma, NeurIPS 2019):
 *
 *     z̃_ij = s · (x_ij − [j = y_i]·m_j),     l_i = −w_{y_i} · log softmax(z̃_i)_{y_i},     m_j = K / n_j^{1/4}
 *
 * with the margins of {@link ldamMargins} (largest = `maxMargin`), scale `s`, and class weights `w` (1 without).
 * The softmax cross-entropy is {@link softmaxCrossEntropy}'s, so weights and reductions follow PyTorch's
 * `cross_entropy(weight=)`.
 *
 * Shapes: `logits` `[B, C]`, `targets` class ids `[B]` (int32 or whole floats), `classCounts` `C` entries.
 * Defaults: `maxMargin` 0.5, `scale` 30, no class weights. Reduction default: `sumOverWeights`, the reference's
 * PyTorch weighted mean `Σ_i w_{y_i} l_i / Σ_i w_{y_i}` (the plain batch mean without class weights); `mean`
 * divides by B instead, `none` gives the per-sample `w_{y_i}·CE_i`. Sample `weights` `[B]` multiply numerator and
 * denominator, as in {@link softmaxCrossEntropy}.
 *
 * The reference feeds LDAM with cosine logits from a normalised linear head (`NormedLinear`, values in [−1, 1]); the
 * margin and `s = 30` are on that scale. With a plain dense head, tune both. Deferred re-weighting (DRW) passes the
 * class-balanced weights of {@link drwSchedule} as `classWeights` from the switch epoch on.
 *
 * Reference: `LDAMLoss` in kaidic/LDAM-DRW `losses.py` (commit 2536330f2afdaa65618323cb5a5850efccce762a); parity
 * vectors `ldam_drw.json` (values, per-sample losses, margins and gradients).
 *
 * @throws LossArgumentError naming the argument for bad shapes, class ids out of range, NaN/Inf logits, class
 *   counts that are missing, zero or of the wrong length, negative weights, or a bad `maxMargin`/`scale`.
 */
export const ldamLoss = tf.op({ ldamLoss_ });
