import type { ForecastWindows } from '../data/forecast-windows.js';

/** The test period's worst episode of one variable: the windows around its highest observed value at one station. */
export interface Episode {
  readonly station: string;
  readonly variable: string;
  /** Index of the horizon shown (the longest). */
  readonly horizonIndex: number;
  /** Test-window indices in time order. */
  readonly windows: readonly number[];
  /** Target times (ms, wall clock as UTC) of those windows at the horizon shown. */
  readonly times: readonly number[];
  /** Observed values at those times (`null` where missing). */
  readonly observed: readonly (number | null)[];
}

/**
 * Finds the test window whose target of `variable` at the longest horizon is highest, and returns the test windows of
 * the same station whose target time lies within `halfWidth` grid steps of it (default: 3.5 days hourly, 14 days daily).
 * @returns undefined when the test split has no observed value of `variable`.
 */
export function worstEpisode(windows: ForecastWindows, variable: string, halfWidth?: number): Episode | undefined {
  const test = windows.test;
  const V = windows.targets.length;
  const H = windows.horizons.length;
  const v = windows.targets.indexOf(variable);
  if (v < 0 || test.count === 0) return undefined;
  const h = H - 1;
  const horizon = windows.horizons[h] ?? 1;
  const stepMs = windows.frequency === 'hourly' ? 3_600_000 : 86_400_000;
  const width = halfWidth ?? (windows.frequency === 'hourly' ? 84 : 14);
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < test.count; i += 1) {
    const value = test.raw[(i * H + h) * V + v] ?? Number.NaN;
    if (value > bestValue) {
      bestValue = value;
      best = i;
    }
  }
  if (best < 0) return undefined;
  const station = test.station[best] ?? 0;
  const peak = (test.time[best] ?? 0) + horizon * stepMs;
  const chosen: number[] = [];
  for (let i = 0; i < test.count; i += 1) {
    const target = (test.time[i] ?? 0) + horizon * stepMs;
    if (test.station[i] === station && Math.abs(target - peak) <= width * stepMs) chosen.push(i);
  }
  chosen.sort((a, b) => (test.time[a] ?? 0) - (test.time[b] ?? 0));
  const observed = chosen.map((i) => {
    const value = test.raw[(i * H + h) * V + v] ?? Number.NaN;
    return Number.isFinite(value) ? value : null;
  });
  return {
    station: windows.stations[station] ?? String(station),
    variable,
    horizonIndex: h,
    windows: chosen,
    times: chosen.map((i) => (test.time[i] ?? 0) + horizon * stepMs),
    observed,
  };
}

/** The forecast of `variable` at the episode's horizon for each of its windows (`[count, H, V]` point forecasts in). */
export function episodeForecast(windows: ForecastWindows, episode: Episode, point: Float32Array): (number | null)[] {
  const V = windows.targets.length;
  const H = windows.horizons.length;
  const v = windows.targets.indexOf(episode.variable);
  return episode.windows.map((i) => {
    const value = point[(i * H + episode.horizonIndex) * V + v] ?? Number.NaN;
    return Number.isFinite(value) ? value : null;
  });
}
