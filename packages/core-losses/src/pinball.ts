import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { reduceRegressionLosses, resolveRegressionReduction, toRegressionInputs, type RegressionOptions } from './regression-inputs.js';
import { assertInRange, toFloatTensor, type TensorInput } from './validation.js';

const LOSS = 'pinballLoss';

/** Scale conventions of the pinball loss: TF-Addons' `ρ_τ` or pytorch-forecasting's `2·ρ_τ`. */
export type PinballScale = 'tfAddons' | 'pytorchForecasting';

/** Options of {@link pinballLoss}. */
export interface PinballLossOptions extends RegressionOptions {
  /**
   * The quantile levels τ ∈ [0, 1] (required, the `quantileLevels` side input): `[Q]`, one per prediction column
   * (broadcast along the last axis), or the shape of `predictions` (levels per row).
   */
  readonly quantileLevels: TensorInput;
  /** `tfAddons` (default): `ρ_τ(u)`; `pytorchForecasting`: `2·ρ_τ(u)` (its `QuantileLoss` doubles the loss). */
  readonly scale?: PinballScale;
}

function pinballLoss_(targets: TensorInput, predictions: TensorInput, options: PinballLossOptions): tf.Tensor {
  const reduction = resolveRegressionReduction(options ?? {}, 'mean', LOSS);
  const validate = options?.validate ?? true;
  const { targets: y, predictions: q, mask } = toRegressionInputs(targets, predictions, options?.mask, LOSS, validate, {
    broadcastTargets: true,
  });
  if (options === undefined || options === null || options.quantileLevels === undefined) {
    throw new LossArgumentError(LOSS, 'options.quantileLevels', 'is required');
  }
  const scale = options.scale ?? 'tfAddons';
  if (scale !== 'tfAddons' && scale !== 'pytorchForecasting') {
    throw new LossArgumentError(LOSS, 'options.scale', `must be 'tfAddons' or 'pytorchForecasting', got '${String(scale)}'`);
  }
  if (q.rank < 1) throw new LossArgumentError(LOSS, 'predictions', 'must have rank >= 1 (last axis: one column per level), got a scalar');
  const tau = toFloatTensor(options.quantileLevels, 'options.quantileLevels', LOSS);
  const columns = q.shape[q.rank - 1] ?? 0;
  const levelsOk = (tau.rank === 1 && tau.shape[0] === columns) || tf.util.arraysEqual(tau.shape, q.shape);
  if (!levelsOk) {
    throw new LossArgumentError(
      LOSS,
      'options.quantileLevels',
      `must have shape [${columns}] (one level per prediction column) or the predictions' shape [${q.shape.join(',')}], got [${tau.shape.join(',')}]`,
    );
  }
  // Levels are small and define the loss: always checked.
  assertInRange(tau, 0, 1, 'options.quantileLevels', LOSS);
  // u = y − q;  ρ_τ(u) = τ·max(u, 0) + (1 − τ)·max(−u, 0) = max(τu, (τ − 1)u)
  const u = tf.sub(y, q);
  let losses = tf.add(tf.mul(tau, tf.relu(u)), tf.mul(tf.sub(1, tau), tf.relu(tf.neg(u))));
  if (scale === 'pytorchForecasting') losses = tf.mul(losses, 2);
  return reduceRegressionLosses(losses, mask, options, reduction, LOSS, validate);
}

/**
 * Pinball (quantile) loss over several levels (Koenker & Bassett, 1978), element by element with `u = y − q̂_τ`:
 *
 *     ρ_τ(u) = max(τ·u, (τ − 1)·u)        (× 2 with `scale: 'pytorchForecasting'`)
 *
 * Shapes: `predictions` `[B, Q]` (any rank; last axis = one column per level), `targets` `[B]` / `[B, 1]`
 * (broadcast to every column) or the predictions' shape, `options.quantileLevels` `[Q]` or the predictions' shape.
 * Side inputs by name: `quantileLevels` (required), `mask` (observed targets, aligned like the targets), `weights`.
 * Reduction default `mean` over all `B·Q` elements (TF-Addons `PinballLoss`, Keras `SUM_OVER_BATCH_SIZE` of the
 * per-sample means); `perSample: true, reduction: 'none'` is TF-Addons' `pinball_loss` function output `[B]`.
 * The gradient at an exact tie `u = 0` is 0 (TF gives −τ, torch splits); linear growth keeps errors of ±50 exact.
 *
 * Reference: `pinball_loss` / `PinballLoss` of tensorflow/addons `losses/quantiles.py` (072592b);
 * pytorch-forecasting `QuantileLoss` (`2·ρ_τ`); parity vectors `pinball.json`.
 * @throws LossArgumentError naming the argument for missing or out-of-range levels, shape mismatches, non-finite
 *   predictions or observed targets, negative weights or an unknown `scale`/reduction.
 */
export const pinballLoss = tf.op({ pinballLoss_ });
