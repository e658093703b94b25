import * as tf from '@tensorflow/tfjs-core';

import { TrainingError } from '../errors.js';
import { SeededRandom } from '../random.js';
import type { ModelInputs } from './model.js';

/** Row-major values of one array of a data set. */
export type RowValues = Float32Array | Int32Array;

/** One array of a data set: `values` holds `rows x prod(shape)` numbers, row after row. */
export interface FeatureArray {
  readonly values: RowValues;
  /** Shape of one row, e.g. `[9]` for nine features, `[28, 28, 1]` for an image, `[]` for a scalar per row. */
  readonly shape: readonly number[];
}

/** Arrays that make up an in-memory data set; every array must have the same number of rows. */
export interface DatasetSpec {
  /** One input array, or named arrays for a multi-input model. */
  readonly inputs: FeatureArray | Readonly<Record<string, FeatureArray>>;
  readonly targets: FeatureArray;
  /** Optional per-sample weights, finite and >= 0, one per row. */
  readonly weights?: Float32Array;
  /**
   * Named side inputs of the loss, one row per data-set row, sliced and shuffled with the rows and handed to the loss
   * as `LossInputs.extras` (e.g. `{ bids: { values, shape: [slots] }, mask: { values, shape: [slots] } }`); see
   * `EXTRA_NAMES` for the conventional names. Never pack them into `targets`.
   */
  readonly extras?: Readonly<Record<string, FeatureArray>>;
}

/** One batch as tensors; release it with {@link disposeBatch}. */
export interface Batch {
  readonly inputs: ModelInputs;
  readonly targets: tf.Tensor;
  /** Per-sample weights `[size]`, when the data set has them. */
  readonly weights: tf.Tensor1D | undefined;
  /** The extra columns by name, each `[size, ...row shape]` (empty when the data set has none). */
  readonly extras: Readonly<Record<string, tf.Tensor>>;
  readonly size: number;
  /** Row indices (into the data set) this batch was gathered from. */
  readonly indices: Int32Array;
}

/** Disposes every tensor of a {@link Batch}. */
export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.inputs, batch.targets, ...Object.values(batch.extras), ...(batch.weights === undefined ? [] : [batch.weights])]);
}

/** Options of {@link InMemoryDataset.batches}. */
export interface BatchOptions {
  readonly batchSize: number;
  /** Keep the last, smaller batch (default) or drop it. */
  readonly dropRemainder?: boolean;
  /** Shuffle with {@link InMemoryDataset.epochOrder}(seed, epoch); without a seed, rows come in order. */
  readonly seed?: number;
  readonly epoch?: number;
  /** First batch to produce (for resuming inside an epoch); default 0. */
  readonly startBatch?: number;
}

function rowSize(shape: readonly number[], argument: string): number {
  let size = 1;
  for (const [axis, dim] of shape.entries()) {
    if (!Number.isInteger(dim) || dim < 1) {
      throw new TrainingError(`${argument}.shape`, `dimension ${axis} must be a positive integer, got ${dim}`);
    }
    size *= dim;
  }
  return size;
}

function isFeatureArray(value: unknown): value is FeatureArray {
  return typeof value === 'object' && value !== null && ArrayBuffer.isView((value as { values?: unknown }).values);
}

interface CheckedArray {
  readonly values: RowValues;
  readonly shape: readonly number[];
  readonly width: number;
  readonly dtype: 'float32' | 'int32';
}

function checkArray(array: FeatureArray, argument: string): CheckedArray & { rows: number } {
  if (!(array.values instanceof Float32Array) && !(array.values instanceof Int32Array)) {
    throw new TrainingError(`${argument}.values`, 'must be a Float32Array or an Int32Array');
  }
  const width = rowSize(array.shape, argument);
  if (array.values.length % width !== 0) {
    throw new TrainingError(
      argument,
      `has ${array.values.length} values, not a multiple of the row size ${width} (shape [${array.shape.join(', ')}])`,
    );
  }
  return {
    values: array.values,
    shape: [...array.shape],
    width,
    dtype: array.values instanceof Int32Array ? 'int32' : 'float32',
    rows: array.values.length / width,
  };
}

function gatherRows(source: CheckedArray, indices: Int32Array): RowValues {
  const { width } = source;
  const out = source.dtype === 'int32' ? new Int32Array(indices.length * width) : new Float32Array(indices.length * width);
  if (width === 1) {
    for (let r = 0; r < indices.length; r += 1) out[r] = source.values[indices[r] as number] as number;
  } else {
    for (let r = 0; r < indices.length; r += 1) {
      const start = (indices[r] as number) * width;
      out.set(source.values.subarray(start, start + width), r * width);
    }
  }
  return out;
}

function arrayTensor(source: CheckedArray, indices: Int32Array): tf.Tensor {
  return tf.tensor(gatherRows(source, indices), [indices.length, ...source.shape], source.dtype);
}

/**
 * An in-memory data set of typed arrays, batched into tensors on demand. Shuffling is a pure function of
 * `(seed, epoch)`, so a run resumed from a checkpoint replays exactly the same batches.
 */
export class InMemoryDataset {
  /** Number of rows. */
  readonly size: number;
  private readonly single: CheckedArray | undefined;
  private readonly named: ReadonlyMap<string, CheckedArray>;
  private readonly targetArray: CheckedArray;
  private readonly weightValues: Float32Array | undefined;
  private readonly extraArrays: ReadonlyMap<string, CheckedArray>;

  /**
   * @throws TrainingError naming the array when row counts disagree, a shape is invalid, a weight is negative,
   *   NaN or infinite, or an extra column has an empty name.
   */
  constructor(spec: DatasetSpec) {
    const targets = checkArray(spec.targets, 'targets');
    const n = targets.rows;
    if (n === 0) throw new TrainingError('targets', 'the data set has no rows');
    const agree = (array: { rows: number }, argument: string): void => {
      if (array.rows !== n) {
        throw new TrainingError(argument, `has ${array.rows} rows but targets has ${n}`);
      }
    };
    if (isFeatureArray(spec.inputs)) {
      const input = checkArray(spec.inputs, 'inputs');
      agree(input, 'inputs');
      this.single = input;
      this.named = new Map();
    } else {
      const entries = Object.entries(spec.inputs);
      if (entries.length === 0) throw new TrainingError('inputs', 'must hold at least one array');
      const named = new Map<string, CheckedArray>();
      for (const [name, array] of entries) {
        if (!isFeatureArray(array)) {
          throw new TrainingError(`inputs.${name}`, 'must be { values: Float32Array | Int32Array, shape: number[] }');
        }
        const checked = checkArray(array, `inputs.${name}`);
        agree(checked, `inputs.${name}`);
        named.set(name, checked);
      }
      this.single = undefined;
      this.named = named;
    }
    if (spec.weights !== undefined) {
      if (!(spec.weights instanceof Float32Array)) throw new TrainingError('weights', 'must be a Float32Array');
      if (spec.weights.length !== n) {
        throw new TrainingError('weights', `has ${spec.weights.length} rows but targets has ${n}`);
      }
      for (let i = 0; i < n; i += 1) {
        const w = spec.weights[i] as number;
        if (!Number.isFinite(w) || w < 0) {
          throw new TrainingError(`weights[${i}]`, `must be finite and >= 0, got ${w}`);
        }
      }
    }
    const extras = new Map<string, CheckedArray>();
    for (const [name, array] of Object.entries(spec.extras ?? {})) {
      if (name === '') throw new TrainingError('extras', 'column names must not be empty');
      if (!isFeatureArray(array)) {
        throw new TrainingError(`extras.${name}`, 'must be { values: Float32Array | Int32Array, shape: number[] }');
      }
      const checked = checkArray(array, `extras.${name}`);
      agree(checked, `extras.${name}`);
      extras.set(name, checked);
    }
    this.size = n;
    this.targetArray = targets;
    this.weightValues = spec.weights;
    this.extraArrays = extras;
  }

  /** Names of the inputs, or undefined for a single unnamed input. */
  get inputNames(): readonly string[] | undefined {
    return this.single === undefined ? [...this.named.keys()] : undefined;
  }

  /** Whether rows carry per-sample weights. */
  get hasWeights(): boolean {
    return this.weightValues !== undefined;
  }

  /** The per-sample weights (not a copy), if any. */
  get weights(): Float32Array | undefined {
    return this.weightValues;
  }

  /** Target values (not a copy) and the shape of one row. */
  get targets(): FeatureArray {
    return { values: this.targetArray.values, shape: this.targetArray.shape };
  }

  /** Names of the extra columns (empty when there are none). */
  get extraNames(): readonly string[] {
    return [...this.extraArrays.keys()];
  }

  /** The extra columns (not copies) by name. */
  get extras(): Readonly<Record<string, FeatureArray>> {
    return Object.fromEntries([...this.extraArrays].map(([name, a]) => [name, { values: a.values, shape: a.shape }]));
  }

  /** Input arrays (not copies): one {@link FeatureArray}, or a record of them. */
  get inputs(): FeatureArray | Readonly<Record<string, FeatureArray>> {
    if (this.single !== undefined) return { values: this.single.values, shape: this.single.shape };
    return Object.fromEntries([...this.named].map(([name, a]) => [name, { values: a.values, shape: a.shape }]));
  }

  /** Number of batches of `batchSize` rows per epoch. */
  batchCount(batchSize: number, dropRemainder = false): number {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new TrainingError('batchSize', `must be a positive integer, got ${batchSize}`);
    }
    const count = dropRemainder ? Math.floor(this.size / batchSize) : Math.ceil(this.size / batchSize);
    if (count === 0) {
      throw new TrainingError('batchSize', `${batchSize} exceeds the ${this.size} rows and dropRemainder is set`);
    }
    return count;
  }

  /**
   * The row order of one epoch: a permutation drawn from `SeededRandom.fromSeed(seed, 'shuffle', epoch)`, a pure
   * function of its arguments. Without a seed, rows in order.
   */
  epochOrder(seed: number | undefined, epoch: number): Int32Array {
    if (seed === undefined) return Int32Array.from({ length: this.size }, (_, i) => i);
    return SeededRandom.fromSeed(seed, 'shuffle', epoch).permutation(this.size);
  }

  /** Rows of batch `index` of an epoch order (a view into `order`). */
  static batchRows(order: Int32Array, index: number, batchSize: number): Int32Array {
    return order.subarray(index * batchSize, Math.min(order.length, (index + 1) * batchSize));
  }

  /** Tensors for the given rows; the caller disposes them ({@link disposeBatch}). */
  gather(indices: Int32Array): Batch {
    for (const index of indices) {
      if (!(index >= 0 && index < this.size)) {
        throw new TrainingError('indices', `row ${index} is outside 0..${this.size - 1}`);
      }
    }
    // Every tensor below is created directly from a typed array (no intermediates), so no tidy is needed.
    const inputs: ModelInputs =
      this.single === undefined
        ? Object.fromEntries([...this.named].map(([name, a]) => [name, arrayTensor(a, indices)]))
        : arrayTensor(this.single, indices);
    const weights =
      this.weightValues === undefined ? undefined : tf.tensor1d(gatherRows1d(this.weightValues, indices), 'float32');
    return {
      inputs,
      targets: arrayTensor(this.targetArray, indices),
      weights,
      extras: Object.fromEntries([...this.extraArrays].map(([name, a]) => [name, arrayTensor(a, indices)])),
      size: indices.length,
      indices: Int32Array.from(indices),
    };
  }

  /** Yields the batches of one epoch; each must be disposed by the consumer. */
  *batches(options: BatchOptions): Generator<Batch, void, undefined> {
    const count = this.batchCount(options.batchSize, options.dropRemainder);
    const order = this.epochOrder(options.seed, options.epoch ?? 0);
    for (let b = options.startBatch ?? 0; b < count; b += 1) {
      yield this.gather(InMemoryDataset.batchRows(order, b, options.batchSize));
    }
  }

  /** A new data set holding the given rows (copied), in that order; e.g. for train/validation splits. */
  subset(indices: ArrayLike<number>): InMemoryDataset {
    const rows = Int32Array.from(indices);
    for (const index of rows) {
      if (!(index >= 0 && index < this.size)) {
        throw new TrainingError('indices', `row ${index} is outside 0..${this.size - 1}`);
      }
    }
    const pick = (a: CheckedArray): FeatureArray => ({ values: gatherRows(a, rows), shape: a.shape });
    return new InMemoryDataset({
      inputs:
        this.single === undefined
          ? Object.fromEntries([...this.named].map(([name, a]) => [name, pick(a)]))
          : pick(this.single),
      targets: pick(this.targetArray),
      ...(this.weightValues === undefined ? {} : { weights: gatherRows1d(this.weightValues, rows) }),
      ...(this.extraArrays.size === 0
        ? {}
        : { extras: Object.fromEntries([...this.extraArrays].map(([name, a]) => [name, pick(a)])) }),
    });
  }

  /** The same rows with new per-sample weights (validated like the constructor's); inputs, targets and extras shared. */
  withWeights(weights: Float32Array | undefined): InMemoryDataset {
    return new InMemoryDataset({
      inputs: this.inputs,
      targets: this.targets,
      ...(weights === undefined ? {} : { weights }),
      ...(this.extraArrays.size === 0 ? {} : { extras: this.extras }),
    });
  }

  /**
   * The same rows with the given extra columns added (or replaced, by name); validated like the constructor's.
   * Inputs, targets, weights and the other extras are shared, not copied.
   */
  withExtraColumns(extras: Readonly<Record<string, FeatureArray>>): InMemoryDataset {
    return new InMemoryDataset({
      inputs: this.inputs,
      targets: this.targets,
      ...(this.weightValues === undefined ? {} : { weights: this.weightValues }),
      extras: { ...this.extras, ...extras },
    });
  }

  /**
   * Whole-set tensors of the targets, weights and extras (no inputs), e.g. for a loss over all rows; the caller
   * disposes them.
   */
  columnTensors(): Omit<Batch, 'inputs' | 'indices' | 'size'> {
    const whole = (a: CheckedArray): tf.Tensor => tf.tensor(a.values, [this.size, ...a.shape], a.dtype);
    return {
      targets: whole(this.targetArray),
      weights: this.weightValues === undefined ? undefined : tf.tensor1d(this.weightValues, 'float32'),
      extras: Object.fromEntries([...this.extraArrays].map(([name, a]) => [name, whole(a)])),
    };
  }
}

function gatherRows1d(values: Float32Array, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length);
  for (let r = 0; r < indices.length; r += 1) out[r] = values[indices[r] as number] as number;
  return out;
}

/** Creates an {@link InMemoryDataset}; see its constructor for validation. */
export function createDataset(spec: DatasetSpec): InMemoryDataset {
  return new InMemoryDataset(spec);
}
