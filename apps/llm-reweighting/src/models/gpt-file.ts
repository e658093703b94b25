import { join } from 'node:path';

import {
  ConfigError,
  DataFileError,
  assignNamedWeights,
  loadModelWeights,
  modelFromNamedWeights,
  readModelDescription,
  writeFileAtomic,
  writeModelFiles,
  type ModelFiles,
} from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

import type { Tokenizer } from '../data/tokenizer.js';
import { checkGptConfig, parameterCount } from './gpt-config-check.js';
import type { GptConfig } from './gpt-config.js';
import { createGpt, type GptModel } from './gpt.js';

/** File (in a model folder) describing a saved GPT; its weights are in {@link GPT_WEIGHTS_FILE}. */
export const GPT_MODEL_FILE = 'gpt.json';
/** File of a saved GPT's weights (tfjs weight encoding, float32 little-endian, in manifest order). */
export const GPT_WEIGHTS_FILE = 'gpt-weights.bin';
/** File of the tokenizer a GPT was trained with (`Tokenizer.toFile()`), when {@link saveGpt} is given one. */
export const GPT_TOKENIZER_FILE = 'tokenizer.json';
/** `format` of {@link GPT_MODEL_FILE}. */
export const GPT_MODEL_FORMAT = 'counterweight-llm-reweighting-gpt';

/** The model folder's files and the words of their messages, for runtime's model-files functions. */
const GPT_FILES: ModelFiles = { description: GPT_MODEL_FILE, weights: GPT_WEIGHTS_FILE, format: GPT_MODEL_FORMAT, kind: 'saved GPT', missingHint: 'is this a saved model folder?' };
/** What a GPT's weights must fit, in messages. */
const GPT_OWNER = 'this configuration';

/** What {@link GPT_MODEL_FILE} holds. */
export interface SavedGpt {
  readonly format: typeof GPT_MODEL_FORMAT;
  readonly version: 1;
  readonly config: GptConfig;
  /** Seed of the initial weights (informational: loading assigns the saved weights). */
  readonly seed: number;
  readonly parameterCount: number;
  /** tfjs weights manifest of {@link GPT_WEIGHTS_FILE}, by checkpoint name. */
  readonly weights: tf.io.WeightsManifestConfig;
}

const CONFIG_FIELDS: ReadonlyArray<keyof GptConfig> = ['vocabularySize', 'layers', 'heads', 'width', 'context', 'causal'];

/**
 * Checks that a saved configuration (of a model folder or a training checkpoint) is the one expected.
 * @throws DataFileError naming `source` and the first field that differs (`layers: saved 4, expected 2`), in the order
 *   vocabularySize, layers, heads, width, context, causal.
 */
export function checkSameGptConfig(saved: GptConfig, expected: GptConfig, source: string): void {
  for (const field of CONFIG_FIELDS) {
    if (saved[field] !== expected[field]) {
      throw new DataFileError({ file: source }, `was saved with ${field} ${String(saved[field])}, expected ${String(expected[field])}`);
    }
  }
}

/**
 * Assigns weights by checkpoint name (a model folder's weights, or a runtime checkpoint's `variables`) to every
 * variable of `model` (runtime's `assignNamedWeights`). The caller keeps ownership of `weights`.
 * @throws DataFileError naming `source` and the variables `weights` holds that the model does not have, else the first
 *   variable (in the model's order) that is missing or has another shape. Nothing is assigned when it throws.
 */
export function assignGptWeights(model: GptModel, weights: tf.NamedTensorMap, source: string): void {
  assignNamedWeights(model.variables, weights, source, GPT_OWNER);
}

/**
 * Saves `model` into the folder `dir` as {@link GPT_MODEL_FILE} (format, configuration, seed, parameter count and the
 * weights manifest) and {@link GPT_WEIGHTS_FILE} (runtime's `writeNamedWeights`), and `tokenizer` (when given) as
 * {@link GPT_TOKENIZER_FILE}; each is written atomically, the description last, so a complete description always
 * describes complete weights.
 * @throws ConfigError when the tokenizer's vocabulary size is not the model's; DataFileError naming the file that
 *   cannot be written.
 */
export async function saveGpt(dir: string, model: GptModel, tokenizer?: Tokenizer): Promise<void> {
  if (tokenizer !== undefined && tokenizer.vocabularySize !== model.config.vocabularySize) {
    throw new ConfigError('tokenizer', `has ${tokenizer.vocabularySize} tokens, the model's vocabularySize is ${model.config.vocabularySize}`);
  }
  if (tokenizer !== undefined) await writeText(join(dir, GPT_TOKENIZER_FILE), `${JSON.stringify(tokenizer.toFile())}\n`);
  await writeModelFiles(dir, GPT_FILES, { config: model.config, seed: model.seed, parameterCount: model.parameterCount }, model.variables);
}

async function writeText(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (error) {
    throw new DataFileError({ file: path }, `cannot be written (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
}

/**
 * Reads and checks {@link GPT_MODEL_FILE} of the folder `dir` (no weights are read).
 * @throws DataFileError naming the file when it is missing, not JSON, not a saved GPT, or its configuration is invalid
 *   (the message names the field).
 */
export async function readGptDescription(dir: string): Promise<SavedGpt> {
  const info = await readModelDescription(dir, GPT_FILES);
  try {
    checkGptConfig(info['config'], 'config');
  } catch (error) {
    if (error instanceof ConfigError) throw new DataFileError({ file: join(dir, GPT_MODEL_FILE) }, `has an invalid ${error.message}`, { cause: error });
    throw error;
  }
  const config = info['config'] as GptConfig;
  return { ...(info as unknown as SavedGpt), seed: typeof info['seed'] === 'number' ? info['seed'] : 0, parameterCount: parameterCount(config) };
}

/** Options of {@link loadGpt}. */
export interface LoadGptOptions {
  /** When given, the saved configuration must equal it ({@link checkSameGptConfig}), else loading fails naming the field. */
  readonly expectedConfig?: GptConfig;
}

/**
 * Loads a GPT saved by {@link saveGpt} from the folder `dir`: rebuilds it from the saved configuration and assigns the
 * saved weights. The caller disposes it.
 * @throws DataFileError naming the file: {@link GPT_MODEL_FILE} missing, not a saved GPT, with an invalid
 *   configuration or one other than `expectedConfig` (naming the first differing field); {@link GPT_WEIGHTS_FILE}
 *   missing, of another size than described, or with a variable missing or of another shape (naming the variable).
 */
export async function loadGpt(dir: string, options: LoadGptOptions = {}): Promise<GptModel> {
  const info = await readGptDescription(dir);
  if (options.expectedConfig !== undefined) checkSameGptConfig(info.config, options.expectedConfig, join(dir, GPT_MODEL_FILE));
  return loadModelWeights(dir, GPT_FILES, info, (weights, source) => modelFromNamedWeights(() => createGpt(info.config, info.seed), weights, source, GPT_OWNER));
}
