import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { assertFinite, toFloatTensor, type TensorInput } from './validation.js';

/**
 * How per-element losses `l` with weights `w` (broadcast to the shape of `l`; all ones when absent) become the
 * returned value:
 *
 * | reduction        | result                                   | note                                              |
 * |------------------|------------------------------------------|---------------------------------------------------|
 * | `none`           | `w * l`, the shape of `l`                | per-element (or per-sample) weighted losses        |
 * | `sum`            | `Σ w·l`                                  |                                                   |
 * | `mean`           | `Σ w·l / N` (`N` = number of elements)    | or `Σ w·l / avgFactor` when `avgFactor` is given   |
 * | `sumOverWeights` | `Σ w·l / Σ w`                            | PyTorch's weighted mean (`cross_entropy(weight=)`) |
 *
 * `mean` with weights is the plain mean of the weighted terms (what TF's `SUM_BY_NONZERO_WEIGHTS` gives with
 * positive weights, and mmcv's `weight_reduce_loss`); `sumOverWeights` divides by the weights instead. Without
 * weights the two agree. A zero denominator gives 0, never NaN.
 */
export type Reduction = 'none' | 'sum' | 'mean' | 'sumOverWeights';

/** Every reduction name, for validation and CLIs. */
export const REDUCTIONS: readonly Reduction[] = ['none', 'sum', 'mean', 'sumOverWeights'];

/** Options every loss accepts; a loss documents its own default `reduction` (the one its reference uses). */
export interface WeightingOptions {
  /**
   * Per-sample or per-element weights, non-negative. Aligned on the LEADING axes of the per-element loss: a
   * weight of shape `[B]` weights each sample of a `[B, C]` loss, `[B, C]` weights each element, and a scalar
   * weights everything. After that alignment the usual broadcasting rules apply.
   */
  readonly weights?: TensorInput;
  /** See {@link Reduction}. */
  readonly reduction?: Reduction;
  /**
   * Replaces the element count `N` in `mean` (mmdetection's `avg_factor`), e.g. the number of positive anchors.
   * Only valid with `reduction: 'mean'`; must be positive.
   */
  readonly avgFactor?: number;
  /**
   * Check inputs for NaN/Inf, label ranges and negative weights (reads tensor values; default true). Turn it off
   * in hot training loops once the data pipeline is trusted; shape and option checks always run.
   */
  readonly validate?: boolean;
}

/**
 * Checks `reduction` and `avgFactor` and returns the reduction to use (`fallback` when absent).
 * @throws LossArgumentError for an unknown reduction or an `avgFactor` that is not positive or not used with `mean`.
 */
export function resolveReduction(options: WeightingOptions, fallback: Reduction, loss: string): Reduction {
  const reduction = options.reduction ?? fallback;
  if (!REDUCTIONS.includes(reduction)) {
    throw new LossArgumentError(
      loss,
      'options.reduction',
      `must be one of ${REDUCTIONS.map((r) => `'${r}'`).join(', ')}, got '${String(reduction)}'`,
    );
  }
  if (options.avgFactor !== undefined) {
    if (reduction !== 'mean') {
      throw new LossArgumentError(loss, 'options.avgFactor', `only applies to reduction 'mean', not '${reduction}'`);
    }
    if (!(options.avgFactor > 0) || !Number.isFinite(options.avgFactor)) {
      throw new LossArgumentError(loss, 'options.avgFactor', `must be a positive number, got ${options.avgFactor}`);
    }
  }
  return reduction;
}

/**
 * Converts `weights` to a float32 tensor that broadcasts against a loss of shape `lossShape` (leading-axis
 * alignment, see {@link WeightingOptions.weights}) and, when `validate`, checks it is finite and non-negative.
 * Returns undefined when no weights were given.
 */
export function prepareWeights(
  weights: TensorInput | undefined,
  lossShape: readonly number[],
  loss: string,
  validate: boolean,
): tf.Tensor | undefined {
  if (weights === undefined) return undefined;
  let w = toFloatTensor(weights, 'options.weights', loss);
  if (w.rank > lossShape.length) {
    throw new LossArgumentError(
      loss,
      'options.weights',
      `has rank ${w.rank} but the per-element loss has shape [${lossShape.join(',')}]`,
    );
  }
  if (w.rank > 0 && w.rank < lossShape.length) {
    w = tf.reshape(w, [...w.shape, ...new Array<number>(lossShape.length - w.rank).fill(1)]);
  }
  for (let axis = 0; axis < w.rank; axis += 1) {
    const size = w.shape[axis];
    if (size !== 1 && size !== lossShape[axis]) {
      throw new LossArgumentError(
        loss,
        'options.weights',
        `of shape [${w.shape.join(',')}] (leading axes aligned) does not broadcast to the per-element loss ` +
          `shape [${lossShape.join(',')}] at axis ${axis}`,
      );
    }
  }
  if (validate) {
    assertFinite(w, 'options.weights', loss);
    const values = w.dataSync();
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i] ?? 0;
      if (v < 0) throw new LossArgumentError(loss, 'options.weights', `must be non-negative, got ${v} at flat index ${i}`);
    }
  }
  return w;
}

const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * The shared reduction step. `weightedLosses` already carry every weight; `totalWeights` (same shape, or
 * undefined for all ones) are the weights that `sumOverWeights` divides by. Losses with intrinsic weights (e.g.
 * class weights inside softmax cross-entropy) pass both; everything else goes through {@link computeWeightedLoss}.
 */
export function reduceWeightedLosses(
  weightedLosses: tf.Tensor,
  totalWeights: tf.Tensor | undefined,
  reduction: Reduction,
  avgFactor?: number,
): tf.Tensor {
  switch (reduction) {
    case 'none':
      return weightedLosses;
    case 'sum':
      return tf.sum(weightedLosses);
    case 'mean':
      return tf.div(tf.sum(weightedLosses), Math.max(avgFactor ?? weightedLosses.size, 1));
    case 'sumOverWeights': {
      if (totalWeights === undefined) return tf.div(tf.sum(weightedLosses), Math.max(weightedLosses.size, 1));
      // Weights are non-negative, so a zero total means every term is zero: 0 / FLT_MIN = 0, never NaN.
      // (tf.divNoNan is not used: in tfjs 4.22 its gradient fails with "gradient function not found for Equal".)
      const total = tf.sum(tf.broadcastTo(totalWeights, weightedLosses.shape));
      return tf.div(tf.sum(weightedLosses), tf.maximum(total, FLOAT32_MIN_NORMAL));
    }
  }
}

/**
 * Applies optional `weights` (broadcast to `losses`, see {@link WeightingOptions.weights}) to per-element losses
 * and reduces them with `reduction`. The one place where reductions are implemented.
 */
export function computeWeightedLoss(
  losses: tf.Tensor,
  weights: tf.Tensor | undefined,
  reduction: Reduction,
  avgFactor?: number,
): tf.Tensor {
  const weighted = weights === undefined ? losses : tf.mul(losses, weights);
  return reduceWeightedLosses(weighted, weights, reduction, avgFactor);
}
