import { pinballLoss } from '@counterweight/core-losses';
import { ConfigError, withExtras } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows } from '../data/forecast-windows.js';
import type { Objective } from './objective.js';
import type { QuantileObjectiveOptions } from './objective-options.js';
import { splitBatch, toTargetOrder, type HeadBatch } from './head-batch.js';
import { headLayout } from './head-layout.js';
import { MASK_EXTRA, checkPredictions, checkTargets, extrasProvider } from './objective-parts.js';

/** Whether `value` is an array (without narrowing a readonly array to `any[]`). */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

/** The default quantile levels: P10, P50, P90. */
export const DEFAULT_QUANTILE_LEVELS: readonly number[] = [0.1, 0.5, 0.9];

/**
 * Checks quantile levels: strictly increasing in (0, 1) and containing 0.5 (the point forecast).
 * @throws ConfigError naming `options.quantile.levels`.
 */
export function checkQuantileLevels(levels: readonly number[]): readonly number[] {
  const argument = 'options.quantile.levels';
  if (!isList(levels) || levels.length < 1) throw new ConfigError(argument, 'must be a non-empty list of levels in (0, 1)');
  levels.forEach((t, j) => {
    if (typeof t !== 'number' || !(t > 0 && t < 1)) throw new ConfigError(argument, `must lie in (0, 1), got ${String(t)} at index ${j}`);
    if (j > 0 && !(t > (levels[j - 1] ?? 0))) throw new ConfigError(argument, `must increase strictly, got ${t} after ${String(levels[j - 1])}`);
  });
  if (!levels.includes(0.5)) throw new ConfigError(argument, `must contain 0.5 (the point forecast), got [${levels.join(', ')}]`);
  return [...levels];
}

/** Pinball loss of one head: `[B, n·Q]` predictions against `[B, n]` targets and mask (masked mean over n·Q). */
function headPinball(head: HeadBatch, levels: readonly number[]): tf.Scalar {
  const rows = head.targets.shape[0] ?? 0;
  const n = head.targets.shape[1] ?? 0;
  const q = tf.reshape(head.predictions, [rows, n, levels.length]);
  return pinballLoss(head.targets, q, { quantileLevels: [...levels], mask: head.mask, validate: false }) as tf.Scalar;
}

/**
 * `quantile`: pinball loss (Koenker & Bassett 1978; core-losses' `pinballLoss`) over the levels (default P10, P50,
 * P90) on both heads, each head's loss the masked mean over its observed elements and levels, summed (AirCast's
 * multi-task sum):
 *
 *     L = Σ_heads  Σ m·Σ_τ ρ_τ(y − q̂_τ) / (Q·Σ m),   ρ_τ(u) = max(τu, (τ − 1)u)
 *
 * Each target has Q outputs (element-major: target element e's level j at `e·Q + j` within its head), so
 * `weatherOutputs = H·V_w·Q`, `pollutantOutputs = H·V_p·Q`. `quantiles` gives `[B, H·V, Q]` (target order, levels
 * ascending, crossings not repaired — see `quantile-calibration.ts`); `point` is the P50 column `[B, H·V]`.
 * Extra column `mask`.
 */
export function buildQuantileObjective(windows: ForecastWindows, options: QuantileObjectiveOptions = {}): Objective {
  const levels = checkQuantileLevels(options.levels ?? DEFAULT_QUANTILE_LEVELS);
  const Q = levels.length;
  const median = levels.indexOf(0.5);
  const layout = headLayout(windows);
  const weatherOutputs = layout.weatherTargets.length * Q;
  const pollutantOutputs = layout.pollutantTargets.length * Q;
  const outputs = weatherOutputs + pollutantOutputs;
  const loss = withExtras({ lossName: 'quantile', extras: [MASK_EXTRA] }, ({ targets, predictions, extras }) => {
    checkPredictions('quantile', predictions, outputs);
    checkTargets('quantile', targets, layout);
    return tf.tidy(() => {
      const heads = splitBatch(layout, targets, predictions, extras.mask, Q);
      const pollutant = headPinball(heads.pollutant, levels);
      return heads.weather === undefined ? pollutant : tf.add<tf.Scalar>(headPinball(heads.weather, levels), pollutant);
    });
  });
  const quantiles = (predictions: tf.Tensor2D): tf.Tensor3D => {
    checkPredictions('quantile', predictions, outputs);
    return tf.tidy(() => {
      const rows = predictions.shape[0];
      const elements = tf.reshape<tf.Rank.R3>(predictions, [rows, outputs / Q, Q]);
      // weather elements come first in the output, so the head-order gather applies to the whole [B, elements, Q]
      return toTargetOrder(layout, undefined, elements);
    });
  };
  return {
    name: 'quantile',
    weatherOutputs,
    pollutantOutputs,
    loss,
    extras: extrasProvider(windows),
    variables: [],
    quantileLevels: levels,
    quantiles,
    point(predictions: tf.Tensor2D): tf.Tensor2D {
      checkPredictions('quantile', predictions, outputs);
      return tf.tidy(() => {
        const q = quantiles(predictions);
        return tf.reshape<tf.Rank.R2>(tf.slice(q, [0, 0, median], [q.shape[0], q.shape[1], 1]), [q.shape[0], q.shape[1]]);
      });
    },
    dispose(): void {},
  };
}
