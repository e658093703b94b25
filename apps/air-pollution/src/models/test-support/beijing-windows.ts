// Test-only: a few thousand hourly windows of one real Beijing station, read straight from the shared data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { sharedDataDir } from '@counterweight/runtime';

import type { ForecastModelShape } from '../forecast-model-config.js';
import type { SyntheticWindows } from './synthetic-windows.js';

/** Weather variables of the Beijing station files (targets of the weather head). */
const WEATHER = ['TEMP', 'PRES', 'DEWP', 'RAIN', 'WSPM'];
/** Pollutants of the Beijing station files (targets of the pollutant head). */
const POLLUTANTS = ['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3'];

/**
 * The first `hours` hours of Dongsi as windows of `history` steps of the 11 numeric variables (each standardised,
 * gaps carried forward) with the next hour's 5 weather and 6 pollutant values as targets (weather first).
 */
export function beijingWindows(hours: number, history: number): { shape: ForecastModelShape; data: SyntheticWindows } {
  const file = join(sharedDataDir(), 'beijing-multisite-air-quality', 'PRSA_Data_Dongsi_20130301-20170228.csv.gz');
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const header = (lines[0] ?? '').split(',').map((h) => h.replaceAll('"', ''));
  const variables = [...WEATHER, ...POLLUTANTS];
  const columns = variables.map((name) => header.indexOf(name));
  const series = variables.map(() => new Float64Array(hours));
  for (let t = 0; t < hours; t += 1) {
    const cells = (lines[t + 1] ?? '').split(',');
    columns.forEach((c, v) => {
      const value = Number.parseFloat(cells[c] ?? 'NA');
      const column = series[v] as Float64Array;
      column[t] = Number.isFinite(value) ? value : t > 0 ? (column[t - 1] as number) : 0;
    });
  }
  for (const column of series) {
    const mean = column.reduce((a, b) => a + b, 0) / hours;
    const std = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / hours) || 1;
    column.forEach((v, i) => (column[i] = (v - mean) / std));
  }
  const features = variables.length;
  const count = hours - history;
  const inputs = new Float32Array(count * history * features);
  const targets = new Float32Array(count * features);
  for (let n = 0; n < count; n += 1) {
    for (let s = 0; s < history; s += 1) {
      for (let f = 0; f < features; f += 1) inputs[(n * history + s) * features + f] = (series[f] as Float64Array)[n + s] as number;
    }
    for (let f = 0; f < features; f += 1) targets[n * features + f] = (series[f] as Float64Array)[n + history] as number;
  }
  return {
    shape: { history, features, weatherOutputs: WEATHER.length, pollutantOutputs: POLLUTANTS.length },
    data: { count, inputs, targets },
  };
}
