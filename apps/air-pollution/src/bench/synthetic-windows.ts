import { ConfigError, SeededRandom } from '@counterweight/runtime';

import type { ForecastWindows, Scaling, WindowSplit } from '../data/forecast-windows.js';

/** The shape of a set of forecast windows, by name: what a training-throughput measurement depends on. */
export interface BenchWindowShape {
  /** Input steps per window. */
  readonly history: number;
  /** Steps ahead, ascending. */
  readonly horizons: readonly number[];
  /** Weather variables (inputs and weather-head targets). */
  readonly weather: readonly string[];
  /** Pollutant variables (inputs and pollutant-head targets). */
  readonly pollutants: readonly string[];
  /** Inputs that are not forecast (derived wind components, calendar features), after the variables. */
  readonly otherFeatures: readonly string[];
}

/**
 * The Beijing Multi-Site windows of the default comparison (`makeWindows(loadStationData(...), { history: 48,
 * horizons: [1, 6, 24] })`, calendar on, no missing flags): 5 weather + 6 pollutant variables, wind direction as
 * sin/cos, six calendar features → 19 input features per step (912 inputs per window), 11 targets × 3 horizons
 * (15 weather-head and 18 pollutant-head outputs).
 */
export const BEIJING_WINDOW_SHAPE: BenchWindowShape = Object.freeze({
  history: 48,
  horizons: Object.freeze([1, 6, 24]),
  weather: Object.freeze(['TEMP', 'PRES', 'DEWP', 'RAIN', 'WSPM']),
  pollutants: Object.freeze(['PM2.5', 'PM10', 'SO2', 'NO2', 'CO', 'O3']),
  otherFeatures: Object.freeze(['wd_sin', 'wd_cos', 'hour_sin', 'hour_cos', 'doy_sin', 'doy_cos', 'dow_sin', 'dow_cos']),
});

/** Options of {@link syntheticWindows}. */
export interface SyntheticWindowsOptions {
  /** Windows in the training split (≥ 1). */
  readonly train: number;
  /** Windows in the validation and the test split each (default 0). */
  readonly heldOut?: number;
  /** Fraction of targets marked missing (mask 0), in [0, 1); default 0.02, about the Beijing PM2.5 missing rate. */
  readonly missingRate?: number;
  readonly seed: number;
}

const HOUR_MS = 3_600_000;

function split(shape: BenchWindowShape, count: number, missingRate: number, random: SeededRandom): WindowSplit {
  const features = shape.weather.length + shape.pollutants.length + shape.otherFeatures.length;
  const variables = shape.weather.length + shape.pollutants.length;
  const width = shape.horizons.length * variables;
  const inputs = random.normalArray(count * shape.history * features);
  const targets = random.normalArray(count * width);
  const mask = new Float32Array(count * width);
  const raw = new Float32Array(count * width);
  for (let i = 0; i < mask.length; i += 1) {
    const observed = random.uniform() >= missingRate;
    mask[i] = observed ? 1 : 0;
    if (!observed) targets[i] = 0;
    raw[i] = observed ? (targets[i] as number) : Number.NaN;
  }
  const time = new Float64Array(count);
  for (let i = 0; i < count; i += 1) time[i] = Date.UTC(2013, 2, 1) + (shape.history - 1 + i) * HOUR_MS;
  return {
    count,
    inputs,
    targets,
    mask,
    raw,
    persistence: new Float32Array(count * variables).fill(Number.NaN),
    seasonal: new Float32Array(count * width).fill(Number.NaN),
    station: new Int32Array(count),
    time,
  };
}

/**
 * Forecast windows of a given shape filled with seeded noise, for timing training steps without reading data:
 * inputs and targets standard normal (the scale of standardised windows), a fraction `missingRate` of the targets
 * missing (mask 0, target 0, raw NaN), persistence and seasonal forecasts NaN, one station, hourly times from
 * 2013-03-01, scaling mean 0 / std 1. Same seed → same numbers. Training throughput does not depend on the values.
 * @throws ConfigError naming the option for a window count < 1 (train) or < 0 (heldOut), or a missing rate outside [0, 1).
 */
export function syntheticWindows(shape: BenchWindowShape, options: SyntheticWindowsOptions): ForecastWindows {
  const heldOut = options.heldOut ?? 0;
  const missingRate = options.missingRate ?? 0.02;
  if (!Number.isInteger(options.train) || options.train < 1) throw new ConfigError('train', `must be an integer ≥ 1, got ${options.train}`);
  if (!Number.isInteger(heldOut) || heldOut < 0) throw new ConfigError('heldOut', `must be an integer ≥ 0, got ${heldOut}`);
  if (!(missingRate >= 0 && missingRate < 1)) throw new ConfigError('missingRate', `must be in [0, 1), got ${missingRate}`);
  const features = [...shape.weather, ...shape.pollutants, ...shape.otherFeatures];
  const targets = [...shape.weather, ...shape.pollutants];
  const scaling: Record<string, Scaling> = Object.fromEntries(features.map((name) => [name, { mean: 0, std: 1 }]));
  return {
    frequency: 'hourly',
    stations: ['synthetic'],
    history: shape.history,
    horizons: [...shape.horizons],
    features,
    targets,
    weatherTargets: [...shape.weather],
    pollutantTargets: [...shape.pollutants],
    scaling,
    train: split(shape, options.train, missingRate, SeededRandom.fromSeed(options.seed, 'synthetic-windows', 'train')),
    validation: split(shape, heldOut, missingRate, SeededRandom.fromSeed(options.seed, 'synthetic-windows', 'validation')),
    test: split(shape, heldOut, missingRate, SeededRandom.fromSeed(options.seed, 'synthetic-windows', 'test')),
    periods: {
      train: { start: '2013-03-01', end: '2016-01-01' },
      validation: { start: '2016-01-01', end: '2016-07-01' },
      test: { start: '2016-07-01', end: '2017-03-01' },
    },
  };
}
