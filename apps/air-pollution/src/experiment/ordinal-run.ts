import { ConfigError } from '@counterweight/runtime';

import { fitOrdinalForecast, type OrdinalForecastResult } from '../evaluation/index.js';
import type { AirData } from './prepare-data.js';

/** The variable whose China AQI category is forecast (the breakpoints are PM2.5's). */
export const ORDINAL_VARIABLE = 'PM2.5';

/** What the `ordinal-aqi` method gives the harness: PRESTO and its two limits on the same windows. */
export interface OrdinalRunResult {
  readonly kind: 'ordinal';
  readonly ordinal: OrdinalForecastResult;
}

/**
 * Forecasts the China AQI category of PM2.5 at the longest horizon with PRESTO (λ chosen on the validation windows)
 * against the proportional-odds model and separate logistic fits (its λ → ∞ and λ = 0 limits), fitted on a seeded
 * subsample of the training windows, scored on the test windows.
 * @throws ConfigError naming `--methods` when the table has no PM2.5 target.
 */
export function runOrdinalForecasts(data: AirData, seed: number): OrdinalRunResult {
  const w = data.windows;
  if (!w.pollutantTargets.includes(ORDINAL_VARIABLE)) {
    throw new ConfigError('--methods', `ordinal-aqi forecasts the AQI category of ${ORDINAL_VARIABLE}, which this table does not have (pollutants: ${w.pollutantTargets.join(', ')})`);
  }
  const horizon = w.horizons[w.horizons.length - 1] ?? 1;
  const ordinal = fitOrdinalForecast({ train: w.train, validation: w.validation, test: w.test, layout: w, horizon, variable: ORDINAL_VARIABLE, seed });
  return { kind: 'ordinal', ordinal };
}
