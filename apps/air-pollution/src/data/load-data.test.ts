import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { sha256Hex, sharedDataDir } from '@counterweight/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AlignedTable } from './aligned-table.js';
import { BEIJING_FILES, BEIJING_SHARED_FOLDER, beijingFileName } from './fetch.js';
import { BEIJING_SAMPLE_DIR, BEIJING_SAMPLE_STATIONS, loadStationData, sourceFiles } from './load-data.js';
import { BEIJING_MAPPING, parseMapping } from './mapping.js';
import { readStationTable } from './read-station-table.js';
import { removeTempDirs, tempDir, writeLines } from './test-support/temp.js';
import { makeWindows } from './windows.js';

afterAll(removeTempDirs);

/** NA cells per column of a Beijing CSV, counted by splitting its lines (independent of DuckDB). */
function naCounts(path: string): { rows: number; na: Record<string, number>; total: number } {
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\r\n').filter((l) => l !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.replace(/"/g, ''));
  const na: Record<string, number> = Object.fromEntries(header.map((h) => [h, 0]));
  let total = 0;
  for (const line of lines.slice(1)) {
    line.split(',').forEach((cell, i) => {
      if (cell === 'NA') {
        const name = header[i] ?? '';
        na[name] = (na[name] ?? 0) + 1;
        total++;
      }
    });
  }
  return { rows: lines.length - 1, na, total };
}

describe('the embedded Beijing sample (real data)', () => {
  let table: AlignedTable;
  beforeAll(async () => {
    table = await loadStationData({ source: 'sample' });
  });

  it('holds the three station files byte for byte as in the shared data (SOURCES.md SHA-256)', () => {
    const files = readdirSync(BEIJING_SAMPLE_DIR).sort();
    expect(files).toEqual(BEIJING_SAMPLE_STATIONS.map((s) => `${beijingFileName(s)}.gz`));
    for (const station of BEIJING_SAMPLE_STATIONS) {
      const expected = BEIJING_FILES.find((f) => f.station === station)?.sha256Gz;
      expect(sha256Hex(readFileSync(join(BEIJING_SAMPLE_DIR, `${beijingFileName(station)}.gz`)))).toBe(expected);
    }
  });

  it('reads 3 × 35,064 rows onto an hourly grid of 35,064 steps from 2013-03-01 00:00', () => {
    expect(table.stations.map((s) => s.station)).toEqual(['Changping', 'Dingling', 'Dongsi']);
    expect([table.frequency, table.start, table.stepMs, table.length]).toEqual(['hourly', Date.UTC(2013, 2, 1), 3_600_000, 35_064]);
    expect(table.pollutants).toEqual(['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3']);
    expect(table.weather).toEqual(['TEMP', 'PRES', 'DEWP', 'RAIN', 'WSPM']);
    expect(table.derived).toEqual(['wd_sin', 'wd_cos']);
    expect(table.units['PM2.5']).toBe('µg/m³');
  });

  it('has the missing counts an independent line count finds, and the NA totals of SOURCES.md', () => {
    const sourcesNa: Record<string, number> = { Changping: 5166, Dingling: 7015, Dongsi: 7600 };
    for (const station of BEIJING_SAMPLE_STATIONS) {
      const counted = naCounts(join(BEIJING_SAMPLE_DIR, `${beijingFileName(station)}.gz`));
      expect(counted.rows).toBe(35_064);
      expect(counted.total).toBe(sourcesNa[station]);
      let sum = 0;
      for (const variable of [...table.pollutants, ...table.weather]) {
        const m = table.missing.find((x) => x.station === station && x.variable === variable);
        expect(m?.missingBefore, `${station} ${variable}`).toBe(counted.na[variable]);
        sum += m?.missingBefore ?? 0;
      }
      const wd = table.missing.find((x) => x.station === station && x.variable === 'wd_sin');
      expect(wd?.missingBefore).toBe(counted.na['wd']);
      expect(sum + (wd?.missingBefore ?? 0)).toBe(sourcesNa[station]);
    }
  });

  it('windows the sample with the default periods: every split has windows', () => {
    const windows = makeWindows(table, { history: 24, horizons: [1, 6, 24], stride: 6 });
    expect(windows.periods.test).toEqual({ start: '2016-07-01', end: '2017-03-01' });
    for (const split of [windows.train, windows.validation, windows.test]) expect(split.count).toBeGreaterThan(1000);
    expect(Number.isFinite(windows.scaling['PM2.5']?.mean)).toBe(true);
  });

  it('daily means of the sample: 1,461 days', async () => {
    const daily = await loadStationData({ source: 'sample', frequency: 'daily' });
    expect([daily.length, daily.stepMs]).toEqual([1461, 86_400_000]);
    const missing = daily.missing.find((m) => m.station === 'Dongsi' && m.variable === 'PM2.5');
    expect(missing?.steps).toBe(1461);
    expect(missing?.missingBefore).toBeLessThan(100);
  });
});

describe('known values of the first Aotizhongxin rows (SOURCES.md §1)', () => {
  it('reads them from the shared data', async () => {
    const path = join(sharedDataDir(), BEIJING_SHARED_FOLDER, `${beijingFileName('Aotizhongxin')}.gz`);
    const records = await readStationTable({ files: path, mapping: BEIJING_MAPPING });
    expect(records.time.length).toBe(35_064);
    const first = (name: string) => [records.values[name]?.[0], records.values[name]?.[1]];
    expect(first('PM2.5')).toEqual([4, 8]);
    expect(first('CO')).toEqual([300, 300]);
    expect(first('O3')).toEqual([77, 77]);
    expect(first('TEMP')).toEqual([-0.7, -1.1]);
    expect(first('PRES')).toEqual([1023, 1023.2]);
    expect(first('DEWP')).toEqual([-18.8, -18.2]);
    expect(first('WSPM')).toEqual([4.4, 4.7]);
    expect([records.windDirection?.[0], records.windDirection?.[1]]).toEqual([337.5, 0]);
    expect([records.time[0], records.time[1]]).toEqual([Date.UTC(2013, 2, 1, 0), Date.UTC(2013, 2, 1, 1)]);
    const table = await loadStationData({ source: [path] });
    expect(table.stations[0]?.values['wd_sin']?.[0]).toBeCloseTo(Math.sin((337.5 * Math.PI) / 180), 6);
    expect(sourceFiles({ source: 'sample' })).toBe(`${BEIJING_SAMPLE_DIR}*.csv.gz`);
  });
});

describe('a pollutant-only wide table of daily values, end to end', () => {
  it('loads with a mapping, aligns daily as it is, and windows with no weather head (seasonal = a week earlier)', async () => {
    const dir = await tempDir('wide');
    const lines = ['date,north,south'];
    for (let d = 0; d < 120; d++) {
      const day = new Date(Date.UTC(2021, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      lines.push(`${day},${d},${d === 5 ? 'NA' : 100 + d}`);
    }
    const path = await writeLines(dir, 'pm10.csv.gz', lines);
    const mapping = parseMapping({ layout: 'wide', time: { column: 'date', format: 'ISO' }, pollutant: 'PM10', units: { PM10: 'µg/m³' } }, 'pm10.json');
    const table = await loadStationData({ source: path, mapping, frequency: 'daily' });
    expect([table.length, table.weather, table.derived, table.pollutants]).toEqual([120, [], [], ['PM10']]);
    expect(table.missing.find((m) => m.station === 'south')?.missingBefore).toBe(1);
    const windows = makeWindows(table, { history: 7, horizons: [1] });
    expect(windows.features).toEqual(['PM10', 'doy_sin', 'doy_cos', 'dow_sin', 'dow_cos']);
    expect([windows.targets, windows.weatherTargets]).toEqual([['PM10'], []]);
    // 120 days: train 2021-01-01 to 2021-03-26 (84 days), validation to 2021-04-13 (day 102), test to 2021-05-01.
    expect(windows.periods.test).toEqual({ start: '2021-04-13', end: '2021-05-01' });
    const test = windows.test;
    const i = [...test.time].findIndex((t, j) => t === Date.UTC(2021, 3, 20) && test.station[j] === 0);
    expect([test.raw[i], test.persistence[i], test.seasonal[i]]).toEqual([110, 109, 103]);
    await expect(loadStationData({ source: path, mapping })).rejects.toThrow('frequency: hourly was asked but every time is at 00:00 (daily data); use daily');
  });
});
