// Test-only: ForecastWindows of one real Beijing station (Dongsi), read from the shared data with the runtime's CSV reader.
import { join } from 'node:path';

import { readCsvTable, sharedDataDir } from '@counterweight/runtime';

import type { ForecastWindows, Scaling, WindowSplit } from '../../data/forecast-windows.js';

const WEATHER = ['TEMP', 'DEWP'];
const POLLUTANTS = ['PM2.5', 'NO2'];
const HISTORY = 6;
const HORIZONS = [1, 24];
/** Window ends by split (hour index from 2013-03-01 00:00): train two years, validation one, test the rest. */
const SPLIT_HOURS = { train: [0, 17_520], validation: [17_520, 26_280], test: [26_280, 35_064] } as const;

/** The station file's numeric columns (NaN where `NA`). */
export async function dongsiSeries(): Promise<Record<string, Float64Array>> {
  const file = join(sharedDataDir(), 'beijing-multisite-air-quality', 'PRSA_Data_Dongsi_20130301-20170228.csv.gz');
  const names = [...WEATHER, ...POLLUTANTS];
  const columns = Object.fromEntries(names.map((n) => [n, { type: 'float64', nullable: true } as const]));
  const table = await readCsvTable(file, { columns });
  return Object.fromEntries(
    names.map((name) => {
      const vector = table.getChild(name);
      return [name, Float64Array.from({ length: table.numRows }, (_, i) => (vector?.get(i) as number | null) ?? Number.NaN)];
    }),
  );
}

function scalingOf(values: Float64Array, end: number): Scaling {
  let sum = 0;
  let n = 0;
  for (let t = 0; t < end; t += 1) if (!Number.isNaN(values[t] ?? Number.NaN)) [sum, n] = [sum + (values[t] ?? 0), n + 1];
  const mean = sum / n;
  let ss = 0;
  for (let t = 0; t < end; t += 1) if (!Number.isNaN(values[t] ?? Number.NaN)) ss += ((values[t] ?? 0) - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n) || 1 };
}

/**
 * Hourly windows of Dongsi: targets TEMP, DEWP (weather) and PM2.5, NO2 (pollutants) at horizons 1 h and 24 h,
 * history 6 h of the same four variables; normalised with training means and stds; missing targets masked.
 * Persistence holds the last observed value of the history in ORIGINAL units (NaN if none), as the contract says.
 */
export async function dongsiWindows(): Promise<ForecastWindows> {
  const series = await dongsiSeries();
  const targets = [...WEATHER, ...POLLUTANTS];
  const scaling = Object.fromEntries(targets.map((name) => [name, scalingOf(series[name] ?? new Float64Array(), SPLIT_HOURS.train[1])]));
  const V = targets.length;
  const H = HORIZONS.length;
  const last = (series[targets[0] ?? ''] ?? new Float64Array()).length;
  const split = ([from, to]: readonly [number, number]): WindowSplit => {
    const ends: number[] = [];
    for (let t = Math.max(from, HISTORY - 1); t < to && t + (HORIZONS[H - 1] ?? 0) < last; t += 1) ends.push(t);
    const count = ends.length;
    const inputs = new Float32Array(count * HISTORY * V);
    const normalised = new Float32Array(count * H * V);
    const mask = new Float32Array(count * H * V);
    const raw = new Float32Array(count * H * V);
    const persistence = new Float32Array(count * V);
    ends.forEach((t, i) => {
      targets.forEach((name, v) => {
        const values = series[name] ?? new Float64Array();
        const { mean, std } = scaling[name] ?? { mean: 0, std: 1 };
        let latest = Number.NaN;
        for (let s = 0; s < HISTORY; s += 1) {
          const x = values[t - HISTORY + 1 + s] ?? Number.NaN;
          inputs[(i * HISTORY + s) * V + v] = Number.isNaN(x) ? 0 : (x - mean) / std;
          if (!Number.isNaN(x)) latest = x;
        }
        persistence[i * V + v] = latest;
        HORIZONS.forEach((h, k) => {
          const y = values[t + h] ?? Number.NaN;
          const at = (i * H + k) * V + v;
          raw[at] = y;
          mask[at] = Number.isNaN(y) ? 0 : 1;
          normalised[at] = Number.isNaN(y) ? 0 : (y - mean) / std;
        });
      });
    });
    return {
      count,
      inputs,
      targets: normalised,
      mask,
      raw,
      persistence,
      seasonal: new Float32Array(count * H * V).fill(Number.NaN),
      station: new Int32Array(count),
      time: Float64Array.from(ends, (t) => Date.UTC(2013, 2, 1) + t * 3_600_000),
    };
  };
  return {
    frequency: 'hourly',
    stations: ['Dongsi'],
    history: HISTORY,
    horizons: HORIZONS,
    features: targets,
    targets,
    weatherTargets: WEATHER,
    pollutantTargets: POLLUTANTS,
    scaling,
    train: split(SPLIT_HOURS.train),
    validation: split(SPLIT_HOURS.validation),
    test: split(SPLIT_HOURS.test),
    periods: {
      train: { start: '2013-03-01', end: '2015-03-01' },
      validation: { start: '2015-03-01', end: '2016-03-01' },
      test: { start: '2016-03-01', end: '2017-03-01' },
    },
  };
}
