// Test-only: bad station tables and mappings made from a real Beijing station file, for the reliability suite.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { sharedDataDir } from '@counterweight/runtime';

import { writeTableCopies } from '../../bench/table-copies.js';
import { BEIJING_SHARED_FOLDER, beijingFileName } from '../fetch.js';

/** The real file every bad table is made from: Dongsi, 35,064 hourly rows, quoted header and text cells. */
export const DONGSI_GZ = join(sharedDataDir(), BEIJING_SHARED_FOLDER, `${beijingFileName('Dongsi')}.gz`);

/** Data rows of the Dongsi file the CSV cases keep (the first 240 hours: ten days, enough for every case). */
export const SLICE_ROWS = 240;

/** Which loader a case feeds. */
export type CorpusLoader = 'csv' | 'parquet' | 'arrow' | 'mapping';

/** One bad input: what it is, how it was made, and what a clear error about it must mention. */
export interface CorpusCase {
  readonly loader: CorpusLoader;
  /** Short name, also the file's name. */
  readonly name: string;
  /** How the file was made from the real one, in words (for the table in the test and the report). */
  readonly made: string;
  /** The station table given as data (`--data`): the bad file, or for `mapping` cases the real slice. */
  readonly data: string;
  /** The mapping file given (`--mapping`): the bad file of `mapping` cases; absent: the Beijing layout. */
  readonly mapping?: string;
  /** What the one-line error must say besides the file's name: a row, a column, a key, and what was expected. */
  readonly mentions: readonly (string | RegExp)[];
}

/** Lines of a CSV text (the last line break dropped). */
const linesOf = (text: string): string[] => text.replace(/\r?\n$/, '').split(/\r?\n/);
/** The real files' line break (they are written on Windows). */
const EOL = '\r\n';

/** Replaces field `index` (0-based) of a Beijing CSV line. */
function setField(line: string, index: number, value: string): string {
  const fields = line.split(',');
  fields[index] = value;
  return fields.join(',');
}

/** Column indexes of the Beijing header `"No","year","month","day","hour","PM2.5",…,"wd","WSPM","station"`. */
const COL = { year: 1, month: 2, day: 3, hour: 4, pm25: 5, temp: 11, wd: 15, station: 17 } as const;

/**
 * Writes the corpus into `dir` and returns its cases: CSV tables (Beijing layout, read with the Beijing mapping) cut
 * and corrupted from the first {@link SLICE_ROWS} rows of the real Dongsi file, Parquet and Arrow copies of that slice
 * truncated or with their magic flipped, and mapping files that are broken or name absent columns. Rows in `mentions`
 * are 1-based file lines with the header as row 1 (CSV), data rows for Parquet/Arrow.
 */
export async function writeStationTableCorpus(dir: string): Promise<CorpusCase[]> {
  await mkdir(dir, { recursive: true });
  const realGz = await readFile(DONGSI_GZ);
  const all = linesOf(gunzipSync(realGz).toString('utf8'));
  const header = all[0] ?? '';
  const rows = all.slice(1, 1 + SLICE_ROWS);
  const cases: CorpusCase[] = [];
  const csv = async (name: string, made: string, content: string | Uint8Array, mentions: readonly (string | RegExp)[]): Promise<void> => {
    const path = join(dir, name);
    await writeFile(path, name.endsWith('.gz') && typeof content === 'string' ? gzipSync(content) : content);
    cases.push({ loader: 'csv', name, made, data: path, mentions });
  };
  /** The slice with `edit` applied to its data rows (row k of the file is `rows[k - 2]`). */
  const edited = (edit: (data: string[]) => string[]): string => `${[header, ...edit([...rows])].join(EOL)}${EOL}`;
  const at = (row: number, change: (line: string) => string) => (data: string[]) => data.map((line, i) => (i === row - 2 ? change(line) : line));

  // --- CSV (the Beijing layout, its own mapping) ---
  await csv('zero-byte.csv', 'an empty file (0 bytes)', '', ['is empty (0 bytes)']);
  await csv('zero-byte.csv.gz', 'a gzip file of 0 bytes', new Uint8Array(0), ['is empty (0 bytes)']);
  await csv('empty-text.csv.gz', 'valid gzip of an empty text', gzipSync(''), ['no content']);
  await csv('header-only.csv', 'the real header line alone', `${header}${EOL}`, ['no rows']);
  await csv('short-row.csv', 'row 6 lost its last field', edited(at(6, (l) => l.slice(0, l.lastIndexOf(',')))), ['row 6', 'has 17 fields where the header has 18']);
  await csv('long-row.csv', 'row 9 has one field too many', edited(at(9, (l) => `${l},7`)), ['row 9', 'has 19 fields where the header has 18']);
  await csv('cut-mid-row.csv', 'the text cut in the middle of row 101', edited((d) => [...d.slice(0, 99), (d[99] ?? '').slice(0, 20)]), ['row 101', 'has 7 fields where the header has 18']);
  await csv('non-numeric.csv', 'PM2.5 of row 7 is "12a"', edited(at(7, (l) => setField(l, COL.pm25, '12a'))), ['row 7', 'column "PM2.5"', 'is not a number']);
  await csv('nan.csv', 'PM2.5 of row 8 is "NaN"', edited(at(8, (l) => setField(l, COL.pm25, 'NaN'))), ['row 8', 'column "PM2.5"', 'is not a number']);
  await csv('infinity.csv', 'TEMP of row 9 is "Infinity"', edited(at(9, (l) => setField(l, COL.temp, 'Infinity'))), ['row 9', 'column "TEMP"', 'is not a number']);
  await csv('overflow.csv', 'TEMP of row 10 is "1e999" (infinite as a double)', edited(at(10, (l) => setField(l, COL.temp, '1e999'))), ['row 10', 'column "TEMP"', 'is not a number']);
  await csv('nul-cell.csv', 'PM2.5 of row 4 holds two NUL bytes', edited(at(4, (l) => setField(l, COL.pm25, '1\u0000\u00002'))), ['row 4', 'column "PM2.5"', 'is not a number']);
  await csv('duplicate-timestamp.csv', 'row 12 repeats row 11 (same station and hour)', edited((d) => [...d.slice(0, 10), d[9] ?? '', ...d.slice(10)]), ['row 12', 'duplicate timestamp 2013-03-01 09:00']);
  await csv('out-of-order.csv', 'rows 21 and 22 swapped', edited((d) => [...d.slice(0, 19), d[20] ?? '', d[19] ?? '', ...d.slice(21)]), ['row 22', 'non-monotonic time']);
  await csv('bad-date.csv', 'row 5 dated 2013-02-30', edited(at(5, (l) => setField(setField(l, COL.month, '2'), COL.day, '30'))), ['row 5', 'year/month/day/hour', 'does not parse']);
  await csv('bad-hour.csv', 'row 5 at hour 24', edited(at(5, (l) => setField(l, COL.hour, '24'))), ['row 5', 'does not parse']);
  await csv('blank-station.csv', 'row 13 has no station name', edited(at(13, (l) => setField(l, COL.station, '""'))), ['row 13', 'column "station"', 'no station name']);
  await csv('bad-wind.csv', 'wd of row 14 is "NORTH"', edited(at(14, (l) => setField(l, COL.wd, '"NORTH"'))), ['row 14', 'column "wd"', 'compass']);
  await csv('unterminated-quote.csv', 'the station cell of row 30 opens a quote it never closes', edited(at(30, (l) => l.replace(/"Dongsi"$/, '"Dongsi'))), ['row 30', 'not closed']);
  await csv('invalid-utf8.csv', 'the station name of row 3 holds bytes 0xFF 0xFE (not UTF-8)', invalidUtf8(header, rows), ['row 3', 'invalid UTF-8', /column \d+, byte offset \d+ \(byte 0xff\)/]);
  await csv('binary.csv', 'the real .csv.gz bytes, named .csv', realGz, ['gzip-compressed binary data, not CSV text']);
  await csv('truncated.csv.gz', 'the real .csv.gz cut at half its bytes', realGz.subarray(0, Math.floor(realGz.length / 2)), ['not a complete gzip file', 'truncated']);
  await csv('all-missing-station.csv', 'every PM2.5 of the slice is NA', edited((d) => d.map((l) => setField(l, COL.pm25, 'NA'))), ['column "PM2.5"', 'station "Dongsi" has no value']);
  await csv('no-pm25-column.csv', 'the PM2.5 column removed from the header and every row', [header, ...rows].map((l) => l.split(',').filter((_, i) => i !== COL.pm25).join(',')).join(EOL), ['row 1', 'column "PM2.5"', 'unknown mapped column']);
  const folder = join(dir, 'a-folder.csv');
  await mkdir(folder, { recursive: true });
  await copyFile(DONGSI_GZ, join(folder, 'inside.csv.gz'));
  cases.push({ loader: 'csv', name: 'a-folder.csv', made: 'a folder (holding a real station file) given as the table', data: folder, mentions: ['is a folder'] });
  cases.push({ loader: 'csv', name: 'missing.csv', made: 'a path that does not exist', data: join(dir, 'missing.csv'), mentions: ['file not found'] });
  cases.push({ loader: 'csv', name: 'nothing-*.csv', made: 'a glob that matches nothing', data: join(dir, 'nothing-*.csv'), mentions: ['no file matches'] });

  // --- Parquet and Arrow: copies of the good slice, then broken ---
  const good = join(dir, 'good-slice.csv');
  await writeFile(good, `${[header, ...rows].join(EOL)}${EOL}`);
  const copies = await writeTableCopies([good], dir);
  for (const [loader, source, magic] of [
    ['parquet', copies.files.parquet[0] ?? '', 'PAR1'],
    ['arrow', copies.files.arrow[0] ?? '', 'ARROW1'],
  ] as const) {
    const ext = loader === 'parquet' ? 'parquet' : 'arrow';
    const bytes = await readFile(source);
    const file = async (name: string, made: string, content: Uint8Array | string, mentions: readonly (string | RegExp)[]): Promise<void> => {
      const path = join(dir, `${name}.${ext}`);
      await writeFile(path, content);
      cases.push({ loader, name: `${name}.${ext}`, made, data: path, mentions });
    };
    await file('zero-byte', 'an empty file (0 bytes)', new Uint8Array(0), ['is empty (0 bytes)']);
    await file('truncated-half', `the real ${loader} copy cut at half its bytes`, bytes.subarray(0, Math.floor(bytes.length / 2)), ['truncated', /magic (PAR1|ARROW1)/]);
    await file('truncated-tail', `the real ${loader} copy without its last 16 bytes`, bytes.subarray(0, bytes.length - 16), ['truncated', /magic (PAR1|ARROW1)/]);
    const flipped = Buffer.from(bytes);
    flipped.write(magic.toLowerCase(), 0, 'latin1');
    await file('wrong-magic', `the real ${loader} copy with its leading magic "${magic}" lower-cased`, flipped, [/is not an? (Parquet|Arrow IPC) file/, /magic (PAR1|ARROW1)/]);
    await file('text', `the real CSV slice named .${ext}`, `${[header, ...rows].join(EOL)}${EOL}`, [/is not an? (Parquet|Arrow IPC) file/]);
  }

  // --- Mapping files (JSON), read by readMappingFile, then with a real table ---
  const map = async (name: string, made: string, content: string | Uint8Array, mentions: readonly (string | RegExp)[]): Promise<void> => {
    const path = join(dir, name);
    await writeFile(path, content);
    cases.push({ loader: 'mapping', name, made, data: good, mapping: path, mentions });
  };
  const beijingJson = {
    layout: 'long',
    station: 'station',
    time: { year: 'year', month: 'month', day: 'day', hour: 'hour' },
    pollutants: ['PM2.5', 'PM10'],
    weather: ['TEMP', 'PRES'],
    windDirection: { column: 'wd', encoding: 'compass' },
  };
  const text = JSON.stringify(beijingJson, null, 2);
  await map('zero-byte.json', 'an empty file (0 bytes)', '', ['is empty (0 bytes)']);
  await map('cut.json', 'a valid mapping cut at half its characters', text.slice(0, Math.floor(text.length / 2)), ['not valid JSON', /line \d+, column \d+/, 'unterminated string']);
  await map('mapping.yaml', 'the same mapping written as YAML', 'layout: long\nstation: station\npollutants: [PM2.5]\n', ['not valid JSON', 'line 1, column 1']);
  await map('binary.json', 'the real .csv.gz bytes, named .json', realGz, ['line 1', 'binary data at', 'gzip-compressed']);
  await map('invalid-utf8.json', 'a valid mapping whose station column name holds bytes 0xFF 0xFE', Buffer.concat([Buffer.from(text.slice(0, text.indexOf('"station"', 12) + 1)), Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(text.indexOf('"station"', 12) + 1))]), ['line 3', 'invalid UTF-8']);
  await map('array.json', 'a JSON array instead of an object', '[1, 2]', ['(root)', 'must be a JSON object']);
  await map('unknown-key.json', 'the mapping with a misspelt key "polutants"', JSON.stringify({ ...beijingJson, polutants: ['PM2.5'] }), ['polutants', 'unknown key']);
  await map('bad-format.json', 'a time column with the format "YYYY-MM-DD hh"', JSON.stringify({ ...beijingJson, time: { column: 'year', format: 'YYYY-MM-DD hh' } }), ['time.format', 'unexpected "h"']);
  await map('twice.json', 'PM2.5 mapped as a pollutant and as weather', JSON.stringify({ ...beijingJson, weather: ['TEMP', 'PM2.5'] }), ['weather[1]', 'already mapped']);
  const mapFolder = join(dir, 'mapping-folder.json');
  await mkdir(mapFolder, { recursive: true });
  cases.push({ loader: 'mapping', name: 'mapping-folder.json', made: 'a folder given as the mapping', data: good, mapping: mapFolder, mentions: ['is a folder'] });
  cases.push({ loader: 'mapping', name: 'missing.json', made: 'a mapping path that does not exist', data: good, mapping: join(dir, 'missing.json'), mentions: ['file not found'] });
  // Valid mappings naming columns the real table has not got: the table read fails, naming the column and key.
  const absent = join(dir, 'absent-columns.json');
  await writeFile(absent, JSON.stringify({ ...beijingJson, pollutants: ['PM2.5', 'PM25'] }));
  cases.push({ loader: 'mapping', name: 'absent-columns.json', made: 'a valid mapping naming a pollutant "PM25" the real table has not got', data: good, mapping: absent, mentions: ['column "PM25"', 'pollutants[1]', 'unknown mapped column'] });
  const absentTime = join(dir, 'absent-time.json');
  await writeFile(absentTime, JSON.stringify({ ...beijingJson, time: { column: 'date', format: 'YYYY-MM-DD HH:mm' } }));
  cases.push({ loader: 'mapping', name: 'absent-time.json', made: 'a valid mapping whose time column "date" the real table has not got', data: good, mapping: absentTime, mentions: ['column "date"', 'time.column', 'unknown mapped column'] });
  return cases;
}

/** The slice with the station name of row 3 replaced by bytes that are not UTF-8. */
function invalidUtf8(header: string, rows: readonly string[]): Buffer {
  const before = `${[header, ...rows.slice(0, 1)].join(EOL)}${EOL}`;
  const row = rows[1] ?? '';
  const cut = row.lastIndexOf(',') + 1;
  return Buffer.concat([Buffer.from(before + row.slice(0, cut) + '"Dong'), Buffer.from([0xff, 0xfe]), Buffer.from(`si"${EOL}${rows.slice(2).join(EOL)}${EOL}`)]);
}
