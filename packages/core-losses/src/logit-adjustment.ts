import * as tf from '@tensorflow/tfjs-core';

import { assertPerClassLength, checkClassificationInputs, crossEntropyOfAdjusted } from './adjusted-cross-entropy.js';
import { checkClassCounts, classPriors } from './class-counts.js';
import { LossArgumentError } from './errors.js';
import type { WeightingOptions } from './reduction.js';
import { assertFinite, checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

/** The reference's floor inside the log: `log(π^τ + 1e-12)`, so a zero prior stays finite. */
const LOG_FLOOR = 1e-12;
/** Priors must sum to 1 within this (relative) tolerance; catches counts passed as priors. */
const PRIOR_SUM_TOLERANCE = 1e-6;

/**
 * Where the class priors come from: exactly one of `priors` (`π_c`, summing to 1, the reference's `base_probs`) or
 * `classCounts` (`π_c = n_c / Σ n`).
 */
export interface LogitAdjustmentPriorOptions {
  /** Class priors `π_c ≥ 0` summing to 1 (e.g. `<dataset>_base_probs.txt` of the reference). */
  readonly priors?: ArrayLike<number>;
  /** Training count of every class (finite, > 0); priors are `n_c / Σ n`. */
  readonly classCounts?: ArrayLike<number>;
  /** Temperature τ ≥ 0 of the adjustment. Default 1.0 (Menon et al.; the reference's `--tau`). */
  readonly tau?: number;
}

/** Options of {@link logitAdjustedLoss}. */
export interface LogitAdjustedLossOptions extends WeightingOptions, LogitAdjustmentPriorOptions {}

function resolvePriors(options: LogitAdjustmentPriorOptions, loss: string): number[] {
  const { priors, classCounts } = options;
  if ((priors === undefined) === (classCounts === undefined)) {
    throw new LossArgumentError(loss, 'options.priors', 'or options.classCounts must be given (exactly one of them)');
  }
  if (classCounts !== undefined) return classPriors(checkClassCounts(classCounts, 'options.classCounts', loss));
  const values = Array.from(priors ?? []);
  if (values.length === 0) throw new LossArgumentError(loss, 'options.priors', 'must list at least one class');
  values.forEach((p, c) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new LossArgumentError(loss, 'options.priors', `must hold probabilities in [0, 1], got ${String(p)} for class ${c}`);
    }
  });
  const total = values.reduce((sum, p) => sum + p, 0);
  if (!(Math.abs(total - 1) <= PRIOR_SUM_TOLERANCE)) {
    throw new LossArgumentError(
      loss,
      'options.priors',
      `must sum to 1, got ${total} (pass training counts as options.classCounts instead)`,
    );
  }
  return values;
}

function checkTau(value: number | undefined, loss: string): number {
  return checkNumberOption(value ?? 1, (v) => v >= 0 && Number.isFinite(v), 'a finite number >= 0', 'options.tau', loss);
}

/**
 * The per-class logit offsets of logit adjustment, `log(π_c^τ + 1e-12)`, in float64 — exactly the reference's
 * `tf.math.log(base_probs**tau + 1e-12)` (Menon et al., 2021). The `1e-12` keeps a zero prior finite; for
 * `π_c^τ ≫ 1e-12` this is `τ·log π_c`. The loss adds these offsets, post-hoc adjustment subtracts them.
 *
 * @param options exactly one of `priors` (summing to 1) or `classCounts`; `tau` (default 1).
 * @throws LossArgumentError for missing/both prior sources, priors outside [0, 1] or not summing to 1, zero or
 *   non-finite counts, or a negative τ.
 */
export function logitAdjustments(options: LogitAdjustmentPriorOptions): number[] {
  const priors = resolvePriors(options, 'logitAdjustments');
  const tau = checkTau(options.tau, 'logitAdjustments');
  return priors.map((p) => Math.log(p ** tau + LOG_FLOOR));
}

function offsetsFor(options: LogitAdjustmentPriorOptions, numClasses: number, loss: string): tf.Tensor1D {
  const priors = resolvePriors(options, loss);
  assertPerClassLength(priors, numClasses, options.classCounts === undefined ? 'options.priors' : 'options.classCounts', loss);
  const tau = checkTau(options.tau, loss);
  return tf.tensor1d(
    priors.map((p) => Math.log(p ** tau + LOG_FLOOR)),
    'float32',
  );
}

const LOSS = 'logitAdjustedLoss';

function logitAdjustedLoss_(targets: TensorInput, logits: TensorInput, options: LogitAdjustedLossOptions): tf.Tensor {
  const inputs = checkClassificationInputs(targets, logits, options, 'mean', LOSS);
  return crossEntropyOfAdjusted(tf.add(inputs.logits, offsetsFor(options, inputs.numClasses, LOSS)), inputs);
}

/**
 * Logit-adjusted softmax cross-entropy (Menon, Jayasumana, Rawat, Jain, Veit, Kumar, ICLR 2021):
 *
 *     l_i = −log softmax(x_i + a)_{y_i},     a_j = log(π_j^τ + 1e-12)   (≈ τ·log π_j)
 *
 * with class priors `π` (from `priors` or `classCounts`) and temperature τ. Train with this loss and predict with
 * the raw logits (argmax of `x`, no adjustment at test time).
 *
 * Shapes: `logits` `[B, C]`, `targets` class ids `[B]`, priors `C` entries. Defaults: τ = 1.0. Reduction default:
 * `mean`, the batch mean of the reference (`tf.reduce_mean`); `sum` and `none` (per-sample losses) are available,
 * and sample `weights` `[B]` multiply the per-sample losses (`sumOverWeights` then divides by their sum). There are
 * no class weights in the reference; for class-weighted logit adjustment use {@link vsLoss} with γ = 0, whose
 * additive term is `τ·log π_j` without the `1e-12`.
 *
 * Reference: `build_loss_fn(use_la_loss=True)` in google-research/google-research `logit_adjustment/utils.py`
 * (commit 1d4d2f1aa6f2883a790d2ae46a6ee8ab150d8f31); parity vectors `logit_adjustment.json` (τ = 1.0 and 1.5). The
 * reference casts the offsets to float32, as here.
 *
 * @throws LossArgumentError naming the argument for bad shapes, class ids out of range, NaN/Inf logits, missing or
 *   inconsistent priors/counts (wrong length, zero counts, not summing to 1), negative weights, or a negative τ.
 */
export const logitAdjustedLoss = tf.op({ logitAdjustedLoss_ });

const POSTHOC = 'posthocLogitAdjustment';

/** Options of {@link posthocLogitAdjustment}. */
export interface PosthocLogitAdjustmentOptions extends LogitAdjustmentPriorOptions {
  /** Check the logits for NaN/Inf (reads their values; default true). */
  readonly validate?: boolean;
}

function posthocLogitAdjustment_(logits: TensorInput, options: PosthocLogitAdjustmentOptions): tf.Tensor {
  const x = toFloatTensor(logits, 'logits', POSTHOC);
  if (x.rank < 1) throw new LossArgumentError(POSTHOC, 'logits', 'must have rank >= 1 ([..., C]), got a scalar');
  if (options.validate ?? true) assertFinite(x, 'logits', POSTHOC);
  return tf.sub(x, offsetsFor(options, x.shape[x.rank - 1] ?? 0, POSTHOC));
}

/**
 * Post-hoc logit adjustment for inference (Menon et al., ICLR 2021): for a model trained with plain cross-entropy,
 * predict `argmax_j (x_j − log(π_j^τ + 1e-12))` — the reference's `logits − tf.math.log(base_probs**tau + 1e-12)`.
 * Returns the adjusted logits (same shape), not the argmax.
 *
 * Shapes: `logits` `[..., C]`, priors `C` entries. Default τ = 1.0 (the reference's `--mode=posthoc`, its default
 * mode). Not a loss: no reduction.
 *
 * Reference: `main.py` of google-research/google-research `logit_adjustment/` (commit
 * 1d4d2f1aa6f2883a790d2ae46a6ee8ab150d8f31).
 *
 * @throws LossArgumentError for a scalar or NaN/Inf `logits`, a class count that does not match the last axis, or
 *   bad priors/counts/τ.
 */
export const posthocLogitAdjustment = tf.op({ posthocLogitAdjustment_ });
