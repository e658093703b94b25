import { ConfigError } from '@counterweight/runtime';

import type { ForecastWindows } from '../data/forecast-windows.js';
import { OBJECTIVE_NAMES, type Objective, type ObjectiveName } from './objective.js';
import type { ObjectiveOptions } from './objective-options.js';
import { buildBalancedMseObjective } from './balanced-mse.js';
import { buildCarObjective } from './car.js';
import { buildFmaeObjective } from './fmae.js';
import { buildLdsObjective } from './lds.js';
import { buildMaeObjective } from './mae.js';
import { buildQuantileObjective } from './quantile.js';
import { buildIgbObjective, buildUncertaintyObjective } from './task-weighted-mae.js';

/** One entry of {@link OBJECTIVES}: what the objective is, its source, and how to build it for a set of windows. */
export interface ObjectiveEntry {
  /** One line for reports. */
  readonly description: string;
  /** The paper (authors, year) the objective follows. */
  readonly reference: string;
  readonly build: (windows: ForecastWindows, options: ObjectiveOptions) => Objective;
}

/** The objectives of the comparison by name, the baseline `mae` first (each builder's doc comment has the formula). */
export const OBJECTIVES: Readonly<Record<ObjectiveName, ObjectiveEntry>> = {
  mae: {
    description: 'masked MAE of the weather head plus masked MAE of the pollutant head (the baseline)',
    reference: 'AirCast multi-task sum (Nedungadi et al., 2025)',
    build: (windows) => buildMaeObjective(windows),
  },
  fmae: {
    description: 'frequency-weighted MAE on the pollutant head (training-target histograms, bin of the target, β = 0.8, mean-1 weights) plus weather MAE',
    reference: 'Nedungadi et al., 2025 (AirCast); Cui et al., 2019 (class-balanced weights)',
    build: (windows, options) => buildFmaeObjective(windows, options.fmae),
  },
  uncertainty: {
    description: 'weather and pollutant MAE weighted by learned homoscedastic uncertainty',
    reference: 'Kendall, Gal & Cipolla, 2018',
    build: (windows, options) => buildUncertaintyObjective(windows, options.uncertainty),
  },
  igb: {
    description: 'weather and pollutant MAE balanced by improvable gaps (IGBv1, log-losses; needs onEpochEnd each epoch)',
    reference: 'Dai, Fei & Lu, 2023',
    build: (windows, options) => buildIgbObjective(windows, options.igb),
  },
  lds: {
    description: 'LDS-weighted MAE on the pollutant head (per-pollutant smoothed inverse-√frequency weights) plus weather MAE',
    reference: 'Yang, Zha, Chen, Wang & Katabi, 2021',
    build: (windows, options) => buildLdsObjective(windows, options.lds),
  },
  'balanced-mse': {
    description: 'Balanced MSE (BMC, σ learned from 0.1 target std) on the pollutant head plus weather MAE',
    reference: 'Ren, Zhang, Yeo & Liu, 2022',
    build: (windows, options) => buildBalancedMseObjective(windows, options.balancedMse),
  },
  car: {
    description: 'classification-aided regression on the pollutant head (squared error + cross-entropy over training-target bins) plus weather MAE',
    reference: 'Pintea, Lin, Dijkstra & van Gemert, 2023',
    build: (windows, options) => buildCarObjective(windows, options.car),
  },
  quantile: {
    description: 'pinball loss over P10/P50/P90 on both heads (point forecast: P50)',
    reference: 'Koenker & Bassett, 1978; conformal calibration: Romano, Patterson & Candès, 2019',
    build: (windows, options) => buildQuantileObjective(windows, options.quantile),
  },
};

/**
 * Builds the named objective for `windows` (fits on the training split only: histograms, LDS and class bins).
 * IGB: the training loop must call `objective.weighter.onEpochEnd(epoch)` after each epoch.
 * @throws ConfigError naming `objective` for an unknown name (listing the valid ones) or an objective that needs a
 *   weather head on a pollutant-only table; ConfigError naming the option for a bad option value.
 */
export function createObjective(name: ObjectiveName, windows: ForecastWindows, options: ObjectiveOptions = {}): Objective {
  if (!Object.prototype.hasOwnProperty.call(OBJECTIVES, name)) {
    throw new ConfigError('objective', `unknown objective "${String(name)}"; valid: ${OBJECTIVE_NAMES.join(', ')}`);
  }
  return OBJECTIVES[name].build(windows, options);
}
