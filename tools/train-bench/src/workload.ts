import { sigmoidCrossEntropy } from '@counterweight/core-losses';
import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError, type InMemoryDataset, type LossFunction, type TrainableModel } from '@counterweight/runtime';


/** Names of the benchmark workloads (issue 3; `nanogpt` from issue 18), in the order the bench runs them. */
export const WORKLOAD_NAMES = ['mlp', 'cnn', 'gpt', 'nanogpt', 'ctr'] as const;

/** One of {@link WORKLOAD_NAMES}. */
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

/** Options every workload factory takes. */
export interface WorkloadOptions {
  /** Seeds the initial weights and the synthetic data: the same seed gives identical weights and data. */
  readonly seed: number;
  /** Rows per batch; default: the workload's benchmark batch size. */
  readonly batchSize?: number;
  /** Whole batches in the synthetic data set (default 4). */
  readonly batches?: number;
}

/**
 * A benchmark workload: a freshly initialised model, its training loss and a synthetic in-memory data set of
 * `batches` whole batches. Train it with `train({ model, loss, train: data, batchSize, ... })` and an Adam optimiser.
 */
export interface Workload {
  readonly name: WorkloadName;
  readonly model: TrainableModel;
  /** The workload's loss (`validate: false`, for the hot loop); honours per-sample weights when given. */
  readonly loss: LossFunction;
  /** Name of the loss, e.g. `sigmoidCrossEntropy` (for reports). */
  readonly lossName: string;
  readonly data: InMemoryDataset;
  readonly batchSize: number;
  /** What one data-set row is (`sample`, `sequence`, `image`), for reports. */
  readonly rowUnit: string;
  /** Tokens per row for sequence workloads (throughput in tokens/s = rows/s × this); 1 otherwise. */
  readonly tokensPerRow: number;
  /** Releases the model's variables and any constant tensors; the workload is unusable afterwards. */
  dispose(): void;
}

/** A workload factory: `(options) => Workload`. */
export type WorkloadFactory = (options: WorkloadOptions) => Workload;

/** Default number of batches in a workload's synthetic data set. */
export const DEFAULT_BATCHES = 4;

/**
 * Checks a positive-integer option and returns it (or the default).
 * @throws ConfigError naming the option when the value is not a positive integer.
 */
export function positiveInteger(value: number | undefined, fallback: number, option: string): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 1) {
    throw new ConfigError(option, `must be a positive integer, got ${String(resolved)}`);
  }
  return resolved;
}

/** Sigmoid cross-entropy on one logit per row, batch mean (the mlp and ctr workloads' loss). */
export const binaryCrossEntropyLoss: LossFunction = ({ targets, predictions: logits, sampleWeights: weights }) =>
  sigmoidCrossEntropy(targets, logits, { reduction: 'mean', validate: false, ...weightOption(weights) }) as tf.Scalar;

/** Weights forwarded to a core-losses loss only when given (the trainer passes none without per-sample weights). */
export function weightOption(weights: tf.Tensor1D | undefined): { weights?: tf.Tensor1D } {
  return weights === undefined ? {} : { weights };
}
