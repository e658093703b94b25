import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { DEFAULT_FORECAST_MODEL } from './default-forecast-model.js';
import type { ForecastModelConfig, ForecastModelKind } from './forecast-model-config.js';
import { forecastOptionName, validateForecastModelConfig, validateForecastModelShape } from './forecast-model-validation.js';

describe('validateForecastModelConfig', () => {
  it('accepts the default model and returns it', () => {
    expect(validateForecastModelConfig(DEFAULT_FORECAST_MODEL, '--')).toBe(DEFAULT_FORECAST_MODEL);
    expect(validateForecastModelConfig({ ...DEFAULT_FORECAST_MODEL, kind: 'tcn' }, '--').kind).toBe('tcn');
  });

  it('names the CLI flag of a bad value', () => {
    expect(() => validateForecastModelConfig({ ...DEFAULT_FORECAST_MODEL, hidden: 0 }, '--')).toThrow(new ConfigError('--hidden', 'must be a positive integer, got 0'));
    expect(() => validateForecastModelConfig({ ...DEFAULT_FORECAST_MODEL, layers: 1.5 }, '--')).toThrow('--layers: must be a positive integer, got 1.5');
    expect(() => validateForecastModelConfig({ ...DEFAULT_FORECAST_MODEL, headHidden: -2 }, '--')).toThrow('--head-hidden: must be a positive integer, got -2');
    expect(() => validateForecastModelConfig({ ...DEFAULT_FORECAST_MODEL, kernelSize: Number.NaN }, '--')).toThrow('--kernel-size: must be a positive integer, got NaN');
    expect(() => validateForecastModelConfig({ ...DEFAULT_FORECAST_MODEL, kind: 'lstm' as ForecastModelKind }, '--')).toThrow(
      '--kind: must be one of mlp, tcn, got "lstm"',
    );
  });

  it('names the settings field with a dotted prefix, and rejects non-numbers from JSON', () => {
    const fromJson = JSON.parse('{"kind":"mlp","hidden":"64","layers":2,"headHidden":32,"kernelSize":3}') as ForecastModelConfig;
    expect(() => validateForecastModelConfig(fromJson, 'settings.model.')).toThrow('settings.model.hidden: must be a positive integer, got "64"');
    expect(() => validateForecastModelConfig({ ...DEFAULT_FORECAST_MODEL, headHidden: 0 }, 'model.')).toThrow(ConfigError);
    expect(() => validateForecastModelConfig({ ...DEFAULT_FORECAST_MODEL, headHidden: 0 }, 'model.')).toThrow(/^model\.headHidden:/);
  });

  it('maps field names to flags or dotted paths', () => {
    expect(forecastOptionName('--', 'kernelSize')).toBe('--kernel-size');
    expect(forecastOptionName('--model-', 'headHidden')).toBe('--model-head-hidden');
    expect(forecastOptionName('model.', 'headHidden')).toBe('model.headHidden');
  });
});

describe('validateForecastModelShape', () => {
  it('allows no weather outputs but needs pollutant outputs, history and features', () => {
    const shape = { history: 24, features: 22, weatherOutputs: 0, pollutantOutputs: 18 };
    expect(validateForecastModelShape(shape)).toBe(shape);
    expect(() => validateForecastModelShape({ ...shape, pollutantOutputs: 0 })).toThrow('shape.pollutantOutputs: must be a positive integer, got 0');
    expect(() => validateForecastModelShape({ ...shape, history: 0 })).toThrow('shape.history');
    expect(() => validateForecastModelShape({ ...shape, features: 2.5 })).toThrow('shape.features');
    expect(() => validateForecastModelShape({ ...shape, weatherOutputs: -1 })).toThrow('shape.weatherOutputs: must be an integer >= 0, got -1');
  });
});
