import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError } from '@counterweight/runtime';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseMapping, type StationTableMapping } from './mapping.js';
import { compassDegrees, readStationTable, stationFileFormat } from './read-station-table.js';
import { removeTempDirs, tempDir, writeLines } from './test-support/temp.js';

const HEADER = 'site,date,pm25,pm10,temp,wd';
const GOOD = [HEADER, 'B,2020-01-01 00:00,30,40,-2,', 'A,2020-01-01 00:00,10,20,1.5,90', 'A,2020-01-01 01:00,NA,22,1.0,180', 'B,2020-01-01 02:00,35,,-3,270'];
const MAPPING: StationTableMapping = parseMapping(
  {
    layout: 'long',
    station: 'site',
    time: { column: 'date', format: 'YYYY-MM-DD HH:mm' },
    pollutants: ['pm25', 'pm10'],
    weather: ['temp'],
    windDirection: { column: 'wd', encoding: 'degrees' },
    units: { pm25: 'µg/m³' },
  },
  'test.json',
);
const T0 = Date.UTC(2020, 0, 1);
const H = 3_600_000;

let dir: string;
beforeAll(async () => {
  dir = await tempDir('read');
});
afterAll(removeTempDirs);

/** Runs a read expected to fail and returns its DataFileError. */
async function failure(files: string | string[], mapping: StationTableMapping = MAPPING): Promise<DataFileError> {
  const error: unknown = await readStationTable({ files, mapping }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataFileError);
  return error as DataFileError;
}

function expectGood(records: Awaited<ReturnType<typeof readStationTable>>): void {
  expect(records.stations).toEqual(['A', 'B']);
  expect([...records.station]).toEqual([0, 0, 1, 1]);
  expect([...records.time]).toEqual([T0, T0 + H, T0, T0 + 2 * H]);
  expect([...(records.values['pm25'] ?? [])]).toEqual([10, NaN, 30, 35]);
  expect([...(records.values['pm10'] ?? [])]).toEqual([20, 22, 40, NaN]);
  expect([...(records.values['temp'] ?? [])]).toEqual([1.5, 1, -2, -3]);
  expect([...(records.windDirection ?? [])]).toEqual([90, 180, NaN, 270]);
  expect(records.pollutants).toEqual(['pm25', 'pm10']);
  expect(records.weather).toEqual(['temp']);
  expect(records.units).toEqual({ pm25: 'µg/m³' });
}

describe('readStationTable: formats', () => {
  it('reads a long CSV, sorted by station and time, with file rows (header = row 1)', async () => {
    const path = await writeLines(dir, 'good.csv', GOOD);
    const records = await readStationTable({ files: path, mapping: MAPPING });
    expectGood(records);
    expect([...records.row]).toEqual([3, 4, 2, 5]);
    expect(records.sources).toEqual([path]);
  });

  it('reads gzip CSV, Parquet (written by DuckDB COPY) and Arrow IPC to the same records', async () => {
    const csv = await writeLines(dir, 'same.csv', GOOD);
    expectGood(await readStationTable({ files: await writeLines(dir, 'good.csv.gz', GOOD), mapping: MAPPING }));
    const parquet = join(dir, 'good.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT * FROM read_csv('${csv}', header = true, nullstr = 'NA', types = {'date': 'VARCHAR'})) TO '${parquet}' (FORMAT parquet)`);
    // A Parquet file whose time column is a real TIMESTAMP is read without a format.
    const typed = join(dir, 'typed.parquet');
    await connection.run(`COPY (SELECT site, strptime(date, '%Y-%m-%d %H:%M') AS date, pm25, pm10, temp, wd FROM read_parquet('${parquet}')) TO '${typed}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    expectGood(await readStationTable({ files: parquet, mapping: MAPPING }));
    expectGood(await readStationTable({ files: typed, mapping: MAPPING }));
    const arrow = join(dir, 'good.arrow');
    const table = tableFromArrays({
      site: ['B', 'A', 'A', 'B'],
      date: ['2020-01-01 00:00', '2020-01-01 00:00', '2020-01-01 01:00', '2020-01-01 02:00'],
      pm25: Float64Array.from([30, 10, NaN, 35]),
      pm10: Float64Array.from([40, 20, 22, NaN]),
      temp: Float64Array.from([-2, 1.5, 1, -3]),
      wd: Float64Array.from([NaN, 90, 180, 270]),
    });
    await writeFile(arrow, tableToIPC(table, 'file'));
    expect(stationFileFormat(arrow)).toBe('arrow');
    const fromArrow = await readStationTable({ files: arrow, mapping: MAPPING });
    // NaN in an Arrow float column counts as missing.
    expectGood(fromArrow);
    expect([...fromArrow.row]).toEqual([2, 3, 1, 4]);
  });

  it('reads a pollutant-only wide table (one column per station) and several files by glob', async () => {
    const wide = parseMapping({ layout: 'wide', time: { column: 'day', format: 'DD/MM/YYYY' }, pollutant: 'PM10', missing: ['-'] }, 'wide.json');
    await writeLines(dir, 'wide-1.csv', ['day,north,south', '01/01/2020,12,-', '02/01/2020,15,30']);
    await writeLines(dir, 'wide-2.csv', ['day,north,south', '03/01/2020,,31']);
    const records = await readStationTable({ files: join(dir, 'wide-*.csv'), mapping: wide });
    expect(records.stations).toEqual(['north', 'south']);
    expect(records.weather).toEqual([]);
    expect(records.windDirection).toBeUndefined();
    expect([...records.time]).toEqual([T0, T0 + 24 * H, T0 + 48 * H, T0, T0 + 24 * H, T0 + 48 * H]);
    expect([...(records.values['PM10'] ?? [])]).toEqual([12, 15, NaN, NaN, 30, 31]);
    expect(records.sources.map((s) => s.slice(dir.length + 1))).toEqual(['wide-1.csv', 'wide-2.csv']);
    expect([...records.file]).toEqual([0, 0, 1, 0, 0, 1]);
    expect([...records.row]).toEqual([2, 3, 2, 2, 3, 2]);
  });

  it('reads year/month/day/hour columns and compass directions', async () => {
    const mapping = parseMapping(
      { layout: 'long', station: 's', time: { year: 'y', month: 'm', day: 'd', hour: 'h' }, pollutants: ['p'], windDirection: { column: 'wd', encoding: 'compass' } },
      'ymdh.json',
    );
    const path = await writeLines(dir, 'ymdh.csv', ['s,y,m,d,h,p,wd', 'X,2016,2,29,23,5,NNW', 'X,2016,3,1,0,6,e']);
    const records = await readStationTable({ files: path, mapping });
    expect([...records.time]).toEqual([Date.UTC(2016, 1, 29, 23), Date.UTC(2016, 2, 1, 0)]);
    expect([...(records.windDirection ?? [])]).toEqual([337.5, 90]);
    expect(compassDegrees('SW')).toBe(225);
    expect(compassDegrees('calm')).toBeUndefined();
  });
});

describe('readStationTable: errors name file, row and column', () => {
  it('unknown mapped column', async () => {
    const path = await writeLines(dir, 'no-temp.csv', ['site,date,pm25,pm10,wd', 'A,2020-01-01 00:00,1,2,90']);
    const error = await failure(path);
    expect(error.message).toBe(`${path}, row 1, column "temp": unknown mapped column (mapping key weather[0]); the file's columns are site, date, pm25, pm10, wd`);
  });

  it('malformed numeric cell, and a bad wind direction', async () => {
    const path = await writeLines(dir, 'bad-number.csv', [...GOOD.slice(0, 3), 'A,2020-01-01 01:00,7,12x,1.0,180']);
    const error = await failure(path);
    expect(error.message).toContain(`${path}, row 4, column "pm10": malformed row: "12x" is not a number`);
    expect([error.file, error.row, error.column]).toEqual([path, 4, 'pm10']);
    const wd = await writeLines(dir, 'bad-wd.csv', [...GOOD.slice(0, 2), 'A,2020-01-01 00:00,10,20,1.5,400']);
    expect((await failure(wd)).message).toContain(`${wd}, row 3, column "wd": malformed row: "400" is not a direction in degrees`);
  });

  it('times that do not parse strictly: 30 February, 25:00, unpadded fields', async () => {
    for (const [bad, name] of [
      ['2020-02-30 00:00', 'feb30'],
      ['2020-01-01 25:00', 'hour25'],
      ['2020-1-01 00:00', 'unpadded'],
    ] as const) {
      const path = await writeLines(dir, `${name}.csv`, [...GOOD.slice(0, 3), `A,${bad},1,2,3,4`]);
      const error = await failure(path);
      expect(error.message).toBe(`${path}, row 4, column "date": time "${bad}" does not parse strictly as format "YYYY-MM-DD HH:mm"`);
    }
    const mapping = parseMapping({ layout: 'long', station: 's', time: { year: 'y', month: 'm', day: 'd', hour: 'h' }, pollutants: ['p'] }, 'm.json');
    const path = await writeLines(dir, 'hour24.csv', ['s,y,m,d,h,p', 'X,2015,2,28,23,5', 'X,2015,2,28,24,5']);
    expect((await failure(path, mapping)).message).toBe(`${path}, row 3, column "y/m/d/h": time "2015-2-28-24" does not parse strictly as a calendar date and hour 0–23`);
  });

  it('duplicate timestamps within a file and across files, and non-monotonic time', async () => {
    const dup = await writeLines(dir, 'dup.csv', [...GOOD, 'A,2020-01-01 01:00,1,2,3,4']);
    expect((await failure(dup)).message).toBe(`${dup}, row 6, column "date": duplicate timestamp 2020-01-01 01:00 for station "A"`);
    const back = await writeLines(dir, 'back.csv', [...GOOD, 'B,2020-01-01 01:00,1,2,3,4']);
    expect((await failure(back)).message).toBe(`${back}, row 6, column "date": non-monotonic time: 2020-01-01 01:00 comes after 2020-01-01 02:00 for station "B"`);
    const first = await writeLines(dir, 'part-1.csv', GOOD);
    const second = await writeLines(dir, 'part-2.csv', [HEADER, 'C,2020-01-01 00:00,1,2,3,4', 'A,2020-01-01 05:00,1,2,3,4', 'A,2020-01-01 06:00,1,2,3,4', 'B,2020-01-01 02:00,1,2,3,4']);
    expect((await failure([first, second])).message).toBe(`${second}, row 5, column "date": duplicate timestamp 2020-01-01 02:00 for station "B" (also in part-1.csv row 5)`);
  });

  it('rows in a later file are counted from that file', async () => {
    const first = await writeLines(dir, 'ok-1.csv', GOOD);
    const second = await writeLines(dir, 'bad-2.csv', [HEADER, 'C,2020-01-01 00:00,1,2,3,4', 'C,2020-01-01 01:00,1,oops,3,4']);
    const error = await failure([first, second]);
    expect([error.file, error.row, error.column]).toEqual([second, 3, 'pm10']);
  });

  it('missing files, empty globs, mixed formats and a broken gzip', async () => {
    expect((await failure(join(dir, 'nope.csv'))).message).toBe(`${join(dir, 'nope.csv')}: file not found`);
    expect((await failure(join(dir, 'nothing-*.csv'))).message).toBe(`${join(dir, 'nothing-*.csv')}: no file matches this pattern`);
    const csv = await writeLines(dir, 'mix.csv', GOOD);
    const arrow = join(dir, 'mix.arrow');
    await writeFile(arrow, 'not arrow');
    expect((await failure([csv, arrow])).message).toContain(`${arrow}: is ARROW but mix.csv is CSV`);
    expect((await failure(arrow)).message).toContain(`${arrow}: is not an Arrow IPC file: it starts neither with the magic ARROW1`);
    const gz = join(dir, 'broken.csv.gz');
    await writeFile(gz, 'this is not gzip');
    expect((await failure(gz)).message).toBe(`${gz}: is not gzip-compressed although its name ends in .gz (rename it, or compress it)`);
  });
});
