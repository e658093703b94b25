import { statSync } from 'node:fs';
import { basename, join } from 'node:path';

import { DataFileError, writeArrowFile } from '@counterweight/runtime';
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { Float64, Int32, Table, Utf8, vectorFromArray, type Vector } from 'apache-arrow';

/** File formats the data bench reads the same station table from. */
export const TABLE_FORMATS = ['csv', 'parquet', 'arrow'] as const;
/** One of {@link TABLE_FORMATS}. */
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** The same station files in each format, with their sizes. */
export interface TableCopies {
  /** Files per format, in the order of the CSV files they were made from. */
  readonly files: Readonly<Record<TableFormat, readonly string[]>>;
  /** Total bytes on disk per format. */
  readonly bytes: Readonly<Record<TableFormat, number>>;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** `PRSA_Data_Dongsi_….csv.gz` → `PRSA_Data_Dongsi_…` (the copies keep the station file's name). */
function stem(file: string): string {
  return basename(file).replace(/\.csv(\.gz)?$/i, '');
}

/** A DuckDB result column as an Arrow vector: integers as Int32, other numbers as Float64, the rest as text; nulls kept. */
function arrowVector(values: readonly unknown[], type: DuckDBTypeId): Vector {
  const nullable = <T>(convert: (v: unknown) => T): (T | null)[] => values.map((v) => (v === null || v === undefined ? null : convert(v)));
  switch (type) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
      return vectorFromArray(nullable(Number), new Int32());
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return vectorFromArray(nullable(Number), new Float64());
    default:
      return vectorFromArray(nullable(String), new Utf8());
  }
}

async function copyOne(connection: DuckDBConnection, csv: string, dir: string, missing: readonly string[]): Promise<{ parquet: string; arrow: string }> {
  const parquet = join(dir, `${stem(csv)}.parquet`);
  const arrow = join(dir, `${stem(csv)}.arrow`);
  const source = `read_csv(${sqlString(csv)}, header = true, nullstr = [${missing.map(sqlString).join(', ')}])`;
  try {
    await connection.run(`COPY (SELECT * FROM ${source}) TO ${sqlString(parquet)} (FORMAT parquet)`);
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(parquet)})`);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const columns = reader.getColumnsJS();
    const vectors: Record<string, Vector> = {};
    names.forEach((name, i) => {
      vectors[name] = arrowVector(columns[i] ?? [], types[i]?.typeId ?? DuckDBTypeId.VARCHAR);
    });
    await writeArrowFile(arrow, new Table(vectors));
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    throw new DataFileError({ file: csv }, `cannot be copied to Parquet/Arrow: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
  }
  return { parquet, arrow };
}

/**
 * Writes a Parquet and an Arrow IPC copy of each station CSV (gzip or not) into `dir`, named after it
 * (`PRSA_Data_Dongsi_….parquet`, `….arrow`): DuckDB reads the CSV with its own type detection (`missing` texts as
 * NULL) and writes Parquet with `COPY … TO … (FORMAT parquet)`; the Parquet file read back is written as an Arrow
 * IPC file with apache-arrow (integers Int32, other numbers Float64, text Utf8, NULLs kept). Same columns, same rows,
 * same order as the CSV, so the data layer reads every copy with the CSV's mapping.
 * @throws DataFileError naming the CSV file it could not read or copy.
 */
export async function writeTableCopies(csvFiles: readonly string[], dir: string, missing: readonly string[] = ['NA']): Promise<TableCopies> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const parquet: string[] = [];
  const arrow: string[] = [];
  try {
    for (const csv of csvFiles) {
      const made = await copyOne(connection, csv, dir, missing);
      parquet.push(made.parquet);
      arrow.push(made.arrow);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const size = (list: readonly string[]): number => list.reduce((sum, f) => sum + statSync(f).size, 0);
  const files = { csv: [...csvFiles], parquet, arrow };
  return { files, bytes: { csv: size(files.csv), parquet: size(parquet), arrow: size(arrow) } };
}
