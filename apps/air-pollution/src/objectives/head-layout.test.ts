import { describe, expect, it } from 'vitest';

import { headLayout, observedPollutantValues, pollutantMaskOf, pollutantTargetsOf } from './head-layout.js';
import { tinyWindows } from './test-support/tiny-windows.js';

describe('headLayout', () => {
  it('maps horizon-major targets (weather, then pollutants) to the heads and back', () => {
    // H = 2, V_w = 1 (TEMP), V_p = 2 (PM2.5, NO2): targets h0 TEMP, h0 PM, h0 NO2, h1 TEMP, h1 PM, h1 NO2
    const layout = headLayout(tinyWindows());
    expect([layout.horizons, layout.weather, layout.pollutants]).toEqual([2, 1, 2]);
    expect(Array.from(layout.weatherTargets)).toEqual([0, 3]);
    expect(Array.from(layout.pollutantTargets)).toEqual([1, 2, 4, 5]);
    // [weather h0, weather h1, PM h0, NO2 h0, PM h1, NO2 h1]
    expect(Array.from(layout.headElementOfTarget)).toEqual([0, 2, 3, 1, 4, 5]);
    const pollutantOnly = headLayout(tinyWindows({ weather: false }));
    expect(Array.from(pollutantOnly.weatherTargets)).toEqual([]);
    expect(Array.from(pollutantOnly.headElementOfTarget)).toEqual([0, 1, 2, 3]);
  });

  it('extracts pollutant targets in head order with NaN where missing, and their mask', () => {
    const windows = tinyWindows({ counts: { train: 5, validation: 2, test: 1 } });
    const layout = headLayout(windows);
    const targets = pollutantTargetsOf(windows.train, layout);
    const mask = pollutantMaskOf(windows.train, layout);
    expect(targets.length).toBe(5 * 4);
    for (let i = 0; i < 5; i += 1) {
      [1, 2, 4, 5].forEach((c, e) => {
        const observed = windows.train.mask[i * 6 + c] === 1;
        expect(mask[i * 4 + e]).toBe(observed ? 1 : 0);
        if (observed) expect(targets[i * 4 + e]).toBe(windows.train.targets[i * 6 + c]);
        else expect(targets[i * 4 + e]).toBeNaN();
      });
    }
    const pm25 = observedPollutantValues(targets, layout, 0);
    expect(pm25.length).toBe([0, 2].reduce((n, e) => n + Array.from({ length: 5 }, (_, i) => mask[i * 4 + e]).filter((m) => m === 1).length, 0));
  });
});
