import { ConfigError, DataFileError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import type { AlignedTable } from './aligned-table.js';
import { calendarFeatureNames, featureMatrices, inputVariables } from './feature-matrix.js';

const H = 3_600_000;
const T0 = Date.UTC(2021, 2, 1, 5); // 2021-03-01 05:00, a Monday (day of year 59 of 365)

function table(frequency: 'hourly' | 'daily' = 'hourly'): AlignedTable {
  const length = 6;
  return {
    frequency,
    start: T0,
    stepMs: frequency === 'hourly' ? H : 24 * H,
    length,
    stations: ['A', 'B'].map((station, s) => ({
      station,
      values: {
        p: Float32Array.from({ length }, (_, k) => (k === 2 ? NaN : 10 * s + k)),
        w: Float32Array.from({ length }, () => 4),
        wd_sin: new Float32Array(length).fill(0.25),
        wd_cos: new Float32Array(length).fill(-0.25),
      },
    })),
    pollutants: ['p'],
    weather: ['w'],
    derived: ['wd_sin', 'wd_cos'],
    units: {},
    missing: [],
    sources: ['a.csv', 'b.csv'],
  };
}

const scaling = { p: { mean: 2, std: 4 }, w: { mean: 1, std: 3 }, wd_sin: { mean: 0, std: 1 }, wd_cos: { mean: 0, std: 1 } };

describe('featureMatrices', () => {
  it('names the inputs in layout order', () => {
    expect(inputVariables(table())).toEqual(['w', 'p', 'wd_sin', 'wd_cos']);
    expect(calendarFeatureNames('hourly')).toEqual(['hour_sin', 'hour_cos', 'doy_sin', 'doy_cos', 'dow_sin', 'dow_cos']);
    expect(calendarFeatureNames('daily')).toEqual(['doy_sin', 'doy_cos', 'dow_sin', 'dow_cos']);
  });

  it('standardises variables (missing → 0), flags missing values and adds calendar sin/cos, in the order asked', () => {
    const features = ['p_missing', 'hour_cos', 'p', 'dow_sin', 'w', 'doy_sin', 'wd_cos'];
    const [a, b] = featureMatrices(table(), features, scaling);
    const F = features.length;
    expect(a?.length).toBe(6 * F);
    // Station B, step 3: p = 13 → (13 − 2) / 4; 08:00 → cos(2π·8/24); Monday → sin(2π/7); w → (4 − 1) / 3.
    const row = Array.from(b?.subarray(3 * F, 4 * F) ?? []);
    expect(row[0]).toBe(0);
    expect(row[1]).toBeCloseTo(Math.cos((2 * Math.PI * 8) / 24), 6);
    expect(row[2]).toBeCloseTo(11 / 4, 6);
    expect(row[3]).toBeCloseTo(Math.sin((2 * Math.PI) / 7), 6);
    expect(row[4]).toBeCloseTo(1, 6);
    expect(row[5]).toBeCloseTo(Math.sin((2 * Math.PI * 59) / 365), 6);
    expect(row[6]).toBeCloseTo(-0.25, 6);
    // Step 2 is missing at both stations: the flag is 1 and the value the training mean (0).
    expect([a?.[2 * F], a?.[2 * F + 2]]).toEqual([1, 0]);
  });

  it('a step range is the same rows of the whole grid', () => {
    const features = ['w', 'p', 'hour_sin', 'doy_cos', 'p_missing'];
    const whole = featureMatrices(table(), features, scaling);
    const part = featureMatrices(table(), features, scaling, { from: 2, to: 5 });
    whole.forEach((m, s) => expect(part[s]).toEqual(m.slice(2 * features.length, 5 * features.length)));
    expect(() => featureMatrices(table(), features, scaling, { from: 4, to: 7 })).toThrow(RangeError);
  });

  it('names the feature and the table variables when a feature cannot be made, and a missing scaling', () => {
    expect(() => featureMatrices(table(), ['w', 'NO2'], scaling)).toThrow(DataFileError);
    expect(() => featureMatrices(table(), ['w', 'NO2'], scaling)).toThrow(/a\.csv, b\.csv, column "NO2": .*variables are w, p, wd_sin, wd_cos/);
    expect(() => featureMatrices(table('daily'), ['hour_sin'], scaling)).toThrow(/column "hour_sin": .*daily table/);
    expect(() => featureMatrices(table(), ['NO2_missing'], scaling)).toThrow(/column "NO2_missing"/);
    expect(() => featureMatrices(table(), ['p'], { w: { mean: 0, std: 1 } })).toThrow(ConfigError);
    expect(() => featureMatrices(table(), ['p'], { p: { mean: 0, std: 0 } })).toThrow(/scaling: input feature "p"/);
  });
});
