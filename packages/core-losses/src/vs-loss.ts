import * as tf from '@tensorflow/tfjs-core';

import { assertPerClassLength, checkClassificationInputs, crossEntropyOfAdjusted } from './adjusted-cross-entropy.js';
import { checkClassCounts } from './class-counts.js';
import type { WeightingOptions } from './reduction.js';
import { checkNumberOption, type TensorInput } from './validation.js';

const LOSS = 'vsLoss';

/** Options of {@link vsAdjustments}. */
export interface VsAdjustmentOptions {
  /** Exponent γ ≥ 0 of the multiplicative factor `Δ_c = (n_max/n_c)^γ`. Default 0.3 (VS-Loss repository). */
  readonly gamma?: number;
  /** Factor τ ≥ 0 of the additive term `ι_c = τ·log(n_c/Σn)`. Default 1.0 (VS-Loss repository). */
  readonly tau?: number;
}

/** Per-class VS adjustments, float64, in class-id order. */
export interface VsAdjustments {
  /** Multiplicative factors `Δ_c = (n_max/n_c)^γ` (≥ 1; the logits are DIVIDED by them). */
  readonly delta: number[];
  /** Additive terms `ι_c = τ·log π_c`, `π_c = n_c/Σ_j n_j`. */
  readonly iota: number[];
  readonly gamma: number;
  readonly tau: number;
}

/** Options of {@link vsLoss}. */
export interface VsLossOptions extends WeightingOptions, VsAdjustmentOptions {
  /** Training count of every class (`cls_num_list`), finite and > 0; its length must equal `C`. Required. */
  readonly classCounts: ArrayLike<number>;
  /** Per-class weights `[C]`, e.g. DRW weights from {@link drwSchedule} (PyTorch `cross_entropy(weight=)`). */
  readonly classWeights?: TensorInput;
}

function adjustmentsOf(counts: readonly number[], gamma: number, tau: number): VsAdjustments {
  // The reference's float64 numpy expressions: temp = (1/n)^γ / min((1/n)^γ); iota = τ·log(n/Σn).
  const total = counts.reduce((sum, n) => sum + n, 0);
  const temp = counts.map((n) => (1 / n) ** gamma);
  const smallest = Math.min(...temp);
  return { delta: temp.map((t) => t / smallest), iota: counts.map((n) => tau * Math.log(n / total)), gamma, tau };
}

function checkGammaTau(options: VsAdjustmentOptions, loss: string): { gamma: number; tau: number } {
  const finiteNonNegative = (v: number): boolean => v >= 0 && Number.isFinite(v);
  return {
    gamma: checkNumberOption(options.gamma ?? 0.3, finiteNonNegative, 'a finite number >= 0', 'options.gamma', loss),
    tau: checkNumberOption(options.tau ?? 1, finiteNonNegative, 'a finite number >= 0', 'options.tau', loss),
  };
}

/**
 * The per-class factors of VS loss (Kini et al., 2021): multiplicative `Δ_c = (n_max/n_c)^γ` (computed as the
 * reference does, `(1/n_c)^γ / min_j (1/n_j)^γ`) and additive `ι_c = τ·log(n_c/Σ_j n_j)`, in float64.
 * Defaults γ = 0.3, τ = 1.0 (`VSLoss` of orparask/VS-Loss).
 *
 * @param classCounts training count of every class (finite, > 0).
 * @throws LossArgumentError for an empty list, a count that is zero, negative or not finite, or a negative γ/τ.
 */
export function vsAdjustments(classCounts: ArrayLike<number>, options: VsAdjustmentOptions = {}): VsAdjustments {
  const counts = checkClassCounts(classCounts, 'classCounts', 'vsAdjustments');
  const { gamma, tau } = checkGammaTau(options, 'vsAdjustments');
  return adjustmentsOf(counts, gamma, tau);
}

function vsLoss_(targets: TensorInput, logits: TensorInput, options: VsLossOptions): tf.Tensor {
  const inputs = checkClassificationInputs(targets, logits, options, 'sumOverWeights', LOSS);
  const counts = checkClassCounts(options.classCounts, 'options.classCounts', LOSS);
  assertPerClassLength(counts, inputs.numClasses, 'options.classCounts', LOSS);
  const { gamma, tau } = checkGammaTau(options, LOSS);
  const { delta, iota } = adjustmentsOf(counts, gamma, tau);
  // x / Δ + ι, dividing (not multiplying by a float32 1/Δ) as the reference does.
  const adjusted = tf.add(tf.div(inputs.logits, tf.tensor1d(delta, 'float32')), tf.tensor1d(iota, 'float32'));
  return crossEntropyOfAdjusted(adjusted, inputs);
}

/**
 * Vector-scaling (VS) loss (Kini, Paraskevas, Oymak, Thrampoulidis, NeurIPS 2021):
 *
 *     z̃_ij = x_ij / Δ_j + ι_j,     Δ_j = (n_max / n_j)^γ,     ι_j = τ·log(n_j / Σ_k n_k),
 *     l_i = −w_{y_i} · log softmax(z̃_i)_{y_i}
 *
 * The logits are DIVIDED by `Δ_j ≥ 1`, so rare-class logits shrink (a larger required margin); `ι` is the additive
 * logit adjustment. γ = 0 gives the logit-adjusted loss (without the reference LA code's `+1e-12`, see
 * {@link logitAdjustedLoss}), τ = 0 gives CDT. Class weights `w` and reductions follow {@link softmaxCrossEntropy}.
 *
 * Shapes: `logits` `[B, C]`, `targets` class ids `[B]`, `classCounts` `C` entries.
 * Defaults: γ = 0.3, τ = 1.0 (the repository's `VSLoss`; its README uses γ = 0.2, τ = 1.2 for CIFAR-10-LT), no
 * class weights. Reduction default: `sumOverWeights`, the reference's PyTorch weighted mean
 * `Σ_i w_{y_i} l_i / Σ_i w_{y_i}` (the plain batch mean without class weights); `mean` divides by B, `none` gives
 * the per-sample `w_{y_i}·CE_i`.
 *
 * Reference: `VSLoss` in orparask/VS-Loss `class_imbalance/losses.py` (commit
 * 7ade9c9959951212415bb9aa4f5563caa5182e5e); parity vectors `vs_loss.json` (γ = 0.3 and 0.2, with and without DRW
 * weights; values, per-sample losses, `Δ`, `ι` and gradients).
 *
 * @throws LossArgumentError naming the argument for bad shapes, class ids out of range, NaN/Inf logits, class
 *   counts that are missing, zero or of the wrong length, negative weights, or a negative or non-finite γ/τ.
 */
export const vsLoss = tf.op({ vsLoss_ });
