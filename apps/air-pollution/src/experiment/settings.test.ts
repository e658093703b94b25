import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { airMethods, checkAirSettings, METHOD_NAMES, type AirSettings } from './settings.js';

const settings: AirSettings = {
  data: { source: 'sample', frequency: 'hourly', interpolateMaxGap: 0 },
  windows: { history: 24, horizons: [1, 6, 24], stride: 1 },
  model: { kind: 'mlp', hidden: 8, layers: 1, headHidden: 4, kernelSize: 3 },
  training: { epochs: 1, batchSize: 32, learningRate: 0.001, patience: 0 },
  extremes: { variable: 'PM2.5', thresholds: [75, 150] },
};

describe('airMethods', () => {
  it('puts the MAE baseline first when it is not named, and keeps the given order', () => {
    expect(airMethods(['persistence', 'fmae']).map((m) => m.name)).toEqual(['mae', 'persistence', 'fmae']);
    expect(airMethods(['fmae', 'mae']).map((m) => m.name)).toEqual(['fmae', 'mae']);
    expect(airMethods(['seasonal-naive', 'quantile', 'ordinal-aqi']).map((m) => m.options)).toEqual([
      { kind: 'objective', objective: 'mae' },
      { kind: 'baseline', baseline: 'seasonal-naive' },
      { kind: 'objective', objective: 'quantile' },
      { kind: 'ordinal' },
    ]);
  });

  it('names --methods for an unknown, a repeated or no method', () => {
    expect(() => airMethods(['mae', 'smog'])).toThrow(ConfigError);
    expect(() => airMethods(['mae', 'smog'])).toThrow(`--methods: unknown method "smog"; choose from ${METHOD_NAMES.join(', ')}`);
    expect(() => airMethods(['fmae', 'fmae'])).toThrow('--methods: names fmae twice');
    expect(() => airMethods([])).toThrow('--methods: must name at least one method');
  });
});

describe('checkAirSettings', () => {
  it('accepts the defaults and names the flag of a value out of range', () => {
    expect(() => checkAirSettings(settings)).not.toThrow();
    const bad = (patch: Partial<AirSettings>): (() => void) => () => checkAirSettings({ ...settings, ...patch });
    expect(bad({ windows: { ...settings.windows, history: 0 } })).toThrow('--history: must be a whole number >= 1, got 0');
    expect(bad({ windows: { ...settings.windows, horizons: [6, 1] } })).toThrow('--horizons: must be ascending without repeats, got 6,1');
    expect(bad({ windows: { ...settings.windows, horizons: [] } })).toThrow('--horizons: must name at least one horizon');
    expect(bad({ training: { ...settings.training, learningRate: 0 } })).toThrow('--lr: must be > 0, got 0');
    expect(bad({ training: { ...settings.training, epochs: 1.5 } })).toThrow('--epochs: must be a whole number >= 1, got 1.5');
    expect(bad({ data: { ...settings.data, interpolateMaxGap: -1 } })).toThrow('--interpolate: must be a whole number >= 0, got -1');
  });
});
