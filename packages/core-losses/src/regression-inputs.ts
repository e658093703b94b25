import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import {
  computeWeightedLoss,
  prepareWeights,
  reduceWeightedLosses,
  resolveReduction,
  type Reduction,
  type WeightingOptions,
} from './reduction.js';
import { assertFinite, toFloatTensor, type TensorInput } from './validation.js';

/**
 * Options every regression loss accepts, on top of {@link WeightingOptions}: a mask of observed targets and the
 * Keras per-sample mean.
 */
export interface RegressionOptions extends WeightingOptions {
  /**
   * Observed targets: 1 (or `true`) where the target exists, 0 where it is missing (a gap in a station's record).
   * Aligned like `weights` (leading axes, then broadcast) on the per-element loss. Missing targets may hold NaN;
   * they contribute 0 to the loss and nothing to its gradient, and `mean` divides by the number of observed
   * elements (the masked mean) instead of all elements.
   */
  readonly mask?: TensorInput;
  /**
   * Average each row over its last axis first (Keras: `huber`, `log_cosh`, `pinball_loss` return one value per
   * sample), so `weights` align with the per-sample losses and `reduction: 'none'` returns them (`[B]` for `[B, D]`).
   * With a mask, each row is averaged over its observed elements and a row without any counts as missing.
   * Default false: the per-element losses of PyTorch.
   */
  readonly perSample?: boolean;
}

/** A regression loss's converted arguments: float32 targets and predictions, and the 0/1 mask (full shape). */
export interface RegressionInputs {
  /** Targets broadcast to the predictions' shape, missing ones replaced by 0. */
  readonly targets: tf.Tensor;
  readonly predictions: tf.Tensor;
  /** The observed-target mask broadcast to the predictions' shape, or undefined when every target is observed. */
  readonly mask: tf.Tensor | undefined;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Broadcasts `t` to `shape` with leading-axis alignment (trailing 1s appended), as `options.weights`. */
function alignLeading(t: tf.Tensor, shape: readonly number[], argument: string, loss: string): tf.Tensor {
  if (t.rank > shape.length) {
    throw new LossArgumentError(loss, argument, `has rank ${t.rank} but must align with shape ${shapeText(shape)}`);
  }
  const expanded = t.rank === 0 ? t : tf.reshape(t, [...t.shape, ...new Array<number>(shape.length - t.rank).fill(1)]);
  for (let axis = 0; axis < expanded.rank; axis += 1) {
    const size = expanded.shape[axis];
    if (size !== 1 && size !== shape[axis]) {
      throw new LossArgumentError(
        loss,
        argument,
        `of shape ${shapeText(t.shape)} (leading axes aligned) does not broadcast to ${shapeText(shape)} at axis ${axis}`,
      );
    }
  }
  return tf.broadcastTo(expanded, [...shape]);
}

/**
 * Converts and checks the arguments of a regression loss. `targets` must have the shape of `predictions`, or (with
 * `broadcastTargets`, e.g. one target per row for several quantile columns) align with it on the leading axes.
 * With `validate`, predictions must be finite, observed targets finite, and the mask 0/1.
 */
export function toRegressionInputs(
  targets: TensorInput,
  predictions: TensorInput,
  maskInput: TensorInput | undefined,
  loss: string,
  validate: boolean,
  { broadcastTargets = false, predictionsName = 'predictions' }: { broadcastTargets?: boolean; predictionsName?: string } = {},
): RegressionInputs {
  const p = toFloatTensor(predictions, predictionsName, loss);
  // the mask first: a mask that does not fit is named even when the targets do not fit either
  const mask = maskInput === undefined ? undefined : alignLeading(toFloatTensor(maskInput, 'options.mask', loss), p.shape, 'options.mask', loss);
  let y = toFloatTensor(targets, 'targets', loss);
  if (!tf.util.arraysEqual(y.shape, p.shape)) {
    if (!broadcastTargets) {
      throw new LossArgumentError(loss, 'targets', `must have the shape of '${predictionsName}' ${shapeText(p.shape)}, got ${shapeText(y.shape)}`);
    }
    y = alignLeading(y, p.shape, 'targets', loss);
  }
  if (validate) {
    assertFinite(p, predictionsName, loss);
    const m = mask?.dataSync();
    const yv = y.dataSync();
    for (let i = 0; i < yv.length; i += 1) {
      const observed = m === undefined || (m[i] ?? 0) !== 0;
      if (m !== undefined && m[i] !== 0 && m[i] !== 1) {
        throw new LossArgumentError(loss, 'options.mask', `must hold 0 or 1, got ${m[i]} at flat index ${i}`);
      }
      const v = yv[i] ?? Number.NaN;
      if (observed && !Number.isFinite(v)) {
        throw new LossArgumentError(
          loss,
          'targets',
          `must be finite where observed, got ${v} at flat index ${i}` + (m === undefined ? ' (pass options.mask to mark missing targets)' : ''),
        );
      }
    }
  }
  // Missing targets (possibly NaN) are replaced by 0 so that every per-element loss stays finite; the mask zeroes them.
  const filled = mask === undefined ? y : tf.where(tf.greater(mask, 0), y, tf.zerosLike(y));
  return { targets: filled, predictions: p, mask };
}

/**
 * The one reduction path of the regression losses: optional per-sample mean over the last axis, the observed-target
 * mask, `weights`, then the shared {@link computeWeightedLoss} / {@link reduceWeightedLosses}. With a mask, `mean`
 * (without `avgFactor`) divides by the number of observed elements (or rows, with `perSample`), never by zero.
 */
export function reduceRegressionLosses(
  elementLosses: tf.Tensor,
  mask: tf.Tensor | undefined,
  options: RegressionOptions,
  reduction: Reduction,
  loss: string,
  validate: boolean,
): tf.Tensor {
  let losses = elementLosses;
  let m = mask;
  if (options.perSample === true) {
    if (losses.rank < 1) throw new LossArgumentError(loss, 'options.perSample', 'needs a loss of rank >= 1, got a scalar');
    const axis = losses.rank - 1;
    if (m === undefined) {
      losses = tf.mean(losses, axis);
    } else {
      const count = tf.sum(m, axis);
      losses = tf.div(tf.sum(tf.mul(losses, m), axis), tf.maximum(count, 1));
      m = tf.cast(tf.greater(count, 0), 'float32');
    }
  }
  const weights = prepareWeights(options.weights, losses.shape, loss, validate);
  if (m === undefined) return computeWeightedLoss(losses, weights, reduction, options.avgFactor);
  const totalWeights = weights === undefined ? m : tf.mul(tf.broadcastTo(weights, losses.shape), m);
  const weighted = tf.mul(losses, totalWeights);
  if (reduction === 'mean' && options.avgFactor === undefined) {
    return tf.div(reduceWeightedLosses(weighted, totalWeights, 'sum'), tf.maximum(tf.sum(m), 1));
  }
  return reduceWeightedLosses(weighted, totalWeights, reduction, options.avgFactor);
}

/** `resolveReduction` plus the `perSample` type check, for the regression losses. */
export function resolveRegressionReduction(options: RegressionOptions, fallback: Reduction, loss: string): Reduction {
  if (options.perSample !== undefined && typeof options.perSample !== 'boolean') {
    throw new LossArgumentError(loss, 'options.perSample', `must be true or false, got ${String(options.perSample)}`);
  }
  return resolveReduction(options, fallback, loss);
}
