import type { ForecastModelConfig } from './forecast-model-config.js';

/**
 * The default forecaster: an MLP with a shared trunk of 2 × 64 ReLU units and heads of 32 hidden units
 * (`kernelSize` 3 applies when `kind` is switched to `tcn`). Small on purpose: the full Beijing comparison trains
 * 27 runs on 2 CPUs in about half an hour.
 */
export const DEFAULT_FORECAST_MODEL: ForecastModelConfig = Object.freeze({
  kind: 'mlp',
  hidden: 64,
  layers: 2,
  headHidden: 32,
  kernelSize: 3,
});
