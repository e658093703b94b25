import { DataType as ArrowType, Precision } from 'apache-arrow';
import type { Table, Vector } from 'apache-arrow';

import { TrainingError } from '../errors.js';
import { InMemoryDataset, type FeatureArray, type RowValues } from './dataset.js';

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
  /**
   * Named side inputs of the loss (`LossInputs.extras`): one column (row shape `[]`, one value per row) or a column
   * list as for `inputs` (row shape `[columns.length]`), float32 unless a dtype is given.
   */
  readonly extras?: Readonly<Record<string, ColumnSpec | ArrowInputSpec>>;
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
  const extras = Object.fromEntries(
    Object.entries(options.extras ?? {}).map(([name, spec]): [string, FeatureArray] => {
      const argument = `extras.${name}`;
      if (typeof spec === 'string' || 'column' in spec) {
        return [name, { values: gatherColumns(table, [spec], 'float32', argument).values, shape: [] }];
      }
      const [columns, dtype] = 'columns' in spec ? [spec.columns, spec.dtype ?? 'float32'] : [spec, 'float32' as const];
      return [name, gatherColumns(table, columns, dtype, argument)];
    }),
  );
  return new InMemoryDataset({
    inputs,
    targets,
    ...(weights === undefined ? {} : { weights }),
    ...(Object.keys(extras).length === 0 ? {} : { extras }),
  });
}
