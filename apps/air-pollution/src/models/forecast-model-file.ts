import { loadModelWeights, modelFromNamedWeights, readModelDescription, writeModelFiles, type ModelFiles } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

import type { ForecastModelConfig, ForecastModelShape } from './forecast-model-config.js';
import { createForecastModel, type ForecastModel } from './forecast-model.js';

/** File (in a run directory) describing a saved forecaster; its weights are in {@link FORECAST_WEIGHTS_FILE}. */
export const FORECAST_MODEL_FILE = 'forecaster.json';
/** File of a saved forecaster's weights (tfjs weight encoding, float32 little-endian, in manifest order). */
export const FORECAST_WEIGHTS_FILE = 'forecaster-weights.bin';
/** `format` of {@link FORECAST_MODEL_FILE}. */
export const FORECAST_MODEL_FORMAT = 'counterweight-air-pollution-forecaster';

/** A run directory's forecaster files and the words of their messages, for runtime's model-files functions. */
const FORECAST_FILES: ModelFiles = {
  description: FORECAST_MODEL_FILE,
  weights: FORECAST_WEIGHTS_FILE,
  format: FORECAST_MODEL_FORMAT,
  kind: 'saved air-pollution forecaster',
  missingHint: 'is this a finished run directory?',
};

/** What {@link FORECAST_MODEL_FILE} holds. */
export interface SavedForecastModel {
  readonly format: typeof FORECAST_MODEL_FORMAT;
  readonly version: 1;
  readonly config: ForecastModelConfig;
  readonly shape: ForecastModelShape;
  /** Seed of the initial weights (informational: loading assigns the saved weights). */
  readonly seed: number;
  readonly parameterCount: number;
  /** tfjs weights manifest of {@link FORECAST_WEIGHTS_FILE}, by checkpoint name. */
  readonly weights: tf.io.WeightsManifestConfig;
}

/**
 * Rebuilds a forecaster from its architecture and trained weights (by checkpoint name, e.g. a runtime checkpoint's
 * `variables` or decoded weight files): builds it with `createForecastModel(config, shape, seed)` and assigns every
 * variable (runtime's `modelFromNamedWeights`). The caller keeps ownership of `weights`, and disposes the model.
 * @throws DataFileError naming `source` and the variables that are not of this architecture, else the first one that
 *   is missing or has another shape.
 */
export function forecastModelFromWeights(
  config: ForecastModelConfig,
  shape: ForecastModelShape,
  weights: tf.NamedTensorMap,
  options: { readonly seed?: number; readonly source?: string } = {},
): ForecastModel {
  return modelFromNamedWeights(() => createForecastModel(config, shape, options.seed ?? 0), weights, options.source ?? 'weights', `this ${config.kind} architecture`);
}

/**
 * Saves a forecaster into `dir` as {@link FORECAST_MODEL_FILE} and {@link FORECAST_WEIGHTS_FILE}, each written to a
 * temporary sibling and renamed (weights first, so a complete description always describes complete weights).
 * @throws DataFileError naming the file that cannot be written.
 */
export async function saveForecastModel(dir: string, model: ForecastModel): Promise<void> {
  await writeModelFiles(dir, FORECAST_FILES, { config: model.config, shape: model.shape, seed: model.seed, parameterCount: model.parameterCount }, model.variables);
}

/**
 * Loads a forecaster saved by {@link saveForecastModel} from `dir`. The caller disposes it.
 * @throws DataFileError naming the file when it is missing, not a saved forecaster, lacks config or shape, its weights
 *   file has another size than described, or a variable is missing or has another shape; ConfigError when the saved
 *   config is invalid.
 */
export async function loadForecastModel(dir: string): Promise<ForecastModel> {
  const info = (await readModelDescription(dir, FORECAST_FILES, ['config', 'shape'])) as unknown as SavedForecastModel;
  return loadModelWeights(dir, FORECAST_FILES, info, (weights, source) => forecastModelFromWeights(info.config, info.shape, weights, { seed: info.seed, source }));
}
