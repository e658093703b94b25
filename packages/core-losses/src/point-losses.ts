import * as tf from '@tensorflow/tfjs-core';

import { reduceRegressionLosses, resolveRegressionReduction, toRegressionInputs, type RegressionOptions } from './regression-inputs.js';
import { log1p } from './stable-math.js';
import { checkNumberOption, type TensorInput } from './validation.js';

const LN2 = Math.LN2;
/** Below this |error| log-cosh uses the cancellation-free small-error form, above it `|x| + log1p(e^{−2|x|}) − ln 2`. */
const LOG_COSH_SWITCH = 8;

/** Options of {@link meanAbsoluteError} and {@link meanSquaredError}. */
export type PointLossOptions = RegressionOptions;

/** Options of {@link huberLoss}. */
export interface HuberLossOptions extends RegressionOptions {
  /** The error at which the loss turns from quadratic to linear, δ > 0. Default 1 (PyTorch and Keras). */
  readonly delta?: number;
}

/** Options of {@link logCoshLoss}. */
export type LogCoshLossOptions = RegressionOptions;

function pointLoss(
  loss: string,
  targets: TensorInput,
  predictions: TensorInput,
  options: RegressionOptions,
  perElement: (error: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const reduction = resolveRegressionReduction(options, 'mean', loss);
  const validate = options.validate ?? true;
  const { targets: y, predictions: p, mask } = toRegressionInputs(targets, predictions, options.mask, loss, validate);
  return reduceRegressionLosses(perElement(tf.sub(p, y)), mask, options, reduction, loss, validate);
}

function meanAbsoluteError_(targets: TensorInput, predictions: TensorInput, options: PointLossOptions = {}): tf.Tensor {
  return pointLoss('meanAbsoluteError', targets, predictions, options, (e) => tf.abs(e));
}

function meanSquaredError_(targets: TensorInput, predictions: TensorInput, options: PointLossOptions = {}): tf.Tensor {
  return pointLoss('meanSquaredError', targets, predictions, options, (e) => tf.square(e));
}

function huberLoss_(targets: TensorInput, predictions: TensorInput, options: HuberLossOptions = {}): tf.Tensor {
  const delta = checkNumberOption(options.delta ?? 1, (v) => v > 0 && Number.isFinite(v), 'a finite number > 0', 'options.delta', 'huberLoss');
  return pointLoss('huberLoss', targets, predictions, options, (e) => {
    // quadratic part min(|e|, δ), linear part |e| − min(|e|, δ): 0.5·q² + δ·(|e| − q) is both branches at once.
    const a = tf.abs(e);
    const q = tf.minimum(a, delta);
    return tf.add(tf.mul(0.5, tf.square(q)), tf.mul(delta, tf.sub(a, q)));
  });
}

/** expm1(a) for a ≥ 0 to float32 precision on every backend (Kahan: (u − 1)·a / log u, u = e^a; a itself where u = 1). */
function expm1NonNegative(a: tf.Tensor): tf.Tensor {
  const u = tf.exp(a);
  const um1 = tf.sub(u, 1);
  const isOne = tf.equal(um1, 0);
  return tf.where(isOne, a, tf.div(tf.mul(um1, a), tf.log(tf.where(isOne, tf.onesLike(u), u))));
}

const logCoshOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  const a = tf.abs(x);
  // Small errors: log cosh x = log1p(m² / (2(1 + m))), m = expm1(|x|) — no cancellation as x → 0 (the Keras form
  // x + softplus(−2x) − ln 2 loses every digit below |x| ≈ 1e-4 in float32). Large errors: |x| + log1p(e^{−2|x|}) − ln 2.
  const m = expm1NonNegative(tf.minimum(a, LOG_COSH_SWITCH));
  const small = log1p(tf.div(tf.square(m), tf.mul(2, tf.add(1, m))));
  const large = tf.sub(tf.add(a, log1p(tf.exp(tf.mul(-2, a)))), LN2);
  return {
    value: tf.where(tf.less(a, LOG_COSH_SWITCH), small, large),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.tanh(saved[0] as tf.Tensor))],
  };
});

function logCoshLoss_(targets: TensorInput, predictions: TensorInput, options: LogCoshLossOptions = {}): tf.Tensor {
  return pointLoss('logCoshLoss', targets, predictions, options, (e) => logCoshOp(e));
}

/**
 * Mean absolute error, element by element: `l = |ŷ − y|` (gradient `sign(ŷ − y)`, 0 at a tie, as PyTorch).
 *
 * Shapes: `targets` and `predictions` the same shape (any rank). Side inputs by name: `options.mask` (observed
 * targets; missing ones may be NaN), `options.weights` (per sample or per element). Reduction default `mean` over all
 * elements (PyTorch `l1_loss`; Keras `MeanAbsoluteError` for full rows), the masked mean with a mask;
 * `perSample: true` gives Keras' per-sample mean over the last axis.
 *
 * Reference: `torch.nn.functional.l1_loss`; `keras.losses.mean_absolute_error`.
 * @throws LossArgumentError naming the argument for shape mismatches, non-finite predictions or observed targets, a
 *   mask other than 0/1, negative weights or an unknown reduction.
 */
export const meanAbsoluteError = tf.op({ meanAbsoluteError_ });

/**
 * Mean squared error, element by element: `l = (ŷ − y)²`.
 *
 * Shapes, side inputs, reduction (default `mean`, masked mean with a mask, `perSample` for Keras) as
 * {@link meanAbsoluteError}. Reference: `torch.nn.functional.mse_loss`; `keras.losses.mean_squared_error`.
 * @throws LossArgumentError as {@link meanAbsoluteError}.
 */
export const meanSquaredError = tf.op({ meanSquaredError_ });

/**
 * Huber loss (Huber, 1964), PyTorch's `delta` convention, element by element with `e = ŷ − y`:
 *
 *     l = ½e²              if |e| < δ
 *     l = δ·(|e| − ½δ)     otherwise
 *
 * (not `smooth_l1_loss(β)`, which divides the quadratic branch by β; the two agree only at δ = β = 1). Linear growth
 * keeps values and gradients (±δ) exact at errors of ±50 and beyond. Default δ = 1.
 *
 * Shapes, side inputs and reduction as {@link meanAbsoluteError}: default `mean` over all elements
 * (`torch.nn.functional.huber_loss`); `perSample: true, reduction: 'none'` is Keras' `huber` (mean over the last
 * axis), and its `Huber()` is then the batch mean (`mean`), identical to PyTorch's mean for full rows.
 *
 * Reference: `torch.nn.functional.huber_loss` (torch 1.13.1) and `keras.losses.huber`; parity vectors `huber.json`.
 * @throws LossArgumentError as {@link meanAbsoluteError}, and for δ ≤ 0.
 */
export const huberLoss = tf.op({ huberLoss_ });

/**
 * Log-cosh loss, element by element with `x = ŷ − y`: `l = log cosh x` (≈ x²/2 for small errors, |x| − ln 2 for
 * large ones), gradient `tanh x`. Computed without overflow or cancellation: `|x| + log1p(e^{−2|x|}) − ln 2` for
 * |x| ≥ 8 (the stable form Keras uses, exact at errors of ±50 and 1e30) and `log1p(m²/(2(1 + m)))`, `m = expm1|x|`,
 * below, so a 1e-4 error still gives 5e-9 with float32 precision.
 *
 * Shapes, side inputs and reduction as {@link meanAbsoluteError}: default `mean` over all elements (Keras `LogCosh()`
 * with `SUM_OVER_BATCH_SIZE`); `perSample: true, reduction: 'none'` is Keras' `log_cosh` function output.
 *
 * Reference: `keras.losses.log_cosh` / `LogCosh` (keras-team/keras 7c4acb8); parity vectors `log_cosh.json`.
 * @throws LossArgumentError as {@link meanAbsoluteError}.
 */
export const logCoshLoss = tf.op({ logCoshLoss_ });
