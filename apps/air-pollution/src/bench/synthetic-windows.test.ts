import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { BEIJING_SAMPLE_DIR, loadStationData, makeWindows } from '../data/index.js';
import { BEIJING_WINDOW_SHAPE, syntheticWindows } from './synthetic-windows.js';

describe('syntheticWindows', () => {
  it('fills every split with the layout of the shape; same seed, same numbers', () => {
    const shape = { history: 3, horizons: [1, 2], weather: ['T'], pollutants: ['PM2.5', 'O3'], otherFeatures: ['hour_sin'] };
    const a = syntheticWindows(shape, { train: 50, heldOut: 4, missingRate: 0.25, seed: 3 });
    expect(a.features).toEqual(['T', 'PM2.5', 'O3', 'hour_sin']);
    expect(a.targets).toEqual(['T', 'PM2.5', 'O3']);
    expect(a.weatherTargets).toEqual(['T']);
    expect(a.pollutantTargets).toEqual(['PM2.5', 'O3']);
    expect(a.train.inputs.length).toBe(50 * 3 * 4);
    expect(a.train.targets.length).toBe(50 * 2 * 3);
    expect(a.train.persistence.length).toBe(50 * 3);
    expect(a.validation.count).toBe(4);
    expect(a.test.mask.length).toBe(4 * 6);
    const missing = Array.from(a.train.mask).filter((m) => m === 0).length;
    expect(missing).toBeGreaterThan(0.15 * 300);
    expect(missing).toBeLessThan(0.35 * 300);
    a.train.mask.forEach((m, i) => {
      if (m === 0) {
        expect(a.train.targets[i]).toBe(0);
        expect(a.train.raw[i]).toBeNaN();
      } else {
        expect(a.train.raw[i]).toBe(a.train.targets[i]);
      }
    });
    const b = syntheticWindows(shape, { train: 50, heldOut: 4, missingRate: 0.25, seed: 3 });
    expect(Array.from(b.train.inputs)).toEqual(Array.from(a.train.inputs));
    expect(Array.from(b.train.mask)).toEqual(Array.from(a.train.mask));
    const c = syntheticWindows(shape, { train: 50, seed: 4 });
    expect(Array.from(c.train.inputs)).not.toEqual(Array.from(a.train.inputs));
    expect(c.validation.count).toBe(0);
  });

  it('names the option of a bad count or missing rate', () => {
    expect(() => syntheticWindows(BEIJING_WINDOW_SHAPE, { train: 0, seed: 1 })).toThrow(ConfigError);
    expect(() => syntheticWindows(BEIJING_WINDOW_SHAPE, { train: 2, heldOut: -1, seed: 1 })).toThrow(/^heldOut: /);
    expect(() => syntheticWindows(BEIJING_WINDOW_SHAPE, { train: 2, missingRate: 1, seed: 1 })).toThrow(/^missingRate: /);
  });
});

describe('BEIJING_WINDOW_SHAPE', () => {
  it('is the layout makeWindows gives the real Beijing files (Dongsi, history 48, horizons 1, 6, 24)', async () => {
    const table = await loadStationData({ source: `${BEIJING_SAMPLE_DIR}PRSA_Data_Dongsi_20130301-20170228.csv.gz`, threads: 1 });
    const real = makeWindows(table, { history: 48, horizons: [1, 6, 24] });
    const synthetic = syntheticWindows(BEIJING_WINDOW_SHAPE, { train: 1, seed: 1 });
    expect(synthetic.features).toEqual(real.features);
    expect(synthetic.targets).toEqual(real.targets);
    expect(synthetic.weatherTargets).toEqual(real.weatherTargets);
    expect(synthetic.pollutantTargets).toEqual(real.pollutantTargets);
    expect(synthetic.history).toBe(real.history);
    expect(synthetic.horizons).toEqual(real.horizons);
    expect(synthetic.features.length * synthetic.history).toBe(912);
  }, 60_000);
});
