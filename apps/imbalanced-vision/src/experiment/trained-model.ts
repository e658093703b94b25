import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, DataFileError, parseJsonBytes, readNamedWeights, writeFileAtomic, writeNamedWeights } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ChannelStats } from '../data/normalize.js';
import type { AffineMap } from '../onnx/export.js';
import type { ResolvedModelOptions } from '../models/options.js';
import { createModel, type VisionModel } from '../models/vision-model.js';
import type { Recipe, RecipeContext } from '../recipes/recipe.js';

/** File of a saved model's description (next to {@link TRAINED_WEIGHTS}). */
export const TRAINED_MODEL = 'model.json';
/** File of a saved model's weights. */
export const TRAINED_WEIGHTS = 'weights.bin';
const FORMAT = 'imbalanced-vision-model';

/** Everything besides the weights that turns images into the recipe's predictions. */
export interface TrainedModelInfo {
  readonly format: typeof FORMAT;
  readonly version: 1;
  readonly recipe: string;
  readonly task: Recipe['task'];
  readonly classNames: readonly string[];
  /** Architecture and initialisation options; rebuilds the model the weights belong to. */
  readonly model: ResolvedModelOptions;
  /** Input normalisation of the training data (pixel / 255, then per channel `(x − mean) / std`). */
  readonly normalization: ChannelStats;
  /** The recipe's post-hoc transform as a per-class affine map of the logits, when it has one. */
  readonly logitAdjustment?: AffineMap;
  readonly weights: tf.io.WeightsManifestConfig;
}

/** A model loaded by {@link loadTrainedModel}. */
export interface TrainedModel {
  readonly info: TrainedModelInfo;
  readonly model: VisionModel;
}

/**
 * The recipe's post-hoc logit transform as a per-class affine map `z·scale + offset` (logit adjustment and logit
 * scaling are both of this form), read off the transform at 0 and 1 and checked on a probe.
 * @throws ConfigError when the transform is not per-class affine (it could not be baked into an exported model).
 */
export function posthocAffine(recipe: Recipe, context: RecipeContext): AffineMap | undefined {
  if (recipe.posthoc === undefined) return undefined;
  const posthoc = (logits: tf.Tensor, ctx: RecipeContext): tf.Tensor => (recipe.posthoc as NonNullable<Recipe['posthoc']>).call(recipe, logits, ctx);
  const C = context.numClasses;
  return tf.tidy(() => {
    const at = (values: number[]): number[] => Array.from(posthoc(tf.tensor2d(values, [1, C]), context).dataSync());
    const offset = at(new Array<number>(C).fill(0));
    const scale = at(new Array<number>(C).fill(1)).map((v, k) => v - (offset[k] as number));
    const probe = Array.from({ length: C }, (_, k) => 3.7 - 1.3 * k);
    const actual = at(probe);
    actual.forEach((v, k) => {
      const expected = (probe[k] as number) * (scale[k] as number) + (offset[k] as number);
      if (Math.abs(v - expected) > 1e-4 * Math.max(1, Math.abs(expected))) {
        throw new ConfigError('recipe', `${recipe.name}'s post-hoc transform is not a per-class affine map of the logits`);
      }
    });
    return { scale, offset };
  });
}

/** The input normalisation as a per-channel affine map of 0–255 pixel values. */
export function normalizationAffine(stats: ChannelStats): AffineMap {
  return {
    scale: stats.std.map((s) => 1 / (255 * s)),
    offset: stats.mean.map((m, c) => -m / (stats.std[c] as number)),
  };
}

/**
 * Saves a trained model into `dir` as {@link TRAINED_MODEL} and {@link TRAINED_WEIGHTS} (each written to a temporary
 * file and renamed; weights first, so a complete `model.json` always describes complete weights).
 */
export async function saveTrainedModel(
  dir: string,
  model: VisionModel,
  info: Omit<TrainedModelInfo, 'format' | 'version' | 'weights' | 'model'>,
): Promise<void> {
  const weights = await writeNamedWeights(dir, TRAINED_WEIGHTS, model.variables);
  const description: TrainedModelInfo = {
    format: FORMAT,
    version: 1,
    ...info,
    model: model.options,
    weights,
  };
  await writeFileAtomic(join(dir, TRAINED_MODEL), `${JSON.stringify(description, null, 2)}\n`);
}

/**
 * Checks that `dir` is a folder holding a saved model, telling apart a missing folder, a file, an unfinished run
 * (checkpoints but no model yet) and a folder that is no run.
 * @throws DataFileError naming the path.
 */
async function requireRunFolder(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    throw new DataFileError({ file: dir }, 'run folder not found', { cause: error });
  }
  if (!isDirectory) {
    throw new DataFileError({ file: dir }, 'is a file, expected a run folder of `compare` (<out>/runs/<recipe>/seed-<r>)');
  }
  const names = await readdir(dir);
  if (names.includes(TRAINED_MODEL)) return;
  const unfinished = names.some((name) => name.startsWith('stage-'));
  throw new DataFileError(
    { file: join(dir, TRAINED_MODEL) },
    unfinished
      ? 'does not exist: the run has checkpoints but did not finish (run the same compare command again to complete it)'
      : 'does not exist: not a run folder of `compare` (<out>/runs/<recipe>/seed-<r>)',
  );
}

/** The fields of `model.json` that are checked before use, with what each must be. */
function modelDescriptionProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const info = value as Record<string, unknown>;
  if (info['format'] !== FORMAT) {
    return `is not an imbalanced-vision model (format ${info['format'] === undefined ? 'missing' : JSON.stringify(info['format'])}, expected "${FORMAT}")`;
  }
  if (info['version'] !== 1) return `has version ${JSON.stringify(info['version'] ?? null)}, expected 1`;
  if (typeof info['recipe'] !== 'string') return 'has no "recipe" string';
  if (info['task'] !== 'single-label' && info['task'] !== 'multi-label') return 'has no "task" (single-label or multi-label)';
  const names = info['classNames'];
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string')) return 'has no "classNames" array';
  if (typeof info['model'] !== 'object' || info['model'] === null) return 'has no "model" options';
  const normalization = info['normalization'] as Record<string, unknown> | null | undefined;
  if (typeof normalization !== 'object' || normalization === null || !Array.isArray(normalization['mean']) || !Array.isArray(normalization['std'])) {
    return 'has no "normalization" (mean and std arrays)';
  }
  const weights = info['weights'];
  if (!Array.isArray(weights) || weights.some((g) => typeof g !== 'object' || g === null || !Array.isArray((g as Record<string, unknown>)['weights']))) {
    return 'has no "weights" manifest';
  }
  return undefined;
}

/**
 * Loads a model saved by {@link saveTrainedModel} (a run directory of `compare`).
 * @throws DataFileError naming the path: the folder is missing or a file, the run is unfinished or not a run,
 *   `model.json` is empty, binary or not valid JSON (line and column) or not a saved model (naming the field), the weights are missing, truncated or do
 *   not match.
 */
export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  await requireRunFolder(dir);
  const descriptionPath = join(dir, TRAINED_MODEL);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(descriptionPath);
  } catch (error) {
    throw new DataFileError({ file: descriptionPath }, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  // Empty, binary, not UTF-8 or where the JSON breaks (line, column, reason), never quoting the file.
  const json = parseJsonBytes(bytes, 'the JSON description of a trained model');
  if (json.problem !== undefined) throw new DataFileError({ file: descriptionPath }, json.problem);
  const parsed = json.value;
  const problem = modelDescriptionProblem(parsed);
  if (problem !== undefined) throw new DataFileError({ file: descriptionPath }, problem);
  const info = parsed as TrainedModelInfo;
  const weightsPath = join(dir, TRAINED_WEIGHTS);
  const tensors = await readNamedWeights(weightsPath, info.weights, { source: TRAINED_MODEL });
  let model: VisionModel | undefined;
  try {
    try {
      model = createModel(info.model);
    } catch (error) {
      throw new DataFileError(
        { file: descriptionPath },
        `its "model" options do not describe a model this app builds (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    }
    for (const { name, variable } of model.variables) {
      const value = tensors[name];
      if (value === undefined || value.shape.join() !== variable.shape.join()) {
        throw new DataFileError({ file: weightsPath }, `variable ${name} is missing or has another shape`);
      }
      variable.assign(value);
    }
  } catch (error) {
    model?.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return { info, model };
}
