import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError, readNamedWeights, writeFileAtomic, writeNamedWeights } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastModelConfig, ForecastModelShape } from './forecast-model-config.js';
import { createForecastModel, type ForecastModel } from './forecast-model.js';

/** File (in a run directory) describing a saved forecaster; its weights are in {@link FORECAST_WEIGHTS_FILE}. */
export const FORECAST_MODEL_FILE = 'forecaster.json';
/** File of a saved forecaster's weights (tfjs weight encoding, float32 little-endian, in manifest order). */
export const FORECAST_WEIGHTS_FILE = 'forecaster-weights.bin';
/** `format` of {@link FORECAST_MODEL_FILE}. */
export const FORECAST_MODEL_FORMAT = 'counterweight-air-pollution-forecaster';

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
 * variable. The caller keeps ownership of `weights`, and disposes the model.
 * @throws DataFileError naming `source` and the variable when one is missing, has another shape, or is not a
 *   variable of this architecture.
 */
export function forecastModelFromWeights(
  config: ForecastModelConfig,
  shape: ForecastModelShape,
  weights: tf.NamedTensorMap,
  options: { readonly seed?: number; readonly source?: string } = {},
): ForecastModel {
  const source = options.source ?? 'weights';
  const model = createForecastModel(config, shape, options.seed ?? 0);
  try {
    const expected = new Set(model.variables.map((v) => v.name));
    const unknown = Object.keys(weights).filter((name) => !expected.has(name));
    if (unknown.length > 0) {
      throw new DataFileError({ file: source }, `holds variables this ${config.kind} architecture does not have: ${unknown.join(', ')}`);
    }
    for (const { name, variable } of model.variables) {
      const value = weights[name];
      if (value === undefined) throw new DataFileError({ file: source }, `variable ${name} is missing`);
      if (value.shape.join() !== variable.shape.join()) {
        throw new DataFileError({ file: source }, `variable ${name} has shape [${value.shape.join(', ')}], the model needs [${variable.shape.join(', ')}]`);
      }
      variable.assign(value.dtype === 'float32' ? value : tf.tidy(() => tf.cast(value, 'float32')));
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/**
 * Saves a forecaster into `dir` as {@link FORECAST_MODEL_FILE} and {@link FORECAST_WEIGHTS_FILE}, each written to a
 * temporary sibling and renamed (weights first, so a complete description always describes complete weights).
 */
export async function saveForecastModel(dir: string, model: ForecastModel): Promise<void> {
  const weights = await writeNamedWeights(dir, FORECAST_WEIGHTS_FILE, model.variables);
  const description: SavedForecastModel = {
    format: FORECAST_MODEL_FORMAT,
    version: 1,
    config: model.config,
    shape: model.shape,
    seed: model.seed,
    parameterCount: model.parameterCount,
    weights,
  };
  await writeFileAtomic(join(dir, FORECAST_MODEL_FILE), `${JSON.stringify(description, null, 2)}\n`);
}

async function readDescription(path: string): Promise<SavedForecastModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError({ file: path }, code === 'ENOENT' ? 'does not exist (is this a finished run directory?)' : `cannot be read (${String(code)})`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DataFileError({ file: path }, `is not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const info = parsed as Partial<SavedForecastModel> | null;
  if (info === null || typeof info !== 'object' || info.format !== FORECAST_MODEL_FORMAT || info.version !== 1) {
    throw new DataFileError({ file: path }, `is not a saved air-pollution forecaster (format ${String(info?.format)}, version ${String(info?.version)})`);
  }
  if (typeof info.config !== 'object' || typeof info.shape !== 'object' || !Array.isArray(info.weights)) {
    throw new DataFileError({ file: path }, 'lacks config, shape or weights');
  }
  return info as SavedForecastModel;
}

/**
 * Loads a forecaster saved by {@link saveForecastModel} from `dir`. The caller disposes it.
 * @throws DataFileError naming the file when it is missing, not a saved forecaster, its weights file has another
 *   size than described, or a variable is missing or has another shape; ConfigError when the saved config is invalid.
 */
export async function loadForecastModel(dir: string): Promise<ForecastModel> {
  const descriptionPath = join(dir, FORECAST_MODEL_FILE);
  const info = await readDescription(descriptionPath);
  const weightsPath = join(dir, FORECAST_WEIGHTS_FILE);
  const tensors = await readNamedWeights(weightsPath, info.weights, { source: FORECAST_MODEL_FILE });
  try {
    return forecastModelFromWeights(info.config, info.shape, tensors, { seed: info.seed, source: weightsPath });
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
