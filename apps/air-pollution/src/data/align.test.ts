import { ConfigError, DataFileError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { alignStations, interpolateShortGaps } from './align.js';
import type { StationRecords } from './station-records.js';

const H = 3_600_000;
const T0 = Date.UTC(2020, 0, 1);

/** Records of stations given as [station index, hour offset, pollutant, weather, wind degrees]. */
function records(rows: readonly (readonly [number, number, number, number, number])[], stations = ['A', 'B']): StationRecords {
  return {
    stations,
    station: Int32Array.from(rows.map((r) => r[0])),
    time: Float64Array.from(rows.map((r) => T0 + r[1] * H)),
    values: { p: Float64Array.from(rows.map((r) => r[2])), w: Float64Array.from(rows.map((r) => r[3])) },
    windDirection: Float64Array.from(rows.map((r) => r[4])),
    file: new Int32Array(rows.length),
    row: Int32Array.from(rows.map((_, i) => i + 2)),
    sources: ['/data/x.csv'],
    pollutants: ['p'],
    weather: ['w'],
    units: { p: 'µg/m³' },
  };
}

const values = (a: Float32Array | undefined): number[] => [...(a ?? [])].map((v) => (Number.isNaN(v) ? NaN : Math.round(v * 1e6) / 1e6 + 0));

describe('alignStations (hourly)', () => {
  const table = alignStations(
    records([
      [0, 0, 1, 10, 0],
      [0, 1, NaN, 11, 90],
      [0, 3, 4, 13, NaN],
      [1, 1, 5, NaN, 180],
      [1, 4, 8, 14, 270],
    ]),
  );

  it('puts every station on one grid from the first to the last time, NaN where missing', () => {
    expect([table.start, table.stepMs, table.length, table.frequency]).toEqual([T0, H, 5, 'hourly']);
    const [a, b] = table.stations;
    expect(values(a?.values['p'])).toEqual([1, NaN, NaN, 4, NaN]);
    expect(values(b?.values['p'])).toEqual([NaN, 5, NaN, NaN, 8]);
    expect(values(a?.values['w'])).toEqual([10, 11, NaN, 13, NaN]);
    expect(values(a?.values['wd_sin'])).toEqual([0, 1, NaN, NaN, NaN]);
    expect(values(a?.values['wd_cos'])).toEqual([1, 0, NaN, NaN, NaN]);
    expect(values(b?.values['wd_cos'])).toEqual([NaN, -1, NaN, NaN, 0]);
    expect(table.derived).toEqual(['wd_sin', 'wd_cos']);
    expect(table.sources).toEqual(['x.csv']);
    expect(table.missing.find((m) => m.station === 'A' && m.variable === 'p')).toEqual({ station: 'A', variable: 'p', missingBefore: 3, missingAfter: 3, steps: 5 });
  });

  it('interpolates gaps of at most maxGap steps, never a longer gap nor the ends', () => {
    const filled = alignStations(records([[0, 0, 1, 0, 0], [0, 3, 4, 0, 0], [0, 4, 5, 0, 0], [0, 9, 0, 0, 0], [1, 0, 1, 1, 1]]), { interpolateMaxGap: 2 });
    expect(values(filled.stations[0]?.values['p'])).toEqual([1, 2, 3, 4, 5, NaN, NaN, NaN, NaN, 0]);
    expect(filled.missing.find((m) => m.station === 'A' && m.variable === 'p')).toMatchObject({ missingBefore: 6, missingAfter: 4 });
    const series = Float32Array.from([NaN, 1, NaN, NaN, NaN, 5, NaN]);
    expect(interpolateShortGaps(series, 3)).toBe(3);
    expect(values(series)).toEqual([NaN, 1, 2, 3, 4, 5, NaN]);
    expect(interpolateShortGaps(Float32Array.from([1, NaN, NaN, 4]), 1)).toBe(0);
  });

  it('errors: an all-missing pollutant (or drops the station), a time off the grid, bad options', () => {
    const rows = [
      [0, 0, 1, 1, 0],
      [1, 0, NaN, 1, 0],
      [1, 1, NaN, 1, 0],
    ] as const;
    expect(() => alignStations(records(rows))).toThrow('x.csv, column "p": station "B" has no value of p (all 2 hourly steps missing)');
    expect(alignStations(records(rows), { dropAllMissingStations: true }).stations.map((s) => s.station)).toEqual(['A']);
    const off = records([[0, 0, 1, 1, 0], [0, 1.5, 1, 1, 0]]);
    expect(() => alignStations(off)).toThrow(DataFileError);
    expect(() => alignStations(off)).toThrow('/data/x.csv, row 3, column "time": time 2020-01-01 01:30 of station "A" is not on the hourly grid');
    expect(() => alignStations(off, { interpolateMaxGap: -1 })).toThrow(ConfigError);
    expect(() => alignStations(off, { minValuesPerDay: 25, frequency: 'daily' })).toThrow('minValuesPerDay: must be an integer from 1 to 24');
  });
});

describe('alignStations (daily)', () => {
  it('averages a day only with at least minValuesPerDay values', () => {
    const rows: [number, number, number, number, number][] = [];
    for (let h = 0; h < 24; h++) rows.push([0, h, h, 1, 90]); // day 1: 24 values, mean 11.5
    for (let h = 24; h < 24 + 17; h++) rows.push([0, h, 100, 2, 90]); // day 2: 17 values (< 18)
    for (let h = 48; h < 48 + 18; h++) rows.push([0, h, 6, 3, 0]); // day 3: 18 values
    const table = alignStations(records(rows, ['A']), { frequency: 'daily' });
    expect([table.start, table.stepMs, table.length]).toEqual([T0, 86_400_000, 3]);
    expect(values(table.stations[0]?.values['p'])).toEqual([11.5, NaN, 6]);
    expect(values(table.stations[0]?.values['w'])).toEqual([1, NaN, 3]);
    expect(values(table.stations[0]?.values['wd_sin'])).toEqual([1, NaN, 0]);
    expect(values(alignStations(records(rows, ['A']), { frequency: 'daily', minValuesPerDay: 17 }).stations[0]?.values['p'])).toEqual([11.5, 100, 6]);
  });

  it('keeps daily data (all times at 00:00) as they are, and refuses hourly on it', () => {
    const daily = records([[0, 0, 3, 1, 0], [0, 48, 5, 1, 0], [1, 24, 7, 1, 0]]);
    const table = alignStations(daily, { frequency: 'daily' });
    expect(values(table.stations[0]?.values['p'])).toEqual([3, NaN, 5]);
    expect(values(table.stations[1]?.values['p'])).toEqual([NaN, 7, NaN]);
    expect(() => alignStations(daily)).toThrow('frequency: hourly was asked but every time is at 00:00 (daily data); use daily');
  });
});
