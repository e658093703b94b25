import { ConfigError, DataFileError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import type { AlignedTable } from './aligned-table.js';
import { inferenceWindows } from './inference-windows.js';
import { loadStationData } from './load-data.js';
import { makeWindows, type WindowOptions } from './windows.js';
import type { ForecastWindows } from './forecast-windows.js';

const H = 3_600_000;
const T0 = Date.UTC(2020, 0, 1);
const LENGTH = 24 * 10;
const PERIODS = {
  train: { start: '2020-01-01', end: '2020-01-06' },
  validation: { start: '2020-01-06', end: '2020-01-08' },
  test: { start: '2020-01-08', end: '2020-01-11' },
};

/** Two stations with trends, a sine and holes (so standardisation, zero-filling and flags all matter). */
function table(): AlignedTable {
  return {
    frequency: 'hourly',
    start: T0,
    stepMs: H,
    length: LENGTH,
    stations: ['S0', 'S1'].map((station, s) => ({
      station,
      values: {
        p: Float32Array.from({ length: LENGTH }, (_, k) => (k % 17 === 3 ? NaN : 50 + k * (s + 1) + 10 * Math.sin(k / 5))),
        w: Float32Array.from({ length: LENGTH }, (_, k) => (k % 29 === 0 ? NaN : -3 + 0.1 * k)),
        wd_sin: Float32Array.from({ length: LENGTH }, (_, k) => Math.sin(k)),
        wd_cos: Float32Array.from({ length: LENGTH }, (_, k) => Math.cos(k)),
      },
    })),
    pollutants: ['p'],
    weather: ['w'],
    derived: ['wd_sin', 'wd_cos'],
    units: {},
    missing: [],
    sources: ['t.csv'],
  };
}

/** Every training/validation/test window of `windows` is the inference window of the same station and end, bit for bit. */
function expectSameInputs(windows: ForecastWindows, aligned: AlignedTable): number {
  const cut = inferenceWindows(aligned, { history: windows.history, features: windows.features, scaling: windows.scaling });
  expect(cut.stations).toEqual(windows.stations);
  const span = windows.history * windows.features.length;
  const index = new Map<string, number>();
  for (let i = 0; i < cut.count; i++) index.set(`${cut.station[i]}@${cut.time[i]}`, i);
  let compared = 0;
  for (const split of ['train', 'validation', 'test'] as const) {
    const w = windows[split];
    for (let i = 0; i < w.count; i++) {
      const j = index.get(`${w.station[i]}@${w.time[i]}`);
      expect(j).toBeDefined();
      const a = w.inputs.subarray(i * span, (i + 1) * span);
      const b = cut.inputs.subarray((j ?? 0) * span, ((j ?? 0) + 1) * span);
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);
      compared++;
    }
  }
  return compared;
}

describe('inferenceWindows', () => {
  const options: WindowOptions = { history: 12, horizons: [1, 6], periods: PERIODS, missingFlags: true };

  it('cuts every end t ≥ history − 1 of every station, with the inputs makeWindows makes for the same windows', () => {
    const aligned = table();
    const windows = makeWindows(aligned, options);
    const cut = inferenceWindows(aligned, { history: 12, features: windows.features, scaling: windows.scaling });
    expect(cut.count).toBe(2 * (LENGTH - 11));
    expect(cut.inputs.length).toBe(cut.count * 12 * windows.features.length);
    expect([cut.station[0], cut.time[0], cut.station[cut.count - 1], cut.time[cut.count - 1]]).toEqual([0, T0 + 11 * H, 1, T0 + (LENGTH - 1) * H]);
    const compared = expectSameInputs(windows, aligned);
    expect(compared).toBe(windows.train.count + windows.validation.count + windows.test.count);
    expect(compared).toBeGreaterThan(300);
  });

  it('last keeps the last ends of each station, equal to the tail of the full cut', () => {
    const aligned = table();
    const windows = makeWindows(aligned, options);
    const spec = { history: 12, features: windows.features, scaling: windows.scaling };
    const all = inferenceWindows(aligned, spec);
    const tail = inferenceWindows(aligned, { ...spec, last: 4 });
    const span = 12 * windows.features.length;
    expect(tail.count).toBe(8);
    expect(Array.from(tail.time)).toEqual([0, 1].flatMap(() => [236, 237, 238, 239].map((k) => T0 + k * H)));
    expect(Array.from(tail.station)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    const perStation = LENGTH - 11;
    for (let s = 0; s < 2; s++) {
      const from = (s * perStation + perStation - 4) * span;
      expect(tail.inputs.subarray(s * 4 * span, (s + 1) * 4 * span)).toEqual(all.inputs.subarray(from, from + 4 * span));
    }
    // More than there are: every end.
    expect(inferenceWindows(aligned, { ...spec, last: 10_000 }).count).toBe(all.count);
  });

  it('names a feature the table cannot make, a table shorter than the history and a bad --last', () => {
    const aligned = table();
    const windows = makeWindows(aligned, options);
    const spec = { history: 12, features: [...windows.features, 'PM10'], scaling: windows.scaling };
    expect(() => inferenceWindows(aligned, spec)).toThrow(DataFileError);
    expect(() => inferenceWindows(aligned, spec)).toThrow(/t\.csv, column "PM10": .*variables are w, p, wd_sin, wd_cos/);
    expect(() => inferenceWindows(aligned, { ...spec, features: windows.features, history: LENGTH + 1 })).toThrow(/240 hourly steps, fewer than the model's history of 241/);
    expect(() => inferenceWindows(aligned, { ...spec, features: windows.features, last: 0 })).toThrow(ConfigError);
    expect(() => inferenceWindows(aligned, { ...spec, features: windows.features, last: 0 })).toThrow(/--last/);
  });

  it('on the embedded Beijing sample, equals makeWindows for every window (hourly with flags, and daily)', async () => {
    for (const [frequency, history] of [
      ['hourly', 24],
      ['daily', 7],
    ] as const) {
      const aligned = await loadStationData({ source: 'sample', frequency });
      const windows = makeWindows(aligned, { history, horizons: [1, 3], stride: frequency === 'hourly' ? 37 : 1, missingFlags: frequency === 'hourly' });
      expect(expectSameInputs(windows, aligned)).toBe(windows.train.count + windows.validation.count + windows.test.count);
    }
  }, 120_000);
});
