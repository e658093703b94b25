import { ConfigError, integerOption } from '@counterweight/runtime';

import { FORECAST_MODEL_KINDS, type ForecastModelConfig, type ForecastModelShape } from './forecast-model-config.js';

/** `headHidden` → `head-hidden`. */
function kebab(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The name under which a config field is reported: CLI style (`--head-hidden`) when the prefix ends with `-`, else
 * the prefix followed by the field name as written (`model.headHidden`).
 */
export function forecastOptionName(argumentPrefix: string, field: string): string {
  return argumentPrefix.endsWith('-') ? `${argumentPrefix}${kebab(field)}` : `${argumentPrefix}${field}`;
}

/**
 * Checks a forecaster's architecture options and returns them unchanged: `kind` one of {@link FORECAST_MODEL_KINDS};
 * `hidden`, `layers`, `headHidden` and `kernelSize` whole numbers ≥ 1 (`kernelSize` is checked for the MLP too, where
 * it is ignored, so a bad value never hides in a settings file).
 *
 * @param argumentPrefix how the fields are named in errors: `--` gives `--hidden`, `--head-hidden`, `--kernel-size`;
 *   `model.` gives `model.hidden`, `model.headHidden`.
 * @throws ConfigError naming the field, e.g. `--hidden: must be a positive integer, got 0`.
 */
export function validateForecastModelConfig(config: ForecastModelConfig, argumentPrefix: string): ForecastModelConfig {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError(argumentPrefix.replace(/[-.]+$/, '') || 'model', 'must be an object with kind, hidden, layers, headHidden and kernelSize');
  }
  const name = (field: string): string => forecastOptionName(argumentPrefix, field);
  if (!(FORECAST_MODEL_KINDS as readonly string[]).includes(config.kind)) {
    throw new ConfigError(name('kind'), `must be one of ${FORECAST_MODEL_KINDS.join(', ')}, got ${JSON.stringify(config.kind)}`);
  }
  for (const field of ['hidden', 'layers', 'headHidden', 'kernelSize'] as const) {
    const value: unknown = config[field];
    if (typeof value !== 'number') throw new ConfigError(name(field), `must be a positive integer, got ${JSON.stringify(value)}`);
    integerOption(value, name(field));
  }
  return config;
}

/**
 * Checks the data-given shape of a forecaster: `history`, `features` and `pollutantOutputs` whole numbers ≥ 1,
 * `weatherOutputs` a whole number ≥ 0. Errors name `shape.<field>`.
 * @throws ConfigError naming the field.
 */
export function validateForecastModelShape(shape: ForecastModelShape): ForecastModelShape {
  integerOption(shape.history, 'shape.history');
  integerOption(shape.features, 'shape.features');
  integerOption(shape.weatherOutputs, 'shape.weatherOutputs', 0);
  integerOption(shape.pollutantOutputs, 'shape.pollutantOutputs');
  return shape;
}
