import type { Matrix } from '@counterweight/reweighting';
import { ConfigError } from '@counterweight/runtime';

import type { ForecastWindows, WindowSplit } from '../data/forecast-windows.js';

/** A covariate summary of windows: one row per window, named columns. */
export interface CovariateSummary {
  readonly columns: readonly string[];
  readonly matrix: Matrix;
}

/**
 * The covariates the importance weights are fitted on, one row per window: every weather variable at the forecast
 * origin (the window's last input step) and the last value of `variable` (PM2.5), in the windows' normalised units
 * (source training mean and std; a missing value is 0, the training mean, as the model sees it). Columns: the weather
 * variables in table order, then `variable`. A row summarises what the forecaster sees of the state of the air at
 * the origin; calendar features and the longer history are left out so the kernel methods work in few dimensions.
 * @throws ConfigError naming `--variable` (or `weather`) when it (or a weather variable) is not an input feature of the windows.
 */
export function covariateSummary(windows: ForecastWindows, split: WindowSplit, variable: string): CovariateSummary {
  const columns = [...windows.weatherTargets, variable];
  const F = windows.features.length;
  const index = columns.map((c) => windows.features.indexOf(c));
  index.forEach((at, j) => {
    if (at === -1) throw new ConfigError(j === columns.length - 1 ? '--variable' : 'weather', `${columns[j]} is not an input of the windows (inputs: ${windows.features.join(', ')})`);
  });
  const p = columns.length;
  const data = new Float64Array(split.count * p);
  const span = windows.history * F;
  const origin = (windows.history - 1) * F;
  for (let i = 0; i < split.count; i++) {
    for (let j = 0; j < p; j++) data[i * p + j] = split.inputs[i * span + origin + index[j]!]!;
  }
  return { columns, matrix: { rows: split.count, cols: p, data } };
}
