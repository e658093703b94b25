import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, DataFileError, readNamedWeights, writeFileAtomic, writeNamedWeights } from '@counterweight/runtime';
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
 * Loads a model saved by {@link saveTrainedModel} (a run directory of `compare`).
 * @throws DataFileError naming the file when it is missing, not a saved model, or its weights do not match.
 */
export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  const descriptionPath = join(dir, TRAINED_MODEL);
  let info: TrainedModelInfo;
  try {
    info = JSON.parse(await readFile(descriptionPath, 'utf8')) as TrainedModelInfo;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist (is this a finished run directory?)' : `cannot be read: ${String(error)}`;
    throw new DataFileError({ file: descriptionPath }, reason, { cause: error });
  }
  if (info.format !== FORMAT || info.version !== 1) {
    throw new DataFileError({ file: descriptionPath }, `is not an imbalanced-vision model (format ${String(info.format)})`);
  }
  const weightsPath = join(dir, TRAINED_WEIGHTS);
  const tensors = await readNamedWeights(weightsPath, info.weights, { source: TRAINED_MODEL });
  let model: VisionModel | undefined;
  try {
    model = createModel(info.model);
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
