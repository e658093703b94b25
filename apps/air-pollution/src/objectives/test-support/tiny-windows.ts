// Test-only: tiny ForecastWindows built by hand (no data pipeline), with missing targets and a heavy right tail.
import { SeededRandom } from '@counterweight/runtime';

import type { ForecastWindows, WindowSplit } from '../../data/forecast-windows.js';

/** Options of {@link tinyWindows}. */
export interface TinyWindowOptions {
  /** Include the weather target `TEMP` (default true); false gives a pollutant-only table. */
  readonly weather?: boolean;
  /** Windows per split. Default train 24, validation 12, test 8. */
  readonly counts?: { readonly train: number; readonly validation: number; readonly test: number };
  /** Seed of the values. Default 7. */
  readonly seed?: number;
  /** Share of missing targets. Default 0.15. */
  readonly missing?: number;
}

function split(count: number, horizons: number, targets: number, random: SeededRandom, missing: number): WindowSplit {
  const size = count * horizons * targets;
  const values = new Float32Array(size);
  const mask = new Float32Array(size);
  const raw = new Float32Array(size);
  for (let k = 0; k < size; k += 1) {
    // a right-skewed value (exp of a normal, centred): most near 0, a few large — the smog spikes
    const v = Math.fround(Math.exp(random.normal(0, 0.8)) - 1.2);
    const observed = random.uniform() >= missing;
    mask[k] = observed ? 1 : 0;
    values[k] = observed ? v : 0;
    raw[k] = observed ? v * 10 + 50 : Number.NaN;
  }
  return {
    count,
    inputs: new Float32Array(count * 4 * 2),
    targets: values,
    mask,
    raw,
    persistence: new Float32Array(count * targets),
    seasonal: new Float32Array(count * horizons * targets),
    station: new Int32Array(count),
    time: Float64Array.from({ length: count }, (_, i) => Date.UTC(2015, 0, 1) + i * 3_600_000),
  };
}

/**
 * Hand-built windows: 2 horizons ([1, 6]), weather target `TEMP` (optional) and pollutant targets `PM2.5`, `NO2`;
 * normalised-looking skewed targets with about 15 % missing (mask 0, target 0 there). Same seed → same windows.
 */
export function tinyWindows(options: TinyWindowOptions = {}): ForecastWindows {
  const weather = options.weather ?? true;
  const counts = options.counts ?? { train: 24, validation: 12, test: 8 };
  const random = SeededRandom.fromSeed(options.seed ?? 7, 'tiny-windows');
  const weatherTargets = weather ? ['TEMP'] : [];
  const pollutantTargets = ['PM2.5', 'NO2'];
  const targets = [...weatherTargets, ...pollutantTargets];
  const horizons = [1, 6];
  const missing = options.missing ?? 0.15;
  const scaling = Object.fromEntries(targets.map((t) => [t, { mean: 50, std: 10 }]));
  return {
    frequency: 'hourly',
    stations: ['Tiny'],
    history: 4,
    horizons,
    features: ['PM2.5', 'hour_sin'],
    targets,
    weatherTargets,
    pollutantTargets,
    scaling,
    train: split(counts.train, horizons.length, targets.length, random, missing),
    validation: split(counts.validation, horizons.length, targets.length, random, missing),
    test: split(counts.test, horizons.length, targets.length, random, missing),
    periods: {
      train: { start: '2015-01-01', end: '2015-02-01' },
      validation: { start: '2015-02-01', end: '2015-03-01' },
      test: { start: '2015-03-01', end: '2015-04-01' },
    },
  };
}

/** Row `i` of a split's targets / mask as plain numbers (`[H·V]`). */
export function row(values: Float32Array, i: number, width: number): number[] {
  return Array.from(values.subarray(i * width, (i + 1) * width));
}
