import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import type { AlignedTable } from './aligned-table.js';
import { BEIJING_PERIODS, defaultPeriods, makeWindows, parsePeriodDate } from './windows.js';

const H = 3_600_000;
const T0 = Date.UTC(2020, 0, 1); // a Wednesday
const LENGTH = 24 * 10;
const PERIODS = {
  train: { start: '2020-01-01', end: '2020-01-06' },
  validation: { start: '2020-01-06', end: '2020-01-08' },
  test: { start: '2020-01-08', end: '2020-01-11' },
};

/** Two stations: p = k (+1000 for B), w = 2k, wd_sin/wd_cos constant; `edit` may punch holes. */
function table(edit?: (station: number, values: Record<string, Float32Array>) => void, length = LENGTH, stations = 2): AlignedTable {
  return {
    frequency: 'hourly',
    start: T0,
    stepMs: H,
    length,
    stations: Array.from({ length: stations }, (_, s) => {
      const values: Record<string, Float32Array> = {
        p: Float32Array.from({ length }, (_, k) => k + 1000 * s),
        w: Float32Array.from({ length }, (_, k) => 2 * k),
        wd_sin: new Float32Array(length).fill(0.5),
        wd_cos: new Float32Array(length).fill(-0.5),
      };
      edit?.(s, values);
      return { station: `S${s}`, values };
    }),
    pollutants: ['p'],
    weather: ['w'],
    derived: ['wd_sin', 'wd_cos'],
    units: {},
    missing: [],
    sources: ['t.csv'],
  };
}

describe('makeWindows', () => {
  const history = 24;
  const horizons = [1, 6, 24];
  const windows = makeWindows(table(), { history, horizons, periods: PERIODS });

  it('lays out features and targets and puts each window wholly in one split', () => {
    expect(windows.features).toEqual(['w', 'p', 'wd_sin', 'wd_cos', 'hour_sin', 'hour_cos', 'doy_sin', 'doy_cos', 'dow_sin', 'dow_cos']);
    expect(windows.targets).toEqual(['w', 'p']);
    expect([windows.weatherTargets, windows.pollutantTargets]).toEqual([['w'], ['p']]);
    // Independent count: window end t from 23, last target t + 24 < 240, end and last target in the same period.
    const ends = { train: Date.UTC(2020, 0, 6), validation: Date.UTC(2020, 0, 8), test: Date.UTC(2020, 0, 11) };
    const starts = { train: T0, validation: ends.train, test: ends.validation };
    for (const split of ['train', 'validation', 'test'] as const) {
      let expected = 0;
      for (let t = 23; t + 24 < LENGTH; t++) if (T0 + t * H >= starts[split] && T0 + (t + 24) * H < ends[split]) expected++;
      const w = windows[split];
      expect(w.count).toBe(2 * expected);
      for (let i = 0; i < w.count; i++) {
        const end = w.time[i] ?? 0;
        expect(end >= starts[split] && end + 24 * H < ends[split]).toBe(true);
      }
      expect(w.inputs.length).toBe(w.count * history * windows.features.length);
      expect(w.raw.length).toBe(w.count * horizons.length * 2);
    }
    expect(windows.periods).toEqual(PERIODS);
  });

  it('fits the scaling on the steps training windows cover only, and standardises inputs and targets with it', () => {
    // Training windows end at t = 23 … 95 (t + 24 < 120): they cover steps 0 … 119 of each station.
    const mean = (offset: number, scale: number) => {
      let sum = 0;
      let sq = 0;
      for (let k = 0; k < 120; k++) {
        const x = scale * k + offset;
        sum += x;
        sq += x * x;
      }
      return { mean: sum / 120, sq: sq / 120 };
    };
    const a = mean(0, 1);
    const b = mean(1000, 1);
    const pMean = (a.mean + b.mean) / 2;
    const pStd = Math.sqrt((a.sq + b.sq) / 2 - pMean * pMean);
    expect(windows.scaling['p']?.mean).toBeCloseTo(pMean, 6);
    expect(windows.scaling['p']?.std).toBeCloseTo(pStd, 4);
    expect(windows.scaling['w']?.mean).toBeCloseTo(119, 6);
    expect(windows.scaling['wd_sin']).toEqual({ mean: 0.5, std: 1 });
    expect(windows.scaling['hour_sin']).toEqual({ mean: 0, std: 1 });
    // Test window of station 0 ending at t = 180: input step 0 is t = 157, feature p is index 1.
    const test = windows.test;
    const i = [...test.time].findIndex((time, j) => time === T0 + 180 * H && test.station[j] === 0);
    const F = windows.features.length;
    expect(test.inputs[i * history * F + 1]).toBeCloseTo((157 - pMean) / pStd, 5);
    expect(test.inputs[i * history * F + (history - 1) * F + 1]).toBeCloseTo((180 - pMean) / pStd, 5);
    expect(test.inputs[i * history * F + 2]).toBeCloseTo(0, 6);
    // Targets [horizon, target]: p at t + 6 is 186.
    expect(test.raw[(i * 3 + 1) * 2 + 1]).toBe(186);
    expect(test.targets[(i * 3 + 1) * 2 + 1]).toBeCloseTo((186 - pMean) / pStd, 5);
    expect(test.mask[(i * 3 + 1) * 2 + 1]).toBe(1);
    // Calendar: t = 180 is 2020-01-08 12:00, a Wednesday.
    const cal = i * history * F + (history - 1) * F;
    expect(test.inputs[cal + 4]).toBeCloseTo(Math.sin(Math.PI), 6);
    expect(test.inputs[cal + 5]).toBeCloseTo(-1, 6);
    expect(test.inputs[cal + 8]).toBeCloseTo(Math.sin((2 * Math.PI * 3) / 7), 6);
    expect(test.inputs[cal + 6]).toBeCloseTo(Math.sin((2 * Math.PI * 7) / 366), 6);
  });

  it('persistence is the last observed value; seasonal-naive the same hour of the latest day in the history', () => {
    const holes = makeWindows(
      table((s, v) => {
        if (s === 0 && v['p'] !== undefined) v['p'][180] = NaN;
      }),
      { history, horizons, periods: PERIODS },
    );
    const test = holes.test;
    const i = [...test.time].findIndex((time, j) => time === T0 + 180 * H && test.station[j] === 0);
    expect(test.persistence[i * 2 + 1]).toBe(179);
    expect(test.persistence[i * 2]).toBe(360);
    // h = 1: 181 − 24 = 157; h = 6: 186 − 24 = 162; h = 24: 204 − 24 = 180 (missing → NaN).
    expect([test.seasonal[(i * 3) * 2 + 1], test.seasonal[(i * 3 + 1) * 2 + 1], test.seasonal[(i * 3 + 2) * 2 + 1]]).toEqual([157, 162, NaN]);
    // Only 12 steps of history: the same hour yesterday for h = 1 (t − 23) is not in it.
    const short = makeWindows(table(), { history: 12, horizons: [1, 24], periods: PERIODS }).test;
    expect(short.seasonal[1]).toBeNaN();
    expect(short.seasonal[3]).toBe(short.time[0] === undefined ? -1 : (short.time[0] - T0) / H);
  });

  it('drops windows whose pollutant targets are all missing; missing targets are masked; flags mark missing inputs', () => {
    const edited = table((s, v) => {
      if (s === 1 && v['p'] !== undefined) v['p'].fill(NaN, 150, 240);
    });
    const result = makeWindows(edited, { history, horizons: [1, 6], periods: PERIODS, missingFlags: true, weatherTargets: false });
    expect(result.targets).toEqual(['p']);
    // Station 1 has no p from step 150 on: windows ending at t ≥ 149 have no observed target and are dropped.
    for (const split of [result.validation, result.test]) {
      for (let i = 0; i < split.count; i++) if (split.station[i] === 1) expect((split.time[i] ?? 0) < T0 + 149 * H).toBe(true);
    }
    expect([...result.test.station].filter((s) => s === 1)).toHaveLength(0);
    expect(result.features.slice(-4)).toEqual(['w_missing', 'p_missing', 'wd_sin_missing', 'wd_cos_missing']);
    const validation = result.validation;
    const F = result.features.length;
    const pIndex = 1;
    const flagIndex = F - 3;
    const { mean, std } = result.scaling['p'] ?? { mean: 0, std: 1 };
    // Window ending at 146: its last input (146) is observed, its target at 152 is missing (mask 0, target 0, raw NaN).
    const i = [...validation.time].findIndex((time, j) => time === T0 + 146 * H && validation.station[j] === 1);
    const last = i * history * F + (history - 1) * F;
    expect([validation.inputs[last + pIndex], validation.inputs[last + flagIndex]]).toEqual([Math.fround((146 + 1000 - mean) / std), 0]);
    expect([validation.mask[i * 2], validation.mask[i * 2 + 1], validation.targets[i * 2 + 1], validation.raw[i * 2 + 1]]).toEqual([1, 0, 0, NaN]);
    // Window ending at 148: its last input (148) is observed, 1 step ahead (149) too, 6 ahead not.
    const k = [...validation.time].findIndex((time, j) => time === T0 + 148 * H && validation.station[j] === 1);
    expect(k).toBeGreaterThanOrEqual(0);
    // A missing input: 0 after standardisation, and its flag 1.
    const holes = makeWindows(table((s, v) => { if (s === 0 && v['p'] !== undefined) v['p'][140] = NaN; }), { history, horizons: [1], periods: PERIODS, missingFlags: true });
    const h = holes.validation;
    const m = [...h.time].findIndex((time, j) => time === T0 + 140 * H && h.station[j] === 0);
    const at = m * history * holes.features.length + (history - 1) * holes.features.length;
    expect([h.inputs[at + 1], h.inputs[at + holes.features.length - 3]]).toEqual([0, 1]);
  });

  it('takes every k-th window end with stride', () => {
    const strided = makeWindows(table(), { history, horizons, periods: PERIODS, stride: 5 });
    expect(strided.train.count).toBe(Math.ceil(windows.train.count / 2 / 5) * 2);
    for (const time of strided.train.time) expect(((time - T0) / H - 23) % 5).toBe(0);
  });

  it('names the argument in each error', () => {
    const t = table();
    const opts = { history, horizons, periods: PERIODS };
    expect(() => makeWindows(t, { ...opts, horizons: [1, 72 * 4] })).toThrow('--horizons: 288 steps is longer than the series allows: 240 hourly steps with --history 24 leave at most 216 steps ahead');
    expect(() => makeWindows(t, { ...opts, horizons: [6, 1] })).toThrow('--horizons: must be strictly ascending, got 6,1');
    expect(() => makeWindows(t, { ...opts, periods: { ...PERIODS, test: { start: '2021-01-01', end: '2021-02-01' } } })).toThrow(
      "--test-start: 2021-01-01 is after the data's last time 2020-01-10 23:00",
    );
    expect(() => makeWindows(t, { ...opts, periods: { ...PERIODS, validation: { start: '2020-01-05', end: '2020-01-08' } } })).toThrow(
      '--validation-start: 2020-01-05 is before --train-end 2020-01-06: the periods must not overlap',
    );
    expect(() => makeWindows(t, { ...opts, periods: { ...PERIODS, validation: { start: '2020-01-06', end: '2020-01-07' } } })).toThrow(
      /^--validation-start\/--validation-end: the validation period 2020-01-06 to 2020-01-07 holds no forecast window/,
    );
    expect(() => makeWindows(t, { ...opts, periods: { ...PERIODS, train: { end: '2020-02-30' } } })).toThrow('--train-end: "2020-02-30" is not a real calendar date and time');
    expect(() => makeWindows(t, { ...opts, history: 0 })).toThrow(ConfigError);
    expect(() => makeWindows(t, { ...opts, stride: 1.5 })).toThrow('--stride: must be an integer ≥ 1, got 1.5');
    expect(parsePeriodDate('2016-07-01T06:00', 'x')).toBe(Date.UTC(2016, 6, 1, 6));
  });

  it('defaults: the Beijing periods on the Beijing range, else 70/15/15 % at day boundaries', () => {
    const beijing = { ...table(undefined, 10, 1), start: Date.UTC(2013, 2, 1), length: 35_064 };
    expect(defaultPeriods(beijing)).toBe(BEIJING_PERIODS);
    expect(defaultPeriods(table())).toEqual({
      train: { start: '2020-01-01', end: '2020-01-08' },
      validation: { start: '2020-01-08', end: '2020-01-10' },
      test: { start: '2020-01-10', end: '2020-01-11' },
    });
  });

  it('windows 12 stations × 35,064 hours (history 24, horizons 1/6/24) with typed arrays', () => {
    const big = { ...table(undefined, 35_064, 12), start: Date.UTC(2013, 2, 1) };
    const started = performance.now();
    const result = makeWindows(big, { history: 24, horizons: [1, 6, 24] });
    const seconds = (performance.now() - started) / 1000;
    const total = result.train.count + result.validation.count + result.test.count;
    console.log(`makeWindows: ${total} windows (${result.features.length} features) in ${seconds.toFixed(2)} s`);
    expect(total).toBeGreaterThan(12 * 35_064 * 0.99);
    expect(total).toBeLessThan(12 * 35_064);
  });
});
