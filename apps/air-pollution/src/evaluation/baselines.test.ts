import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';
import { forecastShape, persistenceForecast, seasonalNaiveForecast } from './baselines.js';
import { handSplit } from './test-support/hand-split.js';

// 3 windows, H = 2 horizons, V = 2 targets.
const split = handSplit({
  count: 3,
  raw: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  persistence: [0.5, 10, Number.NaN, 20, 7, 30],
  seasonal: [11, 12, 13, 14, 15, 16, 17, Number.NaN, 19, 20, 21, 22],
  station: [0, 1, 0],
});

describe('persistenceForecast', () => {
  it('repeats the last observed value of each target over every horizon, NaN where there is none', () => {
    const f = persistenceForecast(split, 2);
    expect(Array.from(f)).toEqual([0.5, 10, 0.5, 10, Number.NaN, 20, Number.NaN, 20, 7, 30, 7, 30]);
  });

  it('handles an empty split and rejects a horizon count that does not fit', () => {
    expect(persistenceForecast(handSplit({ count: 0, raw: [], persistence: [] }), 3).length).toBe(0);
    expect(() => persistenceForecast(split, 3)).toThrow(ConfigError);
    expect(() => persistenceForecast(split, 3)).toThrow(/split\.raw.*expected 18/);
    expect(() => persistenceForecast(split, 0)).toThrow(/horizons/);
  });
});

describe('seasonalNaiveForecast', () => {
  it('is a copy of the split seasonal values', () => {
    const f = seasonalNaiveForecast(split, 2);
    expect(Array.from(f)).toEqual(Array.from(split.seasonal));
    f[0] = -1;
    expect(split.seasonal[0]).toBe(11);
  });

  it('checks the shape when the horizon count is given', () => {
    expect(() => seasonalNaiveForecast(split, 4)).toThrow(/split\.raw/);
    expect(forecastShape(split, 2)).toEqual({ count: 3, horizons: 2, targets: 2 });
  });
});
