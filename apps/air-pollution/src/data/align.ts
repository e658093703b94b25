import { basename } from 'node:path';

import { ConfigError, DataFileError } from '@counterweight/runtime';

import type { AlignedTable, Frequency, MissingCount, StationSeries } from './aligned-table.js';
import type { StationRecords } from './station-records.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Options of {@link alignStations}. */
export interface AlignOptions {
  /** Grid: `hourly` (default) or `daily` (calendar-day means of hourly data, or daily data as they are). */
  readonly frequency?: Frequency;
  /** Daily means of sub-daily data: a day needs at least this many values of a variable, else it is missing. Default 18 (of 24). */
  readonly minValuesPerDay?: number;
  /** Fill gaps of at most this many consecutive missing steps by linear interpolation between the two observed neighbours. Default 0 (off). */
  readonly interpolateMaxGap?: number;
  /** Drop a station that has no value at all of some pollutant instead of failing. Default false. */
  readonly dropAllMissingStations?: boolean;
}

/** Names of the derived wind-direction inputs. */
export const WIND_FEATURES = ['wd_sin', 'wd_cos'] as const;

/**
 * Fills runs of at most `maxGap` missing values (NaN) that have an observed value on both sides by linear
 * interpolation, in place; longer runs and runs at either end stay NaN. Returns how many values were filled.
 */
export function interpolateShortGaps(values: Float32Array, maxGap: number): number {
  if (maxGap <= 0) return 0;
  let filled = 0;
  let last = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? NaN;
    if (Number.isNaN(v)) continue;
    const gap = i - last - 1;
    if (last >= 0 && gap > 0 && gap <= maxGap) {
      const a = values[last] ?? NaN;
      for (let k = 1; k <= gap; k++) values[last + k] = a + ((v - a) * k) / (gap + 1);
      filled += gap;
    }
    last = i;
  }
  return filled;
}

function countNaN(values: Float32Array): number {
  let n = 0;
  for (const v of values) if (Number.isNaN(v)) n++;
  return n;
}

/**
 * Puts station records on one regular grid shared by all stations (from the earliest to the latest time of any
 * station), joining every variable on station and time; a grid step without a row, or a missing cell, is `NaN`.
 *
 * - `hourly`: every record time must lie on the hour.
 * - `daily`: sub-daily records are averaged per calendar day (wall clock); a day's mean of a variable needs at least
 *   `minValuesPerDay` values (default 18 of 24). Records that are all at 00:00 are taken as daily data, one value
 *   per day, and kept as they are.
 * - Wind direction θ (degrees) becomes `wd_sin` = sin θ and `wd_cos` = cos θ (daily: the mean of the hourly sin and
 *   cos with the same count rule, i.e. the vector mean direction scaled by its consistency).
 * - Optional short-gap linear interpolation (`interpolateMaxGap`), per station and variable, never across a longer gap.
 * - Missing counts per station and variable, before and after interpolation.
 *
 * @throws ConfigError for invalid options or `hourly` on daily data (`frequency`).
 * @throws DataFileError naming the station's file(s), row and column for a time off the hourly grid, and naming the
 *   station and variable when a station has no value at all of a pollutant (unless `dropAllMissingStations`).
 */
export function alignStations(records: StationRecords, options: AlignOptions = {}): AlignedTable {
  const frequency = options.frequency ?? 'hourly';
  if (frequency !== 'hourly' && frequency !== 'daily') throw new ConfigError('frequency', `must be "hourly" or "daily", got ${JSON.stringify(frequency)}`);
  const minPerDay = options.minValuesPerDay ?? 18;
  if (!Number.isInteger(minPerDay) || minPerDay < 1 || minPerDay > 24) throw new ConfigError('minValuesPerDay', `must be an integer from 1 to 24, got ${minPerDay}`);
  const maxGap = options.interpolateMaxGap ?? 0;
  if (!Number.isInteger(maxGap) || maxGap < 0) throw new ConfigError('interpolateMaxGap', `must be a non-negative integer, got ${maxGap}`);
  const n = records.time.length;
  if (n === 0) throw new DataFileError({ file: records.sources.map((s) => basename(s)).join(', ') || '(none)' }, 'the table has no rows');

  let allMidnight = true;
  let minT = Infinity;
  let maxT = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = records.time[i] ?? 0;
    if (t < minT) minT = t;
    if (t > maxT) maxT = t;
    if (((t % DAY_MS) + DAY_MS) % DAY_MS !== 0) allMidnight = false;
  }
  const dailySource = allMidnight && n > records.stations.length;
  if (frequency === 'hourly' && dailySource) {
    throw new ConfigError('frequency', 'hourly was asked but every time is at 00:00 (daily data); use daily');
  }
  const stepMs = frequency === 'hourly' ? HOUR_MS : DAY_MS;
  const start = Math.floor(minT / stepMs) * stepMs;
  const length = Math.floor(maxT / stepMs) - Math.floor(start / stepMs) + 1;
  const variables = [...records.pollutants, ...records.weather];
  const hasWd = records.windDirection !== undefined;
  const derived = hasWd ? [...WIND_FEATURES] : [];
  const columns: { name: string; source: Float64Array; transform?: (v: number) => number }[] = variables.map((name) => ({
    name,
    source: records.values[name] ?? new Float64Array(n).fill(NaN),
  }));
  if (records.windDirection !== undefined) {
    columns.push({ name: 'wd_sin', source: records.windDirection, transform: (d) => Math.sin((d * Math.PI) / 180) });
    columns.push({ name: 'wd_cos', source: records.windDirection, transform: (d) => Math.cos((d * Math.PI) / 180) });
  }

  // Row ranges per station (records are sorted by station, then time).
  const ranges = records.stations.map(() => ({ from: 0, to: 0 }));
  for (let i = 0; i < n; i++) {
    const s = records.station[i] ?? 0;
    const r = ranges[s];
    if (r === undefined) continue;
    if (r.to === 0) r.from = i;
    r.to = i + 1;
  }

  const stations: StationSeries[] = [];
  const missing: MissingCount[] = [];
  records.stations.forEach((station, s) => {
    const { from, to } = ranges[s] ?? { from: 0, to: 0 };
    const values: Record<string, Float32Array> = {};
    const aggregate = frequency === 'daily' && !dailySource;
    const slot = new Int32Array(to - from);
    for (let i = from; i < to; i++) {
      const t = records.time[i] ?? 0;
      const k = Math.floor((t - start) / stepMs);
      if (!aggregate && t - start !== k * stepMs) {
        const fileIndex = records.file[i] ?? 0;
        throw new DataFileError(
          { file: records.sources[fileIndex] ?? '', row: records.row[i] ?? 0, column: 'time' },
          `time ${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} of station "${station}" is not on the ${frequency} grid`,
        );
      }
      slot[i - from] = k;
    }
    for (const column of columns) {
      const out = new Float32Array(length).fill(NaN);
      if (aggregate) {
        const sum = new Float64Array(length);
        const count = new Int32Array(length);
        for (let i = from; i < to; i++) {
          const raw = column.source[i] ?? NaN;
          if (Number.isNaN(raw)) continue;
          const k = slot[i - from] ?? 0;
          sum[k] = (sum[k] ?? 0) + (column.transform === undefined ? raw : column.transform(raw));
          count[k] = (count[k] ?? 0) + 1;
        }
        for (let k = 0; k < length; k++) if ((count[k] ?? 0) >= minPerDay) out[k] = (sum[k] ?? 0) / (count[k] ?? 1);
      } else {
        for (let i = from; i < to; i++) {
          const raw = column.source[i] ?? NaN;
          out[slot[i - from] ?? 0] = Number.isNaN(raw) || column.transform === undefined ? raw : column.transform(raw);
        }
      }
      values[column.name] = out;
    }
    const stationMissing: MissingCount[] = [];
    for (const column of columns) {
      const series = values[column.name] ?? new Float32Array(length);
      const before = countNaN(series);
      const after = before - interpolateShortGaps(series, maxGap);
      stationMissing.push({ station, variable: column.name, missingBefore: before, missingAfter: after, steps: length });
    }
    const empty = records.pollutants.find((p) => (values[p] === undefined ? true : countNaN(values[p]) === length));
    if (empty !== undefined) {
      if (options.dropAllMissingStations === true) return;
      const files = new Set<string>();
      for (let i = from; i < to; i++) files.add(basename(records.sources[records.file[i] ?? 0] ?? ''));
      throw new DataFileError(
        { file: [...files].join(', '), column: empty },
        `station "${station}" has no value of ${empty} (all ${length} ${frequency} steps missing); remove the station or drop it with dropAllMissingStations`,
      );
    }
    stations.push({ station, values });
    missing.push(...stationMissing);
  });
  if (stations.length === 0) throw new DataFileError({ file: records.sources.map((s) => basename(s)).join(', ') }, 'every station was dropped (no pollutant values)');

  return {
    frequency,
    start,
    stepMs,
    length,
    stations,
    pollutants: [...records.pollutants],
    weather: [...records.weather],
    derived,
    units: { ...records.units },
    missing,
    sources: records.sources.map((s) => basename(s)),
  };
}
