import type { Method } from '@counterweight/experiment';
import { ConfigError } from '@counterweight/runtime/base';

import type { Frequency } from '../data/aligned-table.js';
import type { ForecastModelConfig } from '../models/forecast-model-config.js';
import { OBJECTIVE_NAMES, type ObjectiveName } from '../objectives/objective.js';

/** Where a comparison's station table comes from (`--data`, `--mapping` and the alignment flags). */
export interface DataSettings {
  /** `sample` (the embedded Beijing sample), `beijing` (the full 12 stations) or a table file (CSV, CSV.gz, Arrow, Parquet). */
  readonly source: string;
  /** Column mapping JSON of a table file (required for files; built in for `sample` and `beijing`). */
  readonly mapping?: string;
  readonly frequency: Frequency;
  /** Longest gap (grid steps) filled by linear interpolation; 0 = none. */
  readonly interpolateMaxGap: number;
}

/** How windows are cut (`--history`, `--horizons`, `--stride` and the period flags). */
export interface WindowSettings {
  /** Input steps per window. */
  readonly history: number;
  /** Steps ahead, ascending. */
  readonly horizons: readonly number[];
  /** Every `stride`-th window end is used (all splits). */
  readonly stride: number;
  /** Split periods (ISO dates, start inclusive, end exclusive); a missing bound takes the data's default. */
  readonly periods?: Partial<Record<'train' | 'validation' | 'test', { readonly start?: string; readonly end?: string }>>;
}

/** Training of the neural forecasters. */
export interface TrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Epochs without a better validation loss before stopping (the best epoch's weights are kept); 0 = never stop early. */
  readonly patience: number;
}

/** What every run of an air-pollution comparison shares (JSON data: `config.json` holds it). */
export interface AirSettings {
  readonly data: DataSettings;
  readonly windows: WindowSettings;
  readonly model: ForecastModelConfig;
  readonly training: TrainingSettings;
  /** The variable whose extremes are scored (PM2.5 for Beijing) and its thresholds (µg/m³). */
  readonly extremes: { readonly variable: string; readonly thresholds: readonly number[] };
}

/** The baselines every forecaster must beat. */
export const BASELINE_NAMES = ['persistence', 'seasonal-naive'] as const;
/** One of {@link BASELINE_NAMES}. */
export type BaselineName = (typeof BASELINE_NAMES)[number];

/** The ordinal AQI-category forecasters: PRESTO and its two limits. */
export const ORDINAL_METHOD = 'ordinal-aqi';

/** A method's options: a baseline, a neural forecaster trained with an objective, or the ordinal AQI forecasts. */
export type AirMethodOptions =
  | { readonly kind: 'baseline'; readonly baseline: BaselineName }
  | { readonly kind: 'objective'; readonly objective: ObjectiveName }
  | { readonly kind: 'ordinal' };

/** The method every other one is read against (plain MAE, issue 16). */
export const BASELINE_METHOD = 'mae';

/** The methods of `compare` by name (`--methods`): baselines, objectives, `ordinal-aqi`. */
export const METHOD_NAMES: readonly string[] = [...BASELINE_NAMES, ...OBJECTIVE_NAMES, ORDINAL_METHOD];

/**
 * The methods of a comparison in the order given; `mae` is added first when missing (every reading is against it).
 * @throws ConfigError naming `--methods` for an unknown or repeated name.
 */
export function airMethods(names: readonly string[]): Method<AirMethodOptions>[] {
  if (names.length === 0) throw new ConfigError('--methods', 'must name at least one method');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ConfigError('--methods', `names ${twice} twice`);
  const all = names.includes(BASELINE_METHOD) ? names : [BASELINE_METHOD, ...names];
  return all.map((name): Method<AirMethodOptions> => {
    if ((BASELINE_NAMES as readonly string[]).includes(name)) return { name, options: { kind: 'baseline', baseline: name as BaselineName } };
    if ((OBJECTIVE_NAMES as readonly string[]).includes(name)) return { name, options: { kind: 'objective', objective: name as ObjectiveName } };
    if (name === ORDINAL_METHOD) return { name, options: { kind: 'ordinal' } };
    throw new ConfigError('--methods', `unknown method "${name}"; choose from ${METHOD_NAMES.join(', ')}`);
  });
}

const whole = (value: number, flag: string, min: number): void => {
  if (!Number.isSafeInteger(value) || value < min) throw new ConfigError(flag, `must be a whole number >= ${min}, got ${value}`);
};

/** @throws ConfigError naming the flag of a setting out of range. */
export function checkAirSettings(settings: AirSettings): void {
  const { windows, training } = settings;
  whole(windows.history, '--history', 1);
  whole(windows.stride, '--stride', 1);
  if (windows.horizons.length === 0) throw new ConfigError('--horizons', 'must name at least one horizon');
  windows.horizons.forEach((h, i) => {
    whole(h, '--horizons', 1);
    if (i > 0 && h <= (windows.horizons[i - 1] ?? 0)) throw new ConfigError('--horizons', `must be ascending without repeats, got ${windows.horizons.join(',')}`);
  });
  whole(settings.data.interpolateMaxGap, '--interpolate', 0);
  whole(training.epochs, '--epochs', 1);
  whole(training.batchSize, '--batch-size', 1);
  whole(training.patience, '--patience', 0);
  if (!(training.learningRate > 0)) throw new ConfigError('--lr', `must be > 0, got ${training.learningRate}`);
  if (settings.extremes.thresholds.some((t) => !Number.isFinite(t))) throw new ConfigError('--thresholds', 'must be numbers');
}
