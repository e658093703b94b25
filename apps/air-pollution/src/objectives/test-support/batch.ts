// Test-only: a batch of a split as the trainer hands it to a loss (targets and the objective's extra columns).
import type { LossInputs } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows } from '../../data/forecast-windows.js';
import type { Objective } from '../objective.js';

/** Plain rows of a batch: the first `rows` windows of a split (targets `[rows, H·V]` and each extra column). */
export interface PlainBatch {
  readonly rows: number;
  readonly targets: Float32Array;
  readonly width: number;
  readonly extras: Readonly<Record<string, { values: Float32Array; shape: readonly number[] }>>;
}

/** The first `rows` windows of `split` with the objective's extras (copies; change them freely). */
export function plainBatch(objective: Objective, windows: ForecastWindows, split: 'train' | 'validation', rows: number): PlainBatch {
  const width = windows.horizons.length * windows.targets.length;
  const columns = objective.extras(split);
  const extras = Object.fromEntries(
    Object.entries(columns).map(([name, column]) => {
      const size = column.shape.reduce((a, b) => a * b, 1);
      return [name, { values: column.values.slice(0, rows * size), shape: column.shape }];
    }),
  );
  return { rows, width, targets: windows[split].targets.slice(0, rows * width), extras };
}

/** The batch's tensors (dispose them with `tf.dispose`). */
export function batchTensors(batch: PlainBatch): { targets: tf.Tensor2D; extras: Record<string, tf.Tensor> } {
  return {
    targets: tf.tensor2d(batch.targets, [batch.rows, batch.width]),
    extras: Object.fromEntries(Object.entries(batch.extras).map(([name, c]) => [name, tf.tensor(c.values, [batch.rows, ...c.shape])])),
  };
}

/** The loss inputs of a batch for given predictions. */
export function lossInputs(tensors: { targets: tf.Tensor2D; extras: Record<string, tf.Tensor> }, predictions: tf.Tensor): LossInputs<string> {
  return { predictions, targets: tensors.targets, sampleWeights: undefined, extras: tensors.extras };
}

/** The objective's loss on a plain batch and plain predictions `[rows, outputs]`, as a number (no tensor left). */
export function lossOf(objective: Objective, batch: PlainBatch, predictions: ArrayLike<number>): number {
  const tensors = batchTensors(batch);
  const p = tf.tensor2d(Float32Array.from(predictions), [batch.rows, objective.weatherOutputs + objective.pollutantOutputs]);
  try {
    return tf.tidy(() => objective.loss(lossInputs(tensors, p)).dataSync()[0] ?? Number.NaN);
  } finally {
    tf.dispose([p, tensors.targets, ...Object.values(tensors.extras)]);
  }
}

/** Deterministic predictions `[rows, outputs]` in about [−1.5, 1.5]. */
export function somePredictions(rows: number, outputs: number, phase = 0): Float32Array {
  return Float32Array.from({ length: rows * outputs }, (_, k) => Math.fround(1.5 * Math.sin(0.7 * k + phase + 0.3)));
}
