import { ConfigError } from '@counterweight/runtime';
import type { WindowSplit } from '../data/forecast-windows.js';

/** Shape `[count, horizons, targets]` of a split's forecasts, checked against its arrays (internal to this folder). */
export interface ForecastShape {
  readonly count: number;
  readonly horizons: number;
  readonly targets: number;
}

/**
 * The shape of a split's `[count, H, V]` arrays for `horizons` = H, checked: `persistence` holds `count·V` values,
 * `raw` and `seasonal` `count·H·V`.
 *
 * @throws ConfigError naming the argument or the split field whose length does not fit.
 */
export function forecastShape(split: WindowSplit, horizons: number): ForecastShape {
  if (!Number.isInteger(horizons) || horizons < 1) throw new ConfigError('horizons', `must be an integer >= 1, got ${String(horizons)}`);
  const { count } = split;
  if (!Number.isInteger(count) || count < 0) throw new ConfigError('split.count', `must be an integer >= 0, got ${String(count)}`);
  if (count === 0) return { count, horizons, targets: 0 };
  const targets = split.persistence.length / count;
  if (!Number.isInteger(targets) || targets < 1) {
    throw new ConfigError('split.persistence', `has ${split.persistence.length} values, not a multiple of count ${count} (layout [count, targets])`);
  }
  const expected = count * horizons * targets;
  for (const field of ['raw', 'seasonal'] as const) {
    if (split[field].length !== expected) {
      throw new ConfigError(`split.${field}`, `has ${split[field].length} values, expected ${expected} = ${count} windows × ${horizons} horizons × ${targets} targets`);
    }
  }
  return { count, horizons, targets };
}

/**
 * Persistence forecast `[count, H, V]` (original units): the last observed value of each target at or before the
 * window end (`split.persistence`, `[count, V]`) repeated over every horizon, `ŷ(t + h) = y(t_last)` for all h.
 * NaN where the history holds no observed value of that target (evaluation leaves those samples out of skill
 * scores). The reference of the skill scores: a forecaster must beat it (issue 16).
 *
 * @param split one split of forecast windows.
 * @param horizons number of horizons H (`ForecastWindows.horizons.length`).
 * @throws ConfigError when the split's arrays do not fit `[count, H, V]`.
 */
export function persistenceForecast(split: WindowSplit, horizons: number): Float32Array {
  const shape = forecastShape(split, horizons);
  const { count, targets } = shape;
  const out = new Float32Array(count * horizons * targets);
  for (let i = 0; i < count; i += 1) {
    const last = split.persistence.subarray(i * targets, (i + 1) * targets);
    for (let h = 0; h < horizons; h += 1) out.set(last, (i * horizons + h) * targets);
  }
  return out;
}

/**
 * Seasonal-naive forecast `[count, H, V]` (original units): the value one season before the target time — hourly
 * data: the same hour on the latest earlier day the history covers (`t + h − 24k`); daily data: the same weekday a
 * week earlier (`t + h − 7k`) — as built into `split.seasonal` by the window builder. NaN where that value is
 * missing. Returned as a copy, so callers may modify it.
 *
 * @param split one split of forecast windows.
 * @param horizons number of horizons H; when given, the split's arrays are checked against `[count, H, V]`.
 * @throws ConfigError when the split's arrays do not fit `[count, H, V]`.
 */
export function seasonalNaiveForecast(split: WindowSplit, horizons?: number): Float32Array {
  if (horizons !== undefined) forecastShape(split, horizons);
  return Float32Array.from(split.seasonal);
}
