import * as tf from '@tensorflow/tfjs-core';
import { DataType as ArrowType, Precision } from 'apache-arrow';
import type { Table, Vector } from 'apache-arrow';

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
}

/** One batch as tensors; release it with {@link disposeBatch}. */
export interface Batch {
  readonly inputs: ModelInputs;
  readonly targets: tf.Tensor;
  /** Per-sample weights `[size]`, when the data set has them. */
  readonly weights: tf.Tensor1D | undefined;
  readonly size: number;
  /** Row indices (into the data set) this batch was gathered from. */
  readonly indices: Int32Array;
}

/** Disposes every tensor of a {@link Batch}. */
export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.inputs, batch.targets, ...(batch.weights === undefined ? [] : [batch.weights])]);
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

  /**
   * @throws TrainingError naming the array when row counts disagree, a shape is invalid, or a weight is negative,
   *   NaN or infinite.
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
    this.size = n;
    this.targetArray = targets;
    this.weightValues = spec.weights;
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
    });
  }

  /** The same rows with new per-sample weights (validated like the constructor's). */
  withWeights(weights: Float32Array | undefined): InMemoryDataset {
    return new InMemoryDataset({ inputs: this.inputs, targets: this.targets, ...(weights === undefined ? {} : { weights }) });
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

// ---------------------------------------------------------------------------------------------------------------------
// Arrow tables

/** A column used as a binary label: 1 where the value equals `equals`, else 0 (e.g. `{ column: 'y', equals: 'yes' }`). */
export interface IndicatorColumn {
  readonly column: string;
  readonly equals: string | number | boolean;
}

/** A numeric column by name, or an {@link IndicatorColumn}. */
export type ColumnSpec = string | IndicatorColumn;

/** Columns gathered into one input array, with an optional dtype (default: int32 when every column is integer-like). */
export type ArrowInputSpec = readonly ColumnSpec[] | { readonly columns: readonly ColumnSpec[]; readonly dtype?: 'float32' | 'int32' };

/** Options of {@link fromArrowTable}. */
export interface FromArrowTableOptions {
  /** Named inputs, each gathered from one or more columns (per-row shape `[columns.length]`), or one column list. */
  readonly inputs: Readonly<Record<string, ArrowInputSpec>> | readonly ColumnSpec[];
  /** One target column (per-row shape `[1]`) or several (`[k]`). */
  readonly target: ColumnSpec | readonly ColumnSpec[];
  /** dtype of the targets, default float32 (use int32 for class indices). */
  readonly targetDtype?: 'float32' | 'int32';
  /** Column of per-sample weights. */
  readonly weight?: string;
}

type ColumnKind = 'integer' | 'float';

function columnVector(table: Table, name: string, argument: string): Vector {
  const vector = table.getChild(name);
  if (vector === null) {
    const available = table.schema.fields.map((f) => f.name).join(', ');
    throw new TrainingError(argument, `column "${name}" is not in the table (columns: ${available})`);
  }
  return vector;
}

function kindOf(spec: ColumnSpec, table: Table, argument: string): ColumnKind {
  if (typeof spec !== 'string') return 'integer';
  const type: unknown = columnVector(table, spec, argument).type;
  if (ArrowType.isDictionary(type) || ArrowType.isBool(type)) return 'integer';
  if (ArrowType.isInt(type)) return 'integer';
  return 'float';
}

function nullError(column: string, row: number, argument: string): TrainingError {
  return new TrainingError(argument, `column "${column}" is null at row ${row} (0-based); fill or drop missing values first`);
}

/** Writes column `spec` into `out[row * stride + offset]` for every row. */
function fillColumn(table: Table, spec: ColumnSpec, out: RowValues, stride: number, offset: number, argument: string): void {
  if (typeof spec !== 'string') {
    const vector = columnVector(table, spec.column, argument);
    for (let row = 0; row < vector.length; row += 1) {
      const value: unknown = vector.get(row);
      if (value === null || value === undefined) throw nullError(spec.column, row, argument);
      out[row * stride + offset] = value === spec.equals ? 1 : 0;
    }
    return;
  }
  const vector = columnVector(table, spec, argument);
  const type: unknown = vector.type;
  const direct =
    ArrowType.isDictionary(type) ||
    (ArrowType.isInt(type) && type.bitWidth <= 32) ||
    (ArrowType.isFloat(type) && type.precision !== Precision.HALF); // half floats are stored as raw uint16
  const generic = ArrowType.isBool(type) || ArrowType.isInt(type) || ArrowType.isFloat(type);
  if (!direct && !generic) {
    throw new TrainingError(argument, `column "${spec}" has type ${String(type)}, not a number, boolean or category`);
  }
  let row = 0;
  for (const chunk of vector.data) {
    const values = chunk.values as ArrayLike<number>;
    for (let i = 0; i < chunk.length; i += 1, row += 1) {
      if (chunk.nullCount > 0 && !chunk.getValid(i)) throw nullError(spec, row, argument);
      let value: number;
      if (direct) {
        value = values[chunk.offset + i] as number;
      } else {
        value = Number(vector.get(row)); // booleans -> 0/1, int64 (bigint) -> number
      }
      out[row * stride + offset] = value;
    }
  }
}

function gatherColumns(
  table: Table,
  columns: readonly ColumnSpec[],
  dtype: 'float32' | 'int32',
  argument: string,
): FeatureArray {
  if (columns.length === 0) throw new TrainingError(argument, 'needs at least one column');
  const out = dtype === 'int32' ? new Int32Array(table.numRows * columns.length) : new Float32Array(table.numRows * columns.length);
  columns.forEach((spec, c) => fillColumn(table, spec, out, columns.length, c, argument));
  return { values: out, shape: [columns.length] };
}

/**
 * Builds an {@link InMemoryDataset} from an Arrow table (e.g. from `readCsvTable`): numeric, boolean and category
 * (dictionary; its integer codes are used) columns are gathered into row-major typed arrays.
 *
 * @throws TrainingError naming the column (and row) when a column is missing, not numeric, or holds a null.
 */
export function fromArrowTable(table: Table, options: FromArrowTableOptions): InMemoryDataset {
  const inputFor = (spec: ArrowInputSpec, argument: string): FeatureArray => {
    const columns = 'columns' in spec ? spec.columns : spec;
    const requested = 'columns' in spec ? spec.dtype : undefined;
    const dtype =
      requested ??
      (columns.length > 0 && columns.every((c) => kindOf(c, table, argument) === 'integer') ? 'int32' : 'float32');
    return gatherColumns(table, columns, dtype, argument);
  };
  const inputs = Array.isArray(options.inputs)
    ? inputFor(options.inputs as readonly ColumnSpec[], 'inputs')
    : Object.fromEntries(
        Object.entries(options.inputs as Readonly<Record<string, ArrowInputSpec>>).map(([name, spec]) => [
          name,
          inputFor(spec, `inputs.${name}`),
        ]),
      );
  const targetColumns: readonly ColumnSpec[] =
    typeof options.target === 'string' || !Array.isArray(options.target)
      ? [options.target as ColumnSpec]
      : (options.target as readonly ColumnSpec[]);
  const targets = gatherColumns(table, targetColumns, options.targetDtype ?? 'float32', 'target');
  let weights: Float32Array | undefined;
  if (options.weight !== undefined) {
    const w = gatherColumns(table, [options.weight], 'float32', 'weight');
    weights = w.values as Float32Array;
  }
  return new InMemoryDataset({ inputs, targets, ...(weights === undefined ? {} : { weights }) });
}
