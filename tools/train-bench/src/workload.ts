import { sigmoidCrossEntropy } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../errors.js';
import type { SeededRandom } from '../random.js';
import type { InMemoryDataset } from '../training/dataset.js';
import type { TrainableModel } from '../training/model.js';
import type { LossFunction } from '../training/trainer.js';

/** Names of the benchmark workloads (issue 3), in the order the bench runs them. */
export const WORKLOAD_NAMES = ['mlp', 'cnn', 'gpt', 'ctr'] as const;

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

/**
 * Creates named trainable variables from seeded initial values. Values are drawn in JavaScript from `random`, so the
 * same seed gives bitwise the same weights on every backend.
 */
export class VariableBuilder {
  private readonly created: Record<string, tf.Variable> = {};

  constructor(private readonly random: SeededRandom) {}

  /** Every variable built so far, by checkpoint name, in creation order. */
  get variables(): Readonly<Record<string, tf.Variable>> {
    return this.created;
  }

  /** Glorot (Xavier) uniform: U(±√(6 / (fanIn + fanOut))), the Keras default for dense and conv kernels. */
  glorotUniform(name: string, shape: readonly number[], fanIn: number, fanOut: number): tf.Variable {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.fromValues(name, shape, this.random.uniformArray(sizeOf(shape), -limit, limit));
  }

  /** Normal(0, std) values, e.g. std 0.02 for transformer embeddings. */
  normal(name: string, shape: readonly number[], std: number): tf.Variable {
    return this.fromValues(name, shape, this.random.normalArray(sizeOf(shape), 0, std));
  }

  /** Uniform in [low, high). */
  uniform(name: string, shape: readonly number[], low: number, high: number): tf.Variable {
    return this.fromValues(name, shape, this.random.uniformArray(sizeOf(shape), low, high));
  }

  /** A constant fill (biases: 0, LayerNorm gains: 1). */
  constant(name: string, shape: readonly number[], value: number): tf.Variable {
    return this.fromValues(name, shape, new Float32Array(sizeOf(shape)).fill(value));
  }

  /** Disposes every variable built. */
  dispose(): void {
    for (const variable of Object.values(this.created)) variable.dispose();
  }

  private fromValues(name: string, shape: readonly number[], values: Float32Array): tf.Variable {
    if (this.created[name] !== undefined) throw new ConfigError(name, 'variable is created twice');
    // tidy releases the initial-value tensor; the variable survives it.
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, [...shape], 'float32'), true));
    this.created[name] = variable;
    return variable;
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A dense layer `x·W + b` with an optional ReLU, as one fused matMul (the `_FusedMatMul` kernel). `x` must be 2-D
 * `[rows, fanIn]`; `kernel` is `[fanIn, units]`.
 */
export function dense(x: tf.Tensor, kernel: tf.Tensor2D, bias: tf.Tensor1D, relu = false): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: kernel, bias, activation: relu ? 'relu' : 'linear' }) as tf.Tensor2D;
}

/** Kernel and bias of one dense layer. */
export interface DenseLayer {
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
}

/**
 * Dense layers `widths[0] → widths[1] → … → widths[n]` with Glorot-uniform kernels and zero biases, named
 * `dense<i>/kernel` and `dense<i>/bias`.
 */
export function denseLayers(init: VariableBuilder, widths: readonly number[]): DenseLayer[] {
  return widths.slice(1).map((units, i) => {
    const fanIn = widths[i] ?? 0;
    return {
      kernel: init.glorotUniform(`dense${i}/kernel`, [fanIn, units], fanIn, units) as tf.Variable<tf.Rank.R2>,
      bias: init.constant(`dense${i}/bias`, [units], 0) as tf.Variable<tf.Rank.R1>,
    };
  });
}

/** Applies dense layers in order, ReLU after every layer but the last (which returns logits). */
export function denseStack(x: tf.Tensor, layers: readonly DenseLayer[]): tf.Tensor2D {
  let h = x as tf.Tensor2D;
  layers.forEach(({ kernel, bias }, i) => {
    h = dense(h, kernel, bias, i < layers.length - 1);
  });
  return h;
}

/** Sigmoid cross-entropy on one logit per row, batch mean (the mlp and ctr workloads' loss). */
export const binaryCrossEntropyLoss: LossFunction = (targets, logits, weights) =>
  sigmoidCrossEntropy(targets, logits, { reduction: 'mean', validate: false, ...weightOption(weights) }) as tf.Scalar;

/** Weights forwarded to a core-losses loss only when given (the trainer passes none without per-sample weights). */
export function weightOption(weights: tf.Tensor1D | undefined): { weights?: tf.Tensor1D } {
  return weights === undefined ? {} : { weights };
}
