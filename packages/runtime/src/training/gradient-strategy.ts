import * as tf from '@tensorflow/tfjs-core';

import type { SeededRandom } from '../random.js';
import { disposeBatch, type Batch, type InMemoryDataset } from './dataset.js';
import { checkScalar, type LossFunction } from './loss-inputs.js';
import type { SchedulePosition } from './lr-schedule.js';
import type { TrainableModel } from './model.js';

/** Loss and gradients of one training step. */
export interface StepGradients {
  /**
   * The loss at the current weights `w`: of the batch, the shard-weighted mean of the shards' losses (data-parallel),
   * or the first pass at `w` (weight perturbation).
   */
  readonly loss: number;
  /** With weight perturbation: the loss at the perturbed weights `w + ε`. */
  readonly perturbedLoss?: number;
  /** One gradient per trainable variable, in the model's order (zeros for unused variables); the caller disposes them. */
  readonly grads: tf.Tensor[];
  /** Rows the step covered. */
  readonly rows: number;
}

/** What one step computes gradients of. */
export interface StepRequest {
  /** The rows of the epoch in progress (`train`, or what `trainAtEpoch` returned). */
  readonly data: InMemoryDataset;
  /** Indices into `data` of this step's batch. */
  readonly rows: Int32Array;
  /** The epoch's objective. */
  readonly loss: LossFunction<string>;
  /** The step's schedule position (`step`: global steps before this one; `epoch` 0-based). */
  readonly position: SchedulePosition;
}

/**
 * How a step turns a batch into gradients: plainly ({@link plainGradients}), at SAM/AWP-perturbed weights
 * (`perturbedGradients`) or split over worker threads (`dataParallelGradients`). The trainer applies clipping and
 * the optimiser to what it returns.
 */
export interface GradientStrategy {
  gradients(request: StepRequest): Promise<StepGradients>;
  /** Releases what the strategy holds (worker threads); idempotent. */
  close(): Promise<void>;
}

/**
 * The objective of one batch as a closure for `tf.variableGrads`: the model's forward pass in training mode (drawing
 * from `random`), the loss over predictions, targets, weights and extras, plus the model's regularisation loss.
 */
export function batchObjective(model: TrainableModel, loss: LossFunction<string>, batch: Batch, random: SeededRandom): () => tf.Scalar {
  return () => {
    const predictions = model.predict(batch.inputs, { training: true, random });
    const value = checkScalar(
      loss({ predictions, targets: batch.targets, sampleWeights: batch.weights, extras: batch.extras }),
      'loss',
    );
    const penalty = model.regularizationLoss?.();
    return penalty === undefined ? value : tf.add(value, penalty);
  };
}

/**
 * Runs `compute` on the tensors of `rows` of `data` and disposes them afterwards, whatever happens.
 */
export async function withBatch<T>(data: InMemoryDataset, rows: Int32Array, compute: (batch: Batch) => Promise<T>): Promise<T> {
  const batch = data.gather(rows);
  try {
    return await compute(batch);
  } finally {
    disposeBatch(batch);
  }
}

/**
 * Plain steps: `tf.variableGrads` of the batch objective over the trainable variables, on this thread. Gradients of
 * variables the loss does not reach are zeros, keeping the optimiser's slot positions aligned.
 */
export function plainGradients(model: TrainableModel, random: SeededRandom): GradientStrategy {
  const trainable = [...model.trainableVariables];
  return {
    gradients: (request) =>
      withBatch(request.data, request.rows, async (batch) => {
        const { value, grads } = tf.variableGrads(batchObjective(model, request.loss, batch, random), trainable);
        try {
          const loss = (await value.data())[0] as number;
          return { loss, grads: trainable.map((v) => grads[v.name] ?? tf.zerosLike(v)), rows: batch.size };
        } finally {
          value.dispose();
        }
      }),
    close: () => Promise.resolve(),
  };
}
