import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

import { ConfigError, DataFileError, parseJsonBytes, quoteExcerpt, readArrowFile, readCsvTable, type CsvSchema } from '@counterweight/runtime';
import { Table, Utf8, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';

import type { AuctionSet, FeatureSpec } from './auction-set.js';
import { checkBuckets, hashBucket } from './encoding.js';
import { assembleAuctions, fixedSizeGroups, groupsByKey } from './grouping.js';
import { describeColumns, readCsvHeader } from './csv-header.js';
import { requireInputFile } from './input-file.js';
import { requireTextFile } from './text-check.js';

/**
 * Which columns of a user table are what (a JSON file of this shape):
 * `{ "label": "...", "bid": "...?", "auction": "...?", "numeric": [...], "categorical": [...], "trueCtr": "...?" }`.
 */
export interface ColumnMapping {
  /** Click outcome, 0 or 1. */
  readonly label: string;
  /** Cost-per-click bid (> 0); every bid is 1 when absent. */
  readonly bid?: string;
  /** Auction id; rows with the same id form one auction (in order of first appearance). Fixed-size groups when absent. */
  readonly auction?: string;
  /** Dense features (read as float32; must be finite). */
  readonly numeric?: readonly string[];
  /** Categorical features (any type, compared as text; empty/null = missing), hashed into buckets. */
  readonly categorical?: readonly string[];
  /** Known click probability in [0, 1] (simulations). */
  readonly trueCtr?: string;
}

const MAPPING_KEYS = ['label', 'bid', 'auction', 'numeric', 'categorical', 'trueCtr'] as const;

/**
 * Checks a parsed mapping object.
 * @param where file named in errors.
 * @throws DataFileError naming `where` and the offending key.
 */
export function validateColumnMapping(json: unknown, where: string): ColumnMapping {
  const fail = (key: string | undefined, message: string): never => {
    throw new DataFileError({ file: where, ...(key === undefined ? {} : { column: key }) }, message);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail(undefined, 'column mapping must be a JSON object');
  const record = json as Record<string, unknown>;
  const unknownKeys = Object.keys(record).filter((k) => !(MAPPING_KEYS as readonly string[]).includes(k));
  if (unknownKeys.length > 0) fail(unknownKeys[0], `unknown key(s) ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')}; allowed: ${MAPPING_KEYS.join(', ')}`);
  for (const key of ['label', 'bid', 'auction', 'trueCtr'] as const) {
    const value = record[key];
    if (value === undefined && key !== 'label') continue;
    if (typeof value !== 'string' || value === '') fail(key, value === undefined ? 'is missing: name the click column' : `must be a non-empty column name (string), got ${JSON.stringify(value)}`);
  }
  for (const key of ['numeric', 'categorical'] as const) {
    const value = record[key];
    if (value === undefined) continue;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) fail(key, `must be an array of column names, got ${JSON.stringify(value)}`);
  }
  const mapping = record as unknown as ColumnMapping;
  const all = mappedColumns(mapping);
  const repeated = all.filter((c, i) => all.indexOf(c) !== i);
  if (repeated.length > 0) fail(undefined, `column(s) used more than once: ${[...new Set(repeated)].join(', ')}`);
  if ((mapping.numeric ?? []).length + (mapping.categorical ?? []).length === 0) fail(undefined, 'maps no feature: give "numeric" and/or "categorical" columns');
  return mapping;
}

/** Reads and validates a column-mapping JSON file. */
export async function readColumnMapping(path: string): Promise<ColumnMapping> {
  await requireInputFile(path, 'a JSON column-mapping file');
  // Empty, binary, not UTF-8 or where the JSON breaks, never quoting the file.
  const json = parseJsonBytes(await readFile(path), 'a JSON column-mapping file');
  if (json.problem !== undefined) throw new DataFileError({ file: path }, json.problem);
  return validateColumnMapping(json.value, path);
}

function mappedColumns(mapping: ColumnMapping): string[] {
  return [
    mapping.label,
    ...(mapping.bid === undefined ? [] : [mapping.bid]),
    ...(mapping.auction === undefined ? [] : [mapping.auction]),
    ...(mapping.trueCtr === undefined ? [] : [mapping.trueCtr]),
    ...(mapping.numeric ?? []),
    ...(mapping.categorical ?? []),
  ];
}

/** Input formats, chosen by file extension. */
export type TableFormat = 'arrow' | 'parquet' | 'csv';

/** `.arrow`/`.feather`/`.ipc` → arrow, `.parquet` → parquet, `.csv`/`.csv.gz`/`.tsv`(`.gz`) → csv. */
export function tableFormat(path: string): TableFormat {
  const lower = path.toLowerCase();
  const ext = extname(lower.endsWith('.gz') ? lower.slice(0, -3) : lower);
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') return 'arrow';
  if (ext === '.parquet') return 'parquet';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  throw new DataFileError({ file: path }, `unknown table format "${ext}"; use .arrow/.feather, .parquet or .csv (optionally .gz)`);
}

function checkColumns(path: string, mapping: ColumnMapping, available: readonly string[]): void {
  const missing = mappedColumns(mapping).filter((c) => !available.includes(c));
  if (missing.length > 0) {
    throw new DataFileError(
      { file: path, column: missing[0] ?? '' },
      `unknown column(s) ${missing.map((c) => quoteExcerpt(c, 40)).join(', ')}; the file has ${describeColumns(available)}`,
    );
  }
}

function isFloatColumn(mapping: ColumnMapping, column: string): boolean {
  return column === mapping.label || column === mapping.bid || column === mapping.trueCtr || (mapping.numeric ?? []).includes(column);
}

/** A cell as text: strings as they are, numbers/bigints/booleans/dates in their usual form, anything else as JSON. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? '';
}

/** Normalises generic row values into the explicit column types (float32 or utf8), naming file/row/column on bad values. */
function typedTable(path: string, mapping: ColumnMapping, rows: number, get: (column: string, row: number) => unknown, rowBase: number): Table {
  const vectors: Record<string, Vector> = {};
  for (const column of mappedColumns(mapping)) {
    if (isFloatColumn(mapping, column)) {
      const values = new Float32Array(rows);
      for (let r = 0; r < rows; r += 1) {
        const raw = get(column, r);
        const value = typeof raw === 'bigint' ? Number(raw) : typeof raw === 'boolean' ? Number(raw) : raw;
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new DataFileError({ file: path, row: r + rowBase, column }, `expected a finite number, got ${raw === null || raw === undefined ? 'a missing value' : quoteExcerpt(text(raw))}`);
        }
        values[r] = value;
      }
      vectors[column] = makeVector(values);
    } else {
      const values = Array.from({ length: rows }, (_, r) => {
        const raw = get(column, r);
        return raw === null || raw === undefined ? null : text(raw);
      });
      vectors[column] = vectorFromArray(values, new Utf8());
    }
  }
  return new Table(vectors);
}

/**
 * Reads the mapped columns of a table file into an Arrow table with explicit types: label, bid, trueCtr and numeric
 * columns as `Float32` (finite), auction and categorical columns as `Utf8` (null = missing). Arrow IPC files are read
 * with the runtime's `readArrowFile`, Parquet with hyparquet, CSV (comma; `.tsv` tab; gzip allowed) with the runtime's
 * `readCsvTable`.
 * @throws DataFileError naming the file: a missing file or a folder; a CSV that is not text (binary or invalid UTF-8,
 *   with its row); unknown mapped columns (listed with the file's first columns); a missing or non-numeric value in a
 *   float column, with its row (CSV: header = row 1; Arrow/Parquet: first data row = row 1).
 */
export async function readMappedTable(path: string, mapping: ColumnMapping): Promise<Table> {
  await requireInputFile(path, 'a table file (.arrow, .parquet or .csv)');
  const format = tableFormat(path);
  if (format === 'csv') {
    await requireTextFile(path, 'a CSV file');
    const delimiter = path.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv') ? '\t' : ',';
    checkColumns(path, mapping, await readCsvHeader(path, delimiter));
    const columns: Record<string, CsvSchema[string]> = {};
    for (const column of mappedColumns(mapping)) columns[column] = isFloatColumn(mapping, column) ? 'float32' : { type: 'utf8', nullable: true };
    const table = await readCsvTable(path, { columns, delimiter, naValues: [''] });
    return typedTable(path, mapping, table.numRows, (column, r) => table.getChild(column)?.get(r), 2);
  }
  if (format === 'arrow') {
    const table = await readArrowFile(path);
    checkColumns(path, mapping, table.schema.fields.map((f) => f.name));
    return typedTable(path, mapping, table.numRows, (column, r) => table.getChild(column)?.get(r) as unknown, 1);
  }
  let file;
  let names: string[];
  try {
    file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    names = parquetSchema(metadata).children.map((child) => child.element.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError({ file: path }, code === 'ENOENT' ? 'file not found' : `not a readable Parquet file: ${(error as Error).message}`, { cause: error });
  }
  checkColumns(path, mapping, names);
  const rows = await parquetReadObjects({ file, columns: mappedColumns(mapping) });
  return typedTable(path, mapping, rows.length, (column, r) => rows[r]?.[column], 1);
}

/** Options of {@link loadTableInput}. */
export interface TableInputOptions {
  /** The mapping, or the path of its JSON file. */
  readonly mapping: ColumnMapping | string;
  /** Hash table size per categorical field (`1 + FNV-1a32("field:value") mod (buckets − 1)`; 0 = missing). Default 2^16. */
  readonly hashBuckets?: number;
  /** Rows per auction when the mapping has no auction column (consecutive rows, file order). Default 10. */
  readonly candidates?: number;
  /** With an auction column: auctions larger than this are cut into consecutive chunks. Default: no limit. */
  readonly maxCandidates?: number;
}

/**
 * Loads a user table (Arrow IPC, Parquet or CSV; see {@link readMappedTable}) as an {@link AuctionSet}: rows grouped
 * by the auction column (first-appearance order) or, without one, consecutive groups of `candidates`; categorical
 * values hashed ({@link hashBucket}); bid 1 when unmapped. Numeric features are returned as read (standardise with
 * the splits helpers on the training part).
 * @throws DataFileError for mapping problems and bad values (label not 0/1, bid ≤ 0, trueCtr outside [0, 1]) with
 *   file, row and column.
 */
export async function loadTableInput(path: string, options: TableInputOptions): Promise<{ readonly set: AuctionSet; readonly table: Table }> {
  const mapping = typeof options.mapping === 'string' ? await readColumnMapping(options.mapping) : validateColumnMapping(options.mapping, '<mapping>');
  const buckets = checkBuckets(options.hashBuckets ?? 65_536, 'hashBuckets');
  const table = await readMappedTable(path, mapping);
  const rowBase = tableFormat(path) === 'csv' ? 2 : 1;
  const rows = table.numRows;
  const numericNames = [...(mapping.numeric ?? [])];
  const fields = [...(mapping.categorical ?? [])];
  const floats = (column: string) => table.getChild(column)?.toArray() as Float32Array;
  const check = (column: string, ok: (v: number) => boolean, what: string): Float32Array => {
    const values = floats(column);
    values.forEach((v, r) => {
      if (!ok(v)) throw new DataFileError({ file: path, row: r + rowBase, column }, `${what}, got ${v}`);
    });
    return values;
  };
  const label = check(mapping.label, (v) => v === 0 || v === 1, 'label must be 0 or 1');
  const bid = mapping.bid === undefined ? new Float32Array(rows).fill(1) : check(mapping.bid, (v) => v > 0, 'bid must be > 0');
  const trueCtr = mapping.trueCtr === undefined ? undefined : check(mapping.trueCtr, (v) => v >= 0 && v <= 1, 'trueCtr must be in [0, 1]');
  const d = numericNames.length;
  const numeric = new Float32Array(rows * d);
  numericNames.forEach((name, j) => floats(name).forEach((v, r) => (numeric[r * d + j] = v)));
  const f = fields.length;
  const categorical = new Int32Array(rows * f);
  fields.forEach((name, j) => {
    const column = table.getChild(name);
    for (let r = 0; r < rows; r += 1) {
      const value = column?.get(r) as string | null;
      categorical[r * f + j] = value === null || value === '' ? 0 : hashBucket(name, value, buckets);
    }
  });
  const spec: FeatureSpec = { numericNames, categoricalFields: fields, buckets: fields.map(() => buckets) };
  const k = options.candidates ?? 10;
  if (!Number.isSafeInteger(k) || k < 1) throw new ConfigError('candidates', `must be a positive integer, got ${k}`);
  let groups: Int32Array[];
  if (mapping.auction === undefined) {
    groups = fixedSizeGroups(Int32Array.from({ length: rows }, (_, i) => i), k);
  } else {
    const ids = table.getChild(mapping.auction);
    const keys = Array.from({ length: rows }, (_, r) => {
      const id = ids?.get(r) as string | null;
      if (id === null) throw new DataFileError({ file: path, row: r + rowBase, column: mapping.auction }, 'missing auction id');
      return id;
    });
    groups = groupsByKey(keys, options.maxCandidates);
  }
  if (rows === 0) throw new DataFileError({ file: path }, 'has no rows');
  const set = assembleAuctions(
    { spec, rows, numeric, categorical, label, bid, ...(trueCtr === undefined ? {} : { trueCtr }) },
    groups,
    `table ${path}: ${rows} rows, ${mapping.auction === undefined ? `consecutive auctions of ${k}` : `auctions by "${mapping.auction}"`}, ` +
      `${f} categorical fields hashed into ${buckets} buckets`,
  );
  return { set, table };
}
