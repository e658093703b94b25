import type { TaskWeighter } from '@counterweight/core-losses';
import type { LossFunction } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

/** The objectives this app compares; `mae` is the baseline. */
export const OBJECTIVE_NAMES = ['mae', 'fmae', 'uncertainty', 'igb', 'lds', 'balanced-mse', 'car', 'quantile'] as const;
/** One of {@link OBJECTIVE_NAMES}. */
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];

/** One extra column of a training or validation data set: values and the shape of one row. */
export interface ExtraColumn {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/**
 * A training objective built for one set of forecast windows. The model's output is `[B, weatherOutputs +
 * pollutantOutputs]` (weather head first); targets are the windows' normalised targets flattened to `[B, H·V]`
 * (`V` = weather targets then pollutant targets, horizon-major: index `h·V + v`).
 */
export interface Objective {
  readonly name: ObjectiveName;
  /** Outputs the weather head must have (`H · V_weather · per-target outputs`). */
  readonly weatherOutputs: number;
  /** Outputs the pollutant head must have. */
  readonly pollutantOutputs: number;
  /** The loss; reads the extra columns that {@link extras} supplies (by name). */
  readonly loss: LossFunction<string>;
  /** Extra columns (mask, per-element weights, …) of a split's data set, rows aligned with the split's windows. */
  extras(split: 'train' | 'validation'): Readonly<Record<string, ExtraColumn>>;
  /** Trainable variables of the objective (uncertainty log-variances); trained with the model's, may be empty. */
  readonly variables: readonly tf.Variable[];
  /**
   * The task weighter combining the weather and pollutant losses, when the objective has one (weights over training:
   * `weighter.report()`). The training loop must call `weighter.onEpochEnd(epoch)` after each epoch's training steps:
   * IGB (`igb`) takes its base losses there and keeps weights 1 without it; a no-op for `uncertainty`.
   */
  readonly weighter?: TaskWeighter;
  /** Point forecast `[B, H·V]` in normalised units from the model output (the median for `quantile`). */
  point(predictions: tf.Tensor2D): tf.Tensor2D;
  /** Quantile levels of {@link quantiles} (`quantile` only). */
  readonly quantileLevels?: readonly number[];
  /** Quantile forecasts `[B, H·V, Q]` in normalised units, levels ascending, crossings not yet repaired (`quantile` only). */
  quantiles?(predictions: tf.Tensor2D): tf.Tensor3D;
  /** Frees the objective's variables and tensors. */
  dispose(): void;
}
