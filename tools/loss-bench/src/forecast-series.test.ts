import { describe, expect, it } from 'vitest';

import { FORECAST_COVARIATES, FORECAST_TARGETS, FORECAST_WINDOW, column, forecastWindows } from './forecast-series.js';

const WIDTH = FORECAST_COVARIATES.length;

describe('forecastWindows', () => {
  it('gives 24-hour windows of 10 covariates and the next hour of PM2.5, NO2 and TEMP as targets', () => {
    const w = forecastWindows(50, 3);
    expect(w.inputs.length).toBe(50 * FORECAST_WINDOW * WIDTH);
    expect(w.targets.length).toBe(50 * FORECAST_TARGETS.length);
    // window r + 1 ends with the hour window r predicts
    const lastHour = (r: number, c: number): number => w.inputs[(r * FORECAST_WINDOW + FORECAST_WINDOW - 1) * WIDTH + c] ?? Number.NaN;
    FORECAST_TARGETS.forEach((name, k) => {
      const c = FORECAST_COVARIATES.indexOf(name);
      for (let r = 0; r < 49; r += 1) expect(w.targets[r * FORECAST_TARGETS.length + k]).toBe(lastHour(r + 1, c));
    });
    // consecutive windows overlap by 23 hours
    expect(Array.from(w.inputs.subarray(FORECAST_WINDOW * WIDTH, FORECAST_WINDOW * WIDTH + 23 * WIDTH))).toEqual(
      Array.from(w.inputs.subarray(WIDTH, 24 * WIDTH)),
    );
  });

  it('is fixed by the seed', () => {
    expect(Array.from(forecastWindows(20, 5).targets)).toEqual(Array.from(forecastWindows(20, 5).targets));
    expect(Array.from(forecastWindows(20, 5).targets)).not.toEqual(Array.from(forecastWindows(20, 6).targets));
  });

  it('standardises the covariates and keeps PM2.5 right-skewed like the real series', () => {
    const w = forecastWindows(2000, 1);
    const pm25 = Array.from(column(w.targets, FORECAST_TARGETS.length, 0));
    const mean = pm25.reduce((a, b) => a + b, 0) / pm25.length;
    const std = Math.sqrt(pm25.reduce((a, b) => a + (b - mean) ** 2, 0) / pm25.length);
    const skew = pm25.reduce((a, b) => a + ((b - mean) / std) ** 3, 0) / pm25.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(std).toBeGreaterThan(0.9);
    expect(std).toBeLessThan(1.1);
    expect(skew).toBeGreaterThan(0.5);
    expect(w.inputs.every((v) => Number.isFinite(v))).toBe(true);
  });
});
