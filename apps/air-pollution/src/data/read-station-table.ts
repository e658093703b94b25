import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DataType, tableFromIPC, type Table } from 'apache-arrow';

import { diagnoseCsv } from './csv-diagnosis.js';
import { mappedColumns, mappingPollutants, mappingWeather, timeColumns, tokenizeTimeFormat, type StationTableMapping } from './mapping.js';
import type { StationRecords } from './station-records.js';
import { checkTableFile } from './table-file-checks.js';

/** Options of {@link readStationTable}. */
export interface ReadStationTableOptions {
  /** One path or glob (`data/*.csv.gz`), or several; globs are expanded by DuckDB's `glob()` and sorted. */
  readonly files: string | readonly string[];
  readonly mapping: StationTableMapping;
  /** DuckDB worker threads. Default: DuckDB's default (all cores). */
  readonly threads?: number;
}

/** File kinds {@link readStationTable} reads, chosen by extension: `.parquet`; `.arrow`, `.feather`, `.ipc`; anything else is CSV (gzip by `.gz`). */
export type StationFileFormat = 'csv' | 'parquet' | 'arrow';

/** The format of a file by its extension. */
export function stationFileFormat(path: string): StationFileFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.arrow') || lower.endsWith('.feather') || lower.endsWith('.ipc')) return 'arrow';
  return 'csv';
}

const COMPASS: readonly string[] = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];

/** Degrees clockwise from north of a 16-point compass direction (`N` = 0, `NNE` = 22.5, …, `NNW` = 337.5), or undefined. */
export function compassDegrees(point: string): number | undefined {
  const i = COMPASS.indexOf(point.trim().toUpperCase());
  return i < 0 ? undefined : i * 22.5;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const hasGlob = (s: string): boolean => /[*?[]/.test(s);

async function rows(connection: DuckDBConnection, sql: string): Promise<unknown[][]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowsJS();
}

async function exec(connection: DuckDBConnection, sql: string): Promise<void> {
  await connection.run(sql);
}

async function expandFiles(connection: DuckDBConnection, files: string | readonly string[]): Promise<string[]> {
  const list = typeof files === 'string' ? [files] : files;
  if (list.length === 0) throw new DataFileError({ file: '(none)' }, 'no station table file given');
  const out: string[] = [];
  for (const entry of list) {
    if (hasGlob(entry)) {
      const found = (await rows(connection, `SELECT file FROM glob(${sqlString(entry)}) ORDER BY file`)).map((r) => String(r[0]));
      if (found.length === 0) throw new DataFileError({ file: entry }, 'no file matches this pattern');
      out.push(...found);
    } else {
      out.push(entry);
    }
  }
  return [...new Set(out)];
}

/** Reads an Arrow IPC file with apache-arrow: its column names and a loader that appends it to the DuckDB table `raw` (numbers as DOUBLE with NaN as missing, times as TIMESTAMP, the rest as text, plus `filename`). */
function openArrow(file: string): { readonly columns: readonly string[]; readonly types: readonly string[]; load(connection: DuckDBConnection, first: boolean): Promise<void> } {
  let table: Table;
  try {
    table = tableFromIPC(readFileSync(file));
  } catch (error) {
    const reason = error instanceof TypeError || error instanceof RangeError ? 'a message header or buffer is missing' : (error as Error).message;
    throw new DataFileError({ file }, `cannot be read as Arrow IPC (truncated or corrupt): ${reason}`, { cause: error });
  }
  const fields = table.schema.fields;
  const kinds = fields.map((f) =>
    DataType.isInt(f.type) || DataType.isFloat(f.type) || DataType.isDecimal(f.type) ? 'number' : DataType.isTimestamp(f.type) || DataType.isDate(f.type) ? 'time' : 'text',
  );
  const types = kinds.map((k) => (k === 'number' ? 'DOUBLE' : k === 'time' ? 'TIMESTAMP' : 'VARCHAR'));
  const load = async (connection: DuckDBConnection, first: boolean): Promise<void> => {
    await exec(connection, `CREATE OR REPLACE TABLE arrow_stage (${fields.map((f, i) => `${ident(f.name)} ${kinds[i] === 'text' ? 'VARCHAR' : 'DOUBLE'}`).join(', ')})`);
    const appender = await connection.createAppender('arrow_stage');
    const vectors = fields.map((_, i) => table.getChildAt(i));
    for (let r = 0; r < table.numRows; r++) {
      for (let c = 0; c < fields.length; c++) {
        const value: unknown = vectors[c]?.get(r);
        if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) appender.appendNull();
        else if (kinds[c] === 'text') appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
        else if (kinds[c] === 'time') appender.appendDouble(value instanceof Date ? value.getTime() : Number(value));
        else appender.appendDouble(Number(value));
      }
      appender.endRow();
    }
    appender.closeSync();
    const select = fields.map((f, i) => (kinds[i] === 'time' ? `make_timestamp(CAST(${ident(f.name)} * 1000 AS BIGINT)) AS ${ident(f.name)}` : ident(f.name)));
    const query = `SELECT ${select.join(', ')}, ${sqlString(file)} AS filename FROM arrow_stage ORDER BY rowid`;
    await exec(connection, first ? `CREATE TEMP TABLE raw AS ${query}` : `INSERT INTO raw BY NAME ${query}`);
  };
  return { columns: fields.map((f) => f.name), types, load };
}

/** A file's header (column names and DuckDB types), read without loading the rows. */
async function describeFile(connection: DuckDBConnection, file: string, source: string, delimiter: string | undefined): Promise<{ readonly columns: readonly string[]; readonly types: readonly string[] }> {
  try {
    const described = await rows(connection, `DESCRIBE SELECT * FROM ${source}`);
    return { columns: described.map((r) => String(r[0])), types: described.map((r) => String(r[1])) };
  } catch (error) {
    const found = stationFileFormat(file) === 'csv' ? diagnoseCsv(file, delimiter) : undefined;
    if (found !== undefined) throw found;
    throw new DataFileError({ file }, `cannot be read as ${stationFileFormat(file).toUpperCase()}: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
  }
}

/** Per numeric column: the SQL predicate "this cell holds something that is neither missing nor a finite number". */
function badNumber(column: string, missing: readonly string[]): string {
  const text = `trim(CAST(${ident(column)} AS VARCHAR))`;
  const missingList = [...new Set(['', ...missing])].map(sqlString).join(', ');
  return `(${ident(column)} IS NOT NULL AND ${text} NOT IN (${missingList}) AND NOT coalesce(isfinite(TRY_CAST(${ident(column)} AS DOUBLE)), false))`;
}

function numberExpr(column: string): string {
  return `TRY_CAST(${ident(column)} AS DOUBLE)`;
}

/** SQL of the row's time (TIMESTAMP, NULL when it does not parse strictly) and of its text for messages. */
function timeSql(mapping: StationTableMapping, types: ReadonlyMap<string, string>): { readonly ts: string; readonly text: string; readonly label: string } {
  const time = mapping.time;
  if ('column' in time) {
    const c = ident(time.column);
    const type = types.get(time.column) ?? 'VARCHAR';
    const text = `CAST(${c} AS VARCHAR)`;
    if (type.startsWith('TIMESTAMP') || type === 'DATE') return { ts: `CAST(${c} AS TIMESTAMP)`, text, label: time.column };
    if (time.format === 'ISO') {
      const ok = `regexp_full_match(${text}, '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?Z?')`;
      return { ts: `CASE WHEN ${ok} THEN TRY_CAST(replace(replace(${text}, 'T', ' '), 'Z', '') AS TIMESTAMP) END`, text, label: time.column };
    }
    const tokens = tokenizeTimeFormat(time.format);
    if (typeof tokens === 'string') throw new Error(`invalid time format "${time.format}": ${tokens}`);
    const codes: Record<string, string> = { YYYY: '%Y', MM: '%m', DD: '%d', HH: '%H', mm: '%M', ss: '%S' };
    const fmt = sqlString(tokens.map((t) => codes[t] ?? t).join(''));
    // try_strptime accepts unpadded fields; writing the parsed time back in the same format and comparing makes it strict.
    return { ts: `CASE WHEN strftime(try_strptime(${text}, ${fmt}), ${fmt}) = ${text} THEN try_strptime(${text}, ${fmt}) END`, text, label: time.column };
  }
  const parts = timeColumns(time);
  const num = (c: string): string => `TRY_CAST(${ident(c)} AS DOUBLE)`;
  const ints = parts.map((c) => `${num(c)} = floor(${num(c)})`).join(' AND ');
  const [y, m, d, h] = parts.map((c) => `CAST(${num(c)} AS BIGINT)`) as [string, string, string, string | undefined];
  const hour = h ?? '0';
  const made = `try(make_timestamp(${y}, ${m}, ${d}, ${hour}, 0, 0))`;
  const exact = `year(${made}) = ${y} AND month(${made}) = ${m} AND day(${made}) = ${d} AND hour(${made}) = ${hour}`;
  const text = `concat_ws('-', ${parts.map((c) => `coalesce(CAST(${ident(c)} AS VARCHAR), 'NA')`).join(', ')})`;
  return { ts: `CASE WHEN ${ints} AND ${hour} BETWEEN 0 AND 23 AND ${exact} THEN ${made} END`, text, label: parts.join('/') };
}

const formatTs = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/**
 * Reads station table file(s) per a column mapping into {@link StationRecords}, with DuckDB (`@duckdb/node-api`):
 * CSV (gzip too, by `.gz`) through `read_csv` with every cell as text, Parquet through `read_parquet`; Arrow IPC files
 * are read with apache-arrow and appended to a DuckDB table. Each file is loaded into a temporary table whose `rowid`
 * keeps the file's row order; the checks below are SQL queries over it, then the rows are appended to one table that
 * is sorted by station and time and handed over in chunks into typed arrays. A wide table is unpivoted to long form.
 *
 * Rows in errors are 1-based as {@link DataFileError} counts them: for CSV the line number with the header as line 1
 * (exact unless a quoted cell holds a line break), for Parquet/Arrow the data row.
 *
 * @throws DataFileError naming the file (and row and column where one applies) when: no file matches; a path is a
 *   folder or an empty file, or a Parquet/Arrow file lacks its magic bytes at either end (truncated or another format;
 *   `checkTableFile`); a CSV file cannot be parsed — `diagnoseCsv` then names the row of a record with another field
 *   count than the header, an unclosed quote, a byte that is not UTF-8 text (never echoing it), or a truncated gzip;
 *   any other file cannot be parsed; a mapped column is not in the file's header (`unknown mapped column`); a numeric cell is neither a
 *   number nor a missing-value text (`malformed row`); a time does not parse strictly (`2013-02-30`, `25:00`, or a
 *   field of the wrong width); a station name or wind direction is not valid; a station has the same time twice
 *   (within a file or across files); a station's times go backwards within a file (`non-monotonic time`).
 */
export async function readStationTable(options: ReadStationTableOptions): Promise<StationRecords> {
  const { mapping } = options;
  const instance = await DuckDBInstance.create(':memory:', options.threads === undefined ? {} : { threads: String(options.threads) });
  const connection = await instance.connect();
  try {
    return await readWith(connection, options.files, mapping);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function readWith(connection: DuckDBConnection, fileSpec: string | readonly string[], mapping: StationTableMapping): Promise<StationRecords> {
  const files = await expandFiles(connection, fileSpec);
  const format = stationFileFormat(files[0] ?? '');
  const odd = files.find((f) => stationFileFormat(f) !== format);
  if (odd !== undefined) throw new DataFileError({ file: odd }, `is ${stationFileFormat(odd).toUpperCase()} but ${basename(files[0] ?? '')} is ${format.toUpperCase()}; read one format at a time`);
  for (const file of files) checkTableFile(file, format);
  const pollutants = mappingPollutants(mapping);
  const weather = mappingWeather(mapping);
  const variables = [...pollutants, ...weather];
  const wd = mapping.layout === 'long' ? mapping.windDirection : undefined;
  const missingList = [...new Set(['', ...mapping.missing])].map(sqlString).join(', ');
  const csvOptions = `header = true, all_varchar = true, nullstr = [${missingList}]${mapping.delimiter === undefined ? '' : `, delim = ${sqlString(mapping.delimiter)}`}`;
  const sourceOf = (list: readonly string[]): string => {
    const arg = `[${list.map(sqlString).join(', ')}]`;
    return format === 'parquet' ? `read_parquet(${arg}, filename = true, union_by_name = true)` : `read_csv(${arg}, ${csvOptions}, filename = true, union_by_name = true)`;
  };
  const baseRow = format === 'csv' ? 2 : 1;
  const headerRow = format === 'csv' ? 1 : undefined;

  // 1. Headers, file by file (cheap: DuckDB sniffs the header and a sample), so a missing column names its file.
  const arrows = format === 'arrow' ? files.map(openArrow) : [];
  const timeCols = timeColumns(mapping.time);
  let types = new Map<string, string>();
  const stationCols: string[] = [];
  for (const [i, file] of files.entries()) {
    const header = format === 'arrow' ? (arrows[i] ?? openArrow(file)) : await describeFile(connection, file, sourceOf([file]).replace(', filename = true, union_by_name = true', format === 'csv' ? ', sample_size = 1' : ''), mapping.delimiter);
    const fileTypes = new Map(header.columns.map((c, k) => [c, header.types[k] ?? 'VARCHAR']));
    for (const { column, key } of mappedColumns(mapping)) {
      if (!fileTypes.has(column)) {
        // A binary or empty file read as CSV has one made-up column: say what the file is rather than what it lacks.
        const found = format === 'csv' ? diagnoseCsv(file, mapping.delimiter) : undefined;
        if (found !== undefined) throw found;
        throw new DataFileError({ file, ...(headerRow === undefined ? {} : { row: headerRow }), column }, `unknown mapped column (mapping key ${key}); the file's columns are ${header.columns.join(', ')}`);
      }
    }
    if (mapping.layout === 'wide') {
      const cols = mapping.stations ?? header.columns.filter((c) => !timeCols.includes(c));
      if (cols.length === 0) throw new DataFileError({ file, ...(headerRow === undefined ? {} : { row: headerRow }) }, 'has no station columns besides the time');
      for (const c of cols) if (!stationCols.includes(c)) stationCols.push(c);
    }
    if (i === 0) types = fileTypes;
  }

  // 2. All rows into one table; `rowid` keeps file order and row order (DuckDB preserves insertion order).
  try {
    if (format === 'arrow') {
      for (const [i, a] of arrows.entries()) await a.load(connection, i === 0);
    } else {
      await exec(connection, `CREATE TEMP TABLE raw AS SELECT * FROM ${sourceOf(files)}`);
    }
  } catch (error) {
    for (const file of format === 'csv' ? files : []) {
      const found = diagnoseCsv(file, mapping.delimiter);
      if (found !== undefined) throw found;
    }
    throw new DataFileError({ file: files.length === 1 ? (files[0] ?? '') : `${files.length} files (${basename(files[0] ?? '')}, …)` }, `cannot be read: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
  }
  const offsets = (await rows(connection, 'SELECT filename, min(rowid) FROM raw GROUP BY filename')).map((r) => ({ file: files.indexOf(String(r[0])), first: Number(r[1]) }));
  await exec(connection, `CREATE TEMP TABLE offs (filename VARCHAR, file INTEGER, first BIGINT)`);
  for (const o of offsets) await exec(connection, `INSERT INTO offs VALUES (${sqlString(files[o.file] ?? '')}, ${o.file}, ${o.first})`);
  offsets.sort((a, b) => a.first - b.first);
  /** File and 1-based row of a rowid of `raw`. */
  const locate = (rowid: number, column?: string) => {
    let o = offsets[0] ?? { file: 0, first: 0 };
    for (const candidate of offsets) if (candidate.first <= rowid) o = candidate;
    return { file: files[o.file] ?? '', row: rowid - o.first + baseRow, ...(column === undefined ? {} : { column }) };
  };

  // 3. Malformed numeric cells and wind directions: one scan, the first offending row of each column.
  const numericCols = mapping.layout === 'long' ? variables : stationCols;
  const checks = numericCols.map((column) => `min(CASE WHEN ${badNumber(column, mapping.missing)} THEN rowid END)`);
  if (wd !== undefined) {
    const c = ident(wd.column);
    const notMissing = `${c} IS NOT NULL AND trim(CAST(${c} AS VARCHAR)) NOT IN (${missingList})`;
    const valid =
      wd.encoding === 'compass'
        ? `upper(trim(CAST(${c} AS VARCHAR))) IN (${COMPASS.map(sqlString).join(', ')})`
        : `coalesce(TRY_CAST(${c} AS DOUBLE) BETWEEN 0 AND 360, false)`;
    checks.push(`min(CASE WHEN ${notMissing} AND NOT (${valid}) THEN rowid END)`);
  }
  if (mapping.layout === 'long') checks.push(`min(CASE WHEN ${ident(mapping.station)} IS NULL OR trim(CAST(${ident(mapping.station)} AS VARCHAR)) = '' THEN rowid END)`);
  const firstBad = (await rows(connection, `SELECT ${checks.join(', ')} FROM raw`))[0] ?? [];
  let worst: { rowid: number; index: number } | undefined;
  firstBad.forEach((value, index) => {
    if (value === null || value === undefined) return;
    const rowid = Number(value);
    if (worst === undefined || rowid < worst.rowid) worst = { rowid, index };
  });
  if (worst !== undefined) {
    const isWd = wd !== undefined && worst.index === numericCols.length;
    const isStation = mapping.layout === 'long' && worst.index === checks.length - 1;
    const column = isStation && mapping.layout === 'long' ? mapping.station : isWd ? wd.column : (numericCols[worst.index] ?? '');
    if (isStation) throw new DataFileError(locate(worst.rowid, column), 'malformed row: no station name');
    const cell = (await rows(connection, `SELECT CAST(${ident(column)} AS VARCHAR) FROM raw WHERE rowid = ${worst.rowid}`))[0] ?? [];
    const what = isWd ? (wd.encoding === 'compass' ? 'a 16-point compass direction (N, NNE, …, NNW)' : 'a direction in degrees (0–360)') : 'a number';
    const missingText = mapping.missing.map((m) => JSON.stringify(m)).join(', ');
    throw new DataFileError(locate(worst.rowid, column), `malformed row: ${JSON.stringify(cell[0])} is not ${what} nor a missing value (${missingText === '' ? 'an empty cell' : `${missingText} or an empty cell`})`);
  }

  // 4. Long form with file and row of every record (the time is NULL where it does not parse strictly).
  const time = timeSql(mapping, types);
  const rowOf = `(raw.rowid - offs.first + ${baseRow})`;
  if (mapping.layout === 'long') {
    const values = variables.map((v) => `${numberExpr(v)} AS ${ident(`v:${v}`)}`).join(', ');
    const wdExpr =
      wd === undefined
        ? ''
        : wd.encoding === 'degrees'
          ? `, ${numberExpr(wd.column)} AS wd`
          : `, 22.5 * (list_position([${COMPASS.map(sqlString).join(', ')}], upper(trim(CAST(${ident(wd.column)} AS VARCHAR)))) - 1) AS wd`;
    await exec(
      connection,
      `CREATE TEMP TABLE records AS SELECT raw.rowid AS rid, offs.file, ${rowOf} AS row, trim(CAST(${ident(mapping.station)} AS VARCHAR)) AS station, ${time.ts} AS ts, ${values}${wdExpr} FROM raw JOIN offs USING (filename)`,
    );
  } else {
    const v = ident(`v:${mapping.pollutant}`);
    const parts = stationCols.map(
      (column) => `SELECT raw.rowid AS rid, offs.file, ${rowOf} AS row, ${sqlString(column)} AS station, ${time.ts} AS ts, ${numberExpr(column)} AS ${v} FROM raw JOIN offs USING (filename)`,
    );
    await exec(connection, `CREATE TEMP TABLE records AS ${parts.join(' UNION ALL ')}`);
  }

  // 5. Strict times: the first record without a time, its text read back from the file's row.
  const badTime = (await rows(connection, 'SELECT rid FROM records WHERE ts IS NULL ORDER BY rid LIMIT 1'))[0];
  if (badTime !== undefined) {
    const rowid = Number(badTime[0]);
    const text = (await rows(connection, `SELECT ${time.text} FROM raw WHERE rowid = ${rowid}`))[0]?.[0];
    const expected = 'column' in mapping.time ? `format "${mapping.time.format}"` : 'a calendar date and hour 0–23';
    throw new DataFileError(locate(rowid, time.label), `time ${JSON.stringify(text)} does not parse strictly as ${expected}`);
  }

  // 6. Duplicate or backwards times of a station within a file, then the same station and time in two files.
  const backwards = (
    await rows(
      connection,
      `SELECT file, row, station, epoch_ms(ts), epoch_ms(prev) FROM (SELECT rid, file, row, station, ts, lag(ts) OVER (PARTITION BY file, station ORDER BY rid) AS prev FROM records) WHERE ts <= prev ORDER BY rid LIMIT 1`,
    )
  )[0];
  if (backwards !== undefined) {
    const [file, row, station, ts, prev] = [files[Number(backwards[0])] ?? '', Number(backwards[1]), String(backwards[2]), Number(backwards[3]), Number(backwards[4])];
    const column = mapping.layout === 'long' ? time.label : station;
    if (ts === prev) throw new DataFileError({ file, row, column }, `duplicate timestamp ${formatTs(ts)} for station "${station}"`);
    throw new DataFileError({ file, row, column }, `non-monotonic time: ${formatTs(ts)} comes after ${formatTs(prev)} for station "${station}"`);
  }
  const shared = await rows(connection, 'SELECT station FROM records GROUP BY station HAVING count(DISTINCT file) > 1 LIMIT 1');
  const dup = shared.length === 0 ? undefined : (await rows(connection, 'SELECT station, ts FROM records GROUP BY station, ts HAVING count(*) > 1 ORDER BY station, ts LIMIT 1'))[0];
  if (dup !== undefined) {
    const where = `station = ${sqlString(String(dup[0]))} AND ts = (SELECT ts FROM records WHERE station = ${sqlString(String(dup[0]))} GROUP BY ts HAVING count(*) > 1 ORDER BY ts LIMIT 1)`;
    const hits = await rows(connection, `SELECT file, row, epoch_ms(ts) FROM records WHERE ${where} ORDER BY file, row LIMIT 2`);
    const [a, b] = [hits[0] ?? [], hits[1] ?? []];
    throw new DataFileError(
      { file: files[Number(b[0])] ?? '', row: Number(b[1]), column: mapping.layout === 'long' ? time.label : String(dup[0]) },
      `duplicate timestamp ${formatTs(Number(b[2]))} for station "${String(dup[0])}" (also in ${basename(files[Number(a[0])] ?? '')} row ${Number(a[1])})`,
    );
  }

  return await collect(connection, files, variables, pollutants, weather, wd !== undefined, mapping.units);
}

async function collect(
  connection: DuckDBConnection,
  files: readonly string[],
  variables: readonly string[],
  pollutants: readonly string[],
  weather: readonly string[],
  hasWd: boolean,
  units: Readonly<Record<string, string>>,
): Promise<StationRecords> {
  const count = Number((await rows(connection, 'SELECT count(*) FROM records'))[0]?.[0] ?? 0);
  const stationIndex = new Int32Array(count);
  const time = new Float64Array(count);
  const file = new Int32Array(count);
  const row = new Int32Array(count);
  const values = variables.map(() => new Float64Array(count));
  const windDirection = hasWd ? new Float64Array(count) : undefined;
  // Station names sorted once; the rows are sorted by the station's integer index and time.
  const stations = (await rows(connection, 'SELECT DISTINCT station FROM records ORDER BY station')).map((r) => String(r[0]));
  await exec(connection, 'CREATE TEMP TABLE station_index (station VARCHAR, idx INTEGER)');
  const appender = await connection.createAppender('station_index', 'main', 'temp');
  stations.forEach((name, i) => {
    appender.appendVarchar(name);
    appender.appendInteger(i);
    appender.endRow();
  });
  appender.closeSync();
  const valueCols = variables.map((v) => ident(`v:${v}`)).join(', ');
  const result = await connection.run(
    `SELECT idx, CAST(epoch_ms(ts) AS DOUBLE), file, row, ${valueCols}${hasWd ? ', wd' : ''} FROM records JOIN station_index USING (station) ORDER BY idx, ts`,
  );
  let offset = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    const sv = chunk.getColumnVector(0);
    const tv = chunk.getColumnVector(1);
    const fv = chunk.getColumnVector(2);
    const rv = chunk.getColumnVector(3);
    for (let i = 0; i < n; i++) {
      stationIndex[offset + i] = Number(sv.getItem(i));
      time[offset + i] = Number(tv.getItem(i));
      file[offset + i] = Number(fv.getItem(i));
      row[offset + i] = Number(rv.getItem(i));
    }
    const targets = windDirection === undefined ? values : [...values, windDirection];
    targets.forEach((target, k) => {
      const vector = chunk.getColumnVector(4 + k);
      for (let i = 0; i < n; i++) {
        const v = vector.getItem(i);
        target[offset + i] = v === null ? NaN : Number(v);
      }
    });
    offset += n;
  }
  const byName: Record<string, Float64Array> = {};
  variables.forEach((v, i) => {
    byName[v] = values[i] ?? new Float64Array(count);
  });
  return {
    stations,
    station: stationIndex,
    time,
    values: byName,
    ...(windDirection === undefined ? {} : { windDirection }),
    file,
    row,
    sources: files,
    pollutants,
    weather,
    units,
  };
}
