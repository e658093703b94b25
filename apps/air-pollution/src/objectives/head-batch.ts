import { meanAbsoluteError } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import type { HeadLayout } from './head-layout.js';

/** One head's part of a batch: targets, predictions and mask, `[B, H·V_head]` each (head order). */
export interface HeadBatch {
  readonly targets: tf.Tensor2D;
  readonly predictions: tf.Tensor2D;
  readonly mask: tf.Tensor2D;
}

/** A batch split by head; `weather` is undefined without weather targets. */
export interface SplitBatch {
  readonly weather: HeadBatch | undefined;
  readonly pollutant: HeadBatch;
  /** The pollutant head's outputs after its `H·V_p` point outputs (class logits of `car`), `[B, extra]`, or undefined. */
  readonly pollutantExtra: tf.Tensor2D | undefined;
}

/**
 * Splits a batch: targets and mask `[B, H·V]` (target order) are gathered into the heads' orders, the predictions
 * `[B, weatherOutputs + pollutantOutputs]` sliced; `perTarget` outputs per target (3 for quantiles: the head's
 * predictions are then `[B, H·V_head·perTarget]`, element-major). Pure tensor ops, no reads: use inside the tape.
 */
export function splitBatch(
  layout: HeadLayout,
  targets: tf.Tensor,
  predictions: tf.Tensor,
  mask: tf.Tensor,
  perTarget = 1,
): SplitBatch {
  const rows = predictions.shape[0] ?? 0;
  const y = tf.reshape(targets, [rows, -1]);
  const m = tf.reshape(mask, [rows, -1]);
  const p = tf.reshape(predictions, [rows, -1]);
  const weatherOutputs = layout.weatherTargets.length * perTarget;
  const pollutantOutputs = layout.pollutantTargets.length * perTarget;
  const total = p.shape[1] ?? 0;
  const head = (columns: Int32Array, start: number, size: number): HeadBatch => {
    const index = tf.tensor1d(columns, 'int32');
    return {
      targets: tf.gather(y, index, 1) as tf.Tensor2D,
      mask: tf.gather(m, index, 1) as tf.Tensor2D,
      predictions: tf.slice(p, [0, start], [rows, size]) as tf.Tensor2D,
    };
  };
  return {
    weather: layout.weather === 0 ? undefined : head(layout.weatherTargets, 0, weatherOutputs),
    pollutant: head(layout.pollutantTargets, weatherOutputs, pollutantOutputs),
    pollutantExtra:
      total > weatherOutputs + pollutantOutputs
        ? (tf.slice(p, [0, weatherOutputs + pollutantOutputs], [rows, total - weatherOutputs - pollutantOutputs]) as tf.Tensor2D)
        : undefined,
  };
}

/**
 * Masked (optionally weighted) MAE of one head with core-losses' `meanAbsoluteError`: `Σ w·m·|ŷ − y| / Σ m` over the
 * head's elements (`w` = 1 without weights; 0 when nothing is observed). Inputs are not re-validated (no reads).
 */
export function headMae(batch: HeadBatch, weights?: tf.Tensor): tf.Scalar {
  return meanAbsoluteError(batch.targets, batch.predictions, { mask: batch.mask, weights, validate: false }) as tf.Scalar;
}

/**
 * `[B, H·V]` in target order from the heads' per-target columns: weather `[B, H·V_w]` (omitted without weather
 * targets) and pollutant `[B, H·V_p]`, or `[B, ·, Q]` for quantiles (gathered along axis 1).
 */
export function toTargetOrder<T extends tf.Tensor2D | tf.Tensor3D>(layout: HeadLayout, weather: T | undefined, pollutant: T): T {
  const heads = weather === undefined ? pollutant : tf.concat<T>([weather, pollutant], 1);
  return tf.gather<T>(heads, tf.tensor1d(layout.headElementOfTarget, 'int32'), 1);
}
