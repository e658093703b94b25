import type { Method } from '@counterweight/experiment';
import { ConfigError } from '@counterweight/runtime';

import type { DataSettings, TrainingSettings } from '../experiment/settings.js';
import type { ForecastModelConfig } from '../models/forecast-model-config.js';
import type { ShiftDomainSpec } from './shift-domains.js';
import { WEIGHTING_NAMES, type ShiftWeightOptions, type WeightingName } from './shift-weights.js';

/** What every run of a shift experiment shares (JSON data: `config.json` holds it). */
export interface ShiftSettings {
  readonly data: DataSettings;
  readonly windows: { readonly history: number; readonly horizons: readonly number[]; readonly stride: number };
  readonly domains: ShiftDomainSpec;
  readonly model: ForecastModelConfig;
  /** Every forecaster is trained with the app's `mae` objective. */
  readonly training: TrainingSettings;
  readonly extremes: { readonly variable: string; readonly thresholds: readonly number[] };
  /** Kernel subsample size, double weighting's D and rank cap, and the seed of the weights (`--seed`: weights do not change across repetitions). */
  readonly weights: Required<ShiftWeightOptions>;
}

/** A run's options: which importance weighting its training windows get. */
export interface ShiftMethodOptions {
  readonly weighting: WeightingName;
}

/** The weighting every other one is read against. */
export const UNWEIGHTED = 'none';

/**
 * The methods of a shift experiment, one per weighting in the order given (`none` first when missing: the
 * attribution and every reading need the unweighted forecaster).
 * @throws ConfigError naming `--weights` for an empty list, an unknown or a repeated name.
 */
export function shiftMethods(names: readonly string[]): Method<ShiftMethodOptions>[] {
  if (names.length === 0) throw new ConfigError('--weights', 'must name at least one weighting');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ConfigError('--weights', `names ${twice} twice`);
  const unknown = names.find((n) => !(WEIGHTING_NAMES as readonly string[]).includes(n));
  if (unknown !== undefined) throw new ConfigError('--weights', `unknown weighting "${unknown}" (choose from ${WEIGHTING_NAMES.join(', ')})`);
  const all = names.includes(UNWEIGHTED) ? names : [UNWEIGHTED, ...names];
  return all.map((name) => ({ name, options: { weighting: name as WeightingName } }));
}
