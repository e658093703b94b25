import { describe, expect, it } from 'vitest';

import { tinyWindows } from '../objectives/test-support/tiny-windows.js';
import { episodeForecast, worstEpisode } from './worst-episode.js';

describe('worstEpisode', () => {
  it('centres on the highest observed test value of the variable at the longest horizon, one station, in time order', () => {
    const windows = tinyWindows({ counts: { train: 4, validation: 4, test: 200 }, missing: 0 });
    const test = windows.test;
    const V = windows.targets.length;
    const H = windows.horizons.length;
    const v = windows.targets.indexOf('PM2.5');
    // two stations, the peak at window 120 of station 1
    test.station.forEach((_, i) => (test.station[i] = i % 2));
    test.time.forEach((_, i) => (test.time[i] = Date.UTC(2016, 6, 1) + Math.floor(i / 2) * 3_600_000));
    test.raw[(120 * H + (H - 1)) * V + v] = 9999;
    test.raw[(121 * H + (H - 1)) * V + v] = Number.NaN; // missing values are shown as null
    const episode = worstEpisode(windows, 'PM2.5', 10);
    expect(episode?.station).toBe('Tiny');
    expect(episode?.horizonIndex).toBe(H - 1);
    // station 0 (index 120 is even), target times within ±10 h of the peak: 21 windows of that station
    expect(episode?.windows).toHaveLength(21);
    expect(episode?.windows.every((i) => test.station[i] === 0)).toBe(true);
    expect(Math.max(...(episode?.observed.map((x) => x ?? -1) ?? []))).toBe(9999);
    const times = episode?.times ?? [];
    expect(times.every((t, k) => k === 0 || t > (times[k - 1] ?? 0))).toBe(true);
    const point = new Float32Array(test.raw.length).fill(7);
    if (episode === undefined) throw new Error('no episode');
    expect(new Set(episodeForecast(windows, episode, point))).toEqual(new Set([7]));
  });

  it('is undefined for an unknown variable', () => {
    expect(worstEpisode(tinyWindows(), 'SO2')).toBeUndefined();
  });
});
