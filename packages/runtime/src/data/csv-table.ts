import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

import {
  Dictionary,
  Field,
  Float32,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
  type DataType,
} from 'apache-arrow';
import { CsvError, parse } from 'csv-parse';

import { ConfigError, DataFileError } from '../errors.js';

/**
 * Column types {@link readCsvTable} can produce, each with a fixed Arrow type (never inferred):
 * - `float32` -> Arrow `Float32`, `float64` -> `Float64`: decimal or scientific notation, `Infinity`/`-Infinity`,
 *   and `NaN` when it is not listed in `naValues`. Surrounding spaces are allowed; hex, binary and blank are not.
 *   A finite value beyond the float32 range is an error rather than a silent `Infinity`.
 * - `int32` -> `Int32`: an optional sign and decimal digits only (`3.0` is an error), within the 32-bit range.
 * - `category` -> `Dictionary<Utf8, Int32>`: the text as is; categories in order of first appearance unless an explicit
 *   `categories` list is given, in which case any other value is an error.
 * - `utf8` -> `Utf8`: the text as is.
 */
export type CsvColumnType = 'float32' | 'float64' | 'int32' | 'category' | 'utf8';

/**
 * One column of a {@link CsvSchema}: a {@link CsvColumnType}, or an object with the type and
 * - `nullable` (default `false`): whether values listed in `naValues` become Arrow nulls. In a non-nullable column an NA
 *   value is an error.
 * - `categories` (only for `category`): the complete, ordered list of allowed categories; dictionary index `i` is
 *   `categories[i]` whether or not every category occurs in the file.
 */
export type CsvColumnSpec =
  | CsvColumnType
  | { readonly type: Exclude<CsvColumnType, 'category'>; readonly nullable?: boolean }
  | { readonly type: 'category'; readonly nullable?: boolean; readonly categories?: readonly string[] };

/** An explicit schema: CSV header name -> column spec. The table's columns follow the schema's key order. */
export type CsvSchema = Readonly<Record<string, CsvColumnSpec>>;

/** The Arrow type produced for each {@link CsvColumnType}. */
export interface CsvArrowTypes {
  float32: Float32;
  float64: Float64;
  int32: Int32;
  category: Dictionary<Utf8, Int32>;
  utf8: Utf8;
}

type ColumnTypeOf<S> = S extends CsvColumnType ? S : S extends { readonly type: infer T extends CsvColumnType } ? T : never;

/** The Arrow type map of the table {@link readCsvTable} returns for schema `S`. */
export type CsvTableTypes<S extends CsvSchema> = { [K in keyof S & string]: CsvArrowTypes[ColumnTypeOf<S[K]>] };

/** Options of {@link readCsvTable}. */
export interface ReadCsvTableOptions<S extends CsvSchema> {
  /** The columns to read and their types. Header columns not listed here are skipped. Must not be empty. */
  readonly columns: S;
  /** Field values (compared exactly, after CSV unquoting) that mean "missing". Default `['', 'NA', 'NaN', 'null']`. */
  readonly naValues?: readonly string[];
  /** Field delimiter. Default `','`. */
  readonly delimiter?: string;
  /** Read at most this many data rows (a non-negative integer). Default: all rows. */
  readonly limit?: number;
}

/** The default `naValues` of {@link readCsvTable}. */
export const DEFAULT_NA_VALUES: readonly string[] = ['', 'NA', 'NaN', 'null'];

const INITIAL_CAPACITY = 1024;
const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT_PATTERN = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Infinity)\s*$|^\s*NaN\s*$/;
const INT_PATTERN = /^\s*[+-]?\d+\s*$/;

function quoteValue(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
}

/**
 * Parses a float field strictly (see {@link CsvColumnType}); undefined if it is not a number. Fields made only of
 * digits, `.`, `+`, `-`, `e`, `E` are exactly the decimal literals `Number()` accepts, so they skip the regular
 * expression (the common case, and about twice as fast); anything else must match {@link FLOAT_PATTERN}.
 */
function parseDecimal(raw: string): number | undefined {
  let digit = false;
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) digit = true;
    else if (c !== 46 && c !== 43 && c !== 45 && c !== 101 && c !== 69) return FLOAT_PATTERN.test(raw) ? Number(raw) : undefined;
  }
  if (!digit) return undefined;
  const value = Number(raw);
  return Number.isNaN(value) ? undefined : value;
}

type NumberArray = Float32Array | Float64Array | Int32Array;

function grown<T extends NumberArray | Uint8Array>(array: T, minLength: number): T {
  let length = Math.max(array.length * 2, INITIAL_CAPACITY);
  while (length < minLength) length *= 2;
  const next = new (array.constructor as new (length: number) => T)(length);
  next.set(array);
  return next;
}

/** A validity bitmap (bit set = valid, least significant bit first), grown as rows arrive. */
class ValidityBuilder {
  private bits = new Uint8Array(INITIAL_CAPACITY / 8);
  nullCount = 0;

  append(index: number, valid: boolean): void {
    const byte = index >> 3;
    if (byte >= this.bits.length) this.bits = grown(this.bits, byte + 1);
    if (valid) this.bits[byte] = (this.bits[byte] ?? 0) | (1 << (index & 7));
    else this.nullCount += 1;
  }

  finish(length: number): Uint8Array | undefined {
    return this.nullCount === 0 ? undefined : this.bits.slice(0, (length + 7) >> 3);
  }
}

interface ColumnBuilder {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  /** Appends the field of the next row; returns what is wrong with it (the reader adds file, row and column). */
  append(raw: string): string | undefined;
  finish(): Data;
}

abstract class BaseBuilder {
  protected length = 0;
  protected readonly validity: ValidityBuilder | undefined;

  constructor(
    readonly name: string,
    readonly nullable: boolean,
    protected readonly naValues: ReadonlySet<string>,
  ) {
    this.validity = nullable ? new ValidityBuilder() : undefined;
  }

  /** Records a null if `raw` is NA: true if it was, false if not, a message if NA is not allowed here. */
  protected appendNa(raw: string): string | boolean {
    if (!this.naValues.has(raw)) return false;
    if (this.validity === undefined) return `missing value ${quoteValue(raw)} in a column that is not nullable`;
    this.validity.append(this.length, false);
    return true;
  }
}

class NumberBuilder extends BaseBuilder implements ColumnBuilder {
  private values: NumberArray;

  constructor(
    name: string,
    nullable: boolean,
    naValues: ReadonlySet<string>,
    readonly type: Float32 | Float64 | Int32,
    private readonly kind: 'float32' | 'float64' | 'int32',
  ) {
    super(name, nullable, naValues);
    this.values = kind === 'float32' ? new Float32Array(INITIAL_CAPACITY) : kind === 'float64' ? new Float64Array(INITIAL_CAPACITY) : new Int32Array(INITIAL_CAPACITY);
  }

  append(raw: string): string | undefined {
    if (this.length === this.values.length) this.values = grown(this.values, this.length + 1);
    const na = this.appendNa(raw);
    if (na !== false) {
      if (na !== true) return na;
      this.length += 1;
      return undefined;
    }
    let value: number;
    if (this.kind === 'int32') {
      value = INT_PATTERN.test(raw) ? Number(raw) : Number.NaN;
      if (!(value >= -2147483648 && value <= 2147483647)) {
        return `cannot parse ${quoteValue(raw)} as int32`;
      }
    } else {
      const parsed = parseDecimal(raw);
      if (parsed === undefined) return `cannot parse ${quoteValue(raw)} as ${this.kind}`;
      value = parsed;
      if (this.kind === 'float32' && Number.isFinite(value) && Math.abs(value) > FLOAT32_MAX) {
        return `${quoteValue(raw)} is outside the float32 range`;
      }
    }
    this.values[this.length] = value;
    this.validity?.append(this.length, true);
    this.length += 1;
    return undefined;
  }

  finish(): Data {
    const nullBitmap = this.validity?.finish(this.length);
    const nullCount = this.validity?.nullCount ?? 0;
    const data = this.values.slice(0, this.length);
    if (this.type instanceof Int32) {
      return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, data: data as Int32Array });
    }
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, data: data as Float32Array });
  }
}

const encoder = new TextEncoder();

class Utf8Builder extends BaseBuilder implements ColumnBuilder {
  readonly type = new Utf8();
  private bytes = new Uint8Array(INITIAL_CAPACITY * 8);
  private byteLength = 0;
  private offsets = new Int32Array(INITIAL_CAPACITY + 1);

  append(raw: string): string | undefined {
    if (this.length + 1 >= this.offsets.length) this.offsets = grown(this.offsets, this.length + 2);
    const na = this.appendNa(raw);
    if (na !== false) {
      if (na !== true) return na;
    } else {
      const needed = this.byteLength + raw.length * 3;
      if (needed > this.bytes.length) this.bytes = grown(this.bytes, needed);
      this.byteLength += encoder.encodeInto(raw, this.bytes.subarray(this.byteLength)).written;
      if (this.byteLength > 0x7fffffff) return 'column holds more than 2 GiB of text';
      this.validity?.append(this.length, true);
    }
    this.length += 1;
    this.offsets[this.length] = this.byteLength;
    return undefined;
  }

  finish(): Data {
    return makeData({
      type: this.type,
      length: this.length,
      nullCount: this.validity?.nullCount ?? 0,
      nullBitmap: this.validity?.finish(this.length),
      valueOffsets: this.offsets.slice(0, this.length + 1),
      data: this.bytes.slice(0, this.byteLength),
    });
  }
}

class CategoryBuilder extends BaseBuilder implements ColumnBuilder {
  readonly type = new Dictionary(new Utf8(), new Int32());
  private indices = new Int32Array(INITIAL_CAPACITY);
  private readonly codes = new Map<string, number>();
  private readonly fixed: boolean;

  constructor(name: string, nullable: boolean, naValues: ReadonlySet<string>, categories: readonly string[] | undefined) {
    super(name, nullable, naValues);
    this.fixed = categories !== undefined;
    for (const category of categories ?? []) this.codes.set(category, this.codes.size);
  }

  append(raw: string): string | undefined {
    if (this.length === this.indices.length) this.indices = grown(this.indices, this.length + 1);
    const na = this.appendNa(raw);
    if (na !== false) {
      if (na !== true) return na;
      this.length += 1;
      return undefined;
    }
    let code = this.codes.get(raw);
    if (code === undefined) {
      if (this.fixed) {
        const known = [...this.codes.keys()];
        const listed = known.slice(0, 20).map(quoteValue).join(', ') + (known.length > 20 ? ', ...' : '');
        return `${quoteValue(raw)} is not one of the ${known.length} categories (${listed})`;
      }
      code = this.codes.size;
      this.codes.set(raw, code);
    }
    this.indices[this.length] = code;
    this.validity?.append(this.length, true);
    this.length += 1;
    return undefined;
  }

  finish(): Data {
    return makeData({
      type: this.type,
      length: this.length,
      nullCount: this.validity?.nullCount ?? 0,
      nullBitmap: this.validity?.finish(this.length),
      data: this.indices.slice(0, this.length),
      dictionary: vectorFromArray([...this.codes.keys()], new Utf8()),
    });
  }
}

function makeBuilder(name: string, spec: CsvColumnSpec, naValues: ReadonlySet<string>): ColumnBuilder {
  const normalized: Exclude<CsvColumnSpec, CsvColumnType> = typeof spec === 'string' ? { type: spec } : spec;
  const nullable = normalized.nullable ?? false;
  switch (normalized.type) {
    case 'float32':
      return new NumberBuilder(name, nullable, naValues, new Float32(), 'float32');
    case 'float64':
      return new NumberBuilder(name, nullable, naValues, new Float64(), 'float64');
    case 'int32':
      return new NumberBuilder(name, nullable, naValues, new Int32(), 'int32');
    case 'utf8':
      return new Utf8Builder(name, nullable, naValues);
    case 'category': {
      const categories = 'categories' in normalized ? normalized.categories : undefined;
      if (categories !== undefined && new Set(categories).size !== categories.length) {
        throw new ConfigError(`columns.${name}.categories`, 'lists a category more than once');
      }
      return new CategoryBuilder(name, nullable, naValues, categories);
    }
    default: {
      const unknown: never = normalized;
      throw new ConfigError(`columns.${name}`, `unknown column type ${JSON.stringify(unknown)}`);
    }
  }
}

/** True if the file starts with the gzip magic bytes 1f 8b. */
async function isGzip(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError({ file: path }, code === 'ENOENT' ? 'file not found' : `cannot open (${code ?? String(error)})`, {
      cause: error,
    });
  }
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function validateOptions(options: ReadCsvTableOptions<CsvSchema>): void {
  if (Object.keys(options.columns).length === 0) throw new ConfigError('columns', 'must name at least one column');
  if (options.delimiter !== undefined && options.delimiter.length === 0) {
    throw new ConfigError('delimiter', 'must not be empty');
  }
  if (options.limit !== undefined && !(Number.isSafeInteger(options.limit) && options.limit >= 0)) {
    throw new ConfigError('limit', `must be a non-negative integer, got ${options.limit}`);
  }
}

interface ParseSettings {
  readonly path: string;
  readonly gzip: boolean;
  readonly delimiter: string;
}

/**
 * Starts streaming records (arrays of fields) out of the file. Errors of any stage destroy the parser with that
 * error, so they surface where the parser is iterated; the pipeline callback only swallows the premature-close error
 * of stopping early. Blank lines come through as `['']` so that record numbers stay equal to line numbers.
 */
function openRecords(settings: ParseSettings): { records: AsyncIterable<string[]>; close: () => void } {
  const parser = parse({ delimiter: settings.delimiter, bom: true, relax_column_count: true });
  const source = createReadStream(settings.path);
  const ignore = () => undefined;
  if (settings.gzip) pipeline(source, createGunzip(), parser, ignore);
  else pipeline(source, parser, ignore);
  return { records: parser as AsyncIterable<string[]>, close: () => source.destroy() };
}

function isBlank(record: readonly string[]): boolean {
  return record.length === 1 && record[0] === '';
}

function describeReadError(settings: ParseSettings, error: unknown, rowsRead: number): DataFileError {
  const file = settings.path;
  if (error instanceof DataFileError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CsvError) {
    const lines = (error as CsvError & { lines?: unknown }).lines;
    const row = typeof lines === 'number' && lines > 0 ? lines : undefined;
    return new DataFileError({ file, row }, `malformed CSV: ${message}`, { cause: error });
  }
  if (settings.gzip && typeof code === 'string' && code.startsWith('Z_')) {
    return new DataFileError(
      { file },
      `gzip data is truncated or corrupt (after ${rowsRead} data rows were read: ${message})`,
      { cause: error },
    );
  }
  return new DataFileError({ file }, `cannot read: ${message}`, { cause: error });
}

/**
 * Reads a CSV file into an Arrow table with an explicit schema. The file may be plain or gzip-compressed (detected
 * by its magic bytes, not its name); it is streamed through `csv-parse`, so quoted fields (with embedded delimiters,
 * quotes or line breaks), CRLF line endings and a UTF-8 byte-order mark are fine. The first record must be the header.
 * Blank lines are skipped (in a single-column file a blank line is an empty value instead). Values go straight into
 * typed arrays, one per column, so large files need no per-row objects; csv-parse itself is the main cost
 * (about 100k rows of 18 columns per second on one core).
 *
 * Rows in errors are 1-based CSV records counting the header as row 1 and blank lines as rows, so they are the line
 * numbers of the (decompressed) file unless an earlier quoted field contains a line break.
 *
 * @param path the CSV file.
 * @param options the schema (`columns`), and optionally `naValues`, `delimiter` and `limit`.
 * @returns a table with one column per schema entry, in schema order, typed as in {@link CsvArrowTypes}; fields are
 *   marked nullable as the schema says, and NA values in nullable columns are Arrow nulls (validity bitmap, not NaN).
 * @throws ConfigError if the options are invalid (empty schema, empty delimiter, bad limit, repeated categories).
 * @throws DataFileError naming the file and, where it applies, the row and column: the file is missing or empty, a
 *   schema column is not in the header (the message lists the header), a row has a different number of fields than the
 *   header, a value cannot be parsed as its column's type, an NA value sits in a non-nullable column, a `category`
 *   value is not in the given `categories`, the CSV is malformed (e.g. an unclosed quote) or the gzip data is truncated.
 */
export async function readCsvTable<const S extends CsvSchema>(
  path: string,
  options: ReadCsvTableOptions<S>,
): Promise<Table<CsvTableTypes<S>>> {
  validateOptions(options);
  const naValues = new Set(options.naValues ?? DEFAULT_NA_VALUES);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const builders = Object.entries(options.columns).map(([name, spec]) => makeBuilder(name, spec, naValues));

  const settings: ParseSettings = { path, gzip: await isGzip(path), delimiter: options.delimiter ?? ',' };
  const { records, close } = openRecords(settings);

  let header: string[] | undefined;
  let indices: number[] = [];
  let rows = 0;
  let row = 0;
  try {
    for await (const record of records) {
      row += 1;
      if (header === undefined) {
        if (isBlank(record)) continue;
        header = record;
        const headerRow = row;
        indices = builders.map((builder) => headerIndex(path, header ?? [], headerRow, builder.name));
        if (rows >= limit) break;
        continue;
      }
      if (record.length !== header.length) {
        if (header.length > 1 && isBlank(record)) continue;
        const fields = `${record.length} field${record.length === 1 ? '' : 's'}`;
        throw new DataFileError({ file: path, row }, `has ${fields} but the header has ${header.length}`);
      }
      for (let c = 0; c < builders.length; c += 1) {
        const builder = builders[c] as ColumnBuilder;
        const problem = builder.append(record[indices[c] as number] as string);
        if (problem !== undefined) throw new DataFileError({ file: path, row, column: builder.name }, problem);
      }
      rows += 1;
      if (rows >= limit) break;
    }
  } catch (error) {
    throw describeReadError(settings, error, rows);
  } finally {
    close();
  }
  if (header === undefined) throw new DataFileError({ file: path }, 'is empty: a header row is required');

  type Types = CsvTableTypes<S>;
  const fields = builders.map(
    (builder) => new Field(builder.name, builder.type as Types[keyof Types], builder.nullable),
  );
  const children = builders.map((builder) => builder.finish());
  // The builders made exactly the types CsvTableTypes<S> names, in schema order.
  const schema = new Schema<Types>(fields);
  const struct = new Struct<Types>(fields);
  const batch = new RecordBatch(schema, makeData({ type: struct, length: rows, nullCount: 0, children }));
  return new Table(schema, batch);
}

function headerIndex(path: string, header: readonly string[], row: number, name: string): number {
  const index = header.indexOf(name);
  if (index < 0) {
    // A wide header (Open Bandit has 90 columns) is listed by its first names and its count, to keep the message one line.
    const shown = header.slice(0, 12).map((column) => JSON.stringify(column.length > 40 ? `${column.slice(0, 40)}…` : column));
    const listed = header.length > shown.length ? `${shown.join(', ')}, … (${header.length} columns)` : shown.join(', ');
    throw new DataFileError({ file: path, row, column: name }, `column not in the header; the header has ${listed}`);
  }
  if (header.indexOf(name, index + 1) >= 0) {
    throw new DataFileError({ file: path, row, column: name }, 'column appears more than once in the header');
  }
  return index;
}
