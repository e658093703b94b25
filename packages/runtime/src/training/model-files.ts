import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { writeJsonAtomic } from '../atomic-write.js';
import { parseJsonBytes } from '../data/json-syntax.js';
import { DataFileError } from '../errors.js';
import type { NamedVariable } from './model.js';
import { readNamedWeights, writeNamedWeights } from './named-weights-file.js';

/**
 * How one kind of saved model is stored in a folder: a JSON description (format, version 1, the kind's own fields
 * such as its configuration, and the weights manifest) beside a named-weights file ({@link writeNamedWeights}).
 */
export interface ModelFiles {
  /** File name of the JSON description, e.g. `gpt.json`. */
  readonly description: string;
  /** File name of the weights, e.g. `gpt-weights.bin`. */
  readonly weights: string;
  /** The description's `format`, naming the kind of model. */
  readonly format: string;
  /** What a description of this format is, in messages: `is not a <kind> (format …, version …)`, e.g. `saved GPT`. */
  readonly kind: string;
  /** Why the description may be missing, in messages: `does not exist (<missingHint>)`. */
  readonly missingHint: string;
}

/** The fields every model description holds; each kind adds its own (configuration, seed, …). */
export interface ModelDescription {
  readonly format: string;
  readonly version: 1;
  /** tfjs weights manifest of the weights file, by stable variable name. */
  readonly weights: tf.io.WeightsManifestConfig;
}

/** A model whose variables can be filled by name. */
export interface NamedWeightsModel {
  readonly variables: readonly NamedVariable[];
  dispose(): void;
}

/**
 * Saves a model into the folder `dir`: `variables` as `files.weights` ({@link writeNamedWeights}), then the description
 * `{ format, version: 1, ...fields, weights }` (in that key order) as `files.description`, pretty-printed. Each file is
 * written atomically and the weights first, so a complete description always describes complete weights.
 * @returns the description written.
 * @throws DataFileError naming the file that cannot be written.
 */
export async function writeModelFiles<F extends object>(
  dir: string,
  files: ModelFiles,
  fields: F,
  variables: readonly NamedVariable[],
): Promise<ModelDescription & F> {
  const weights = await writeNamedWeights(dir, files.weights, variables);
  const description = { format: files.format, version: 1 as const, ...fields, weights };
  const path = join(dir, files.description);
  try {
    await writeJsonAtomic(path, description);
  } catch (error) {
    throw new DataFileError({ file: path }, `cannot be written (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  return description;
}

/**
 * Reads and checks `files.description` of the folder `dir` (no weights are read): JSON, `format` equal to
 * `files.format`, `version` 1, a `weights` manifest (array), and an object under each name of `objects` (e.g.
 * `['config']`). The other fields are returned unchecked, for the caller to validate.
 * @throws DataFileError naming the file when it does not exist (with `files.missingHint`) or cannot be read; is
 *   empty, binary, not UTF-8 or not JSON (line, column and reason, never the file's text: {@link parseJsonBytes}); is
 *   not a description of this format (naming the format and version found); or lacks the weights manifest or one of
 *   `objects` (naming them).
 */
export async function readModelDescription(
  dir: string,
  files: ModelFiles,
  objects: readonly string[] = [],
): Promise<ModelDescription & { readonly [field: string]: unknown }> {
  const path = join(dir, files.description);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError({ file: path }, code === 'ENOENT' ? `does not exist (${files.missingHint})` : `cannot be read (${String(code)})`, { cause: error });
  }
  // Empty, binary or not UTF-8, or where the JSON breaks: said without quoting the file (V8's message would).
  const json = parseJsonBytes(bytes, `the JSON description of a ${files.kind}`);
  if (json.problem !== undefined) throw new DataFileError({ file: path }, json.problem);
  const parsed = json.value;
  const info = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (info['format'] !== files.format || info['version'] !== 1) {
    throw new DataFileError({ file: path }, `is not a ${files.kind} (format ${String(info['format'])}, version ${String(info['version'])})`);
  }
  const lacking = objects.filter((name) => typeof info[name] !== 'object' || info[name] === null);
  if (!Array.isArray(info['weights'])) lacking.push('the weights manifest');
  if (lacking.length > 0) throw new DataFileError({ file: path }, `lacks ${lacking.join(', ')}`);
  return info as ModelDescription & { readonly [field: string]: unknown };
}

/**
 * Assigns weights by stable name (a model folder's weights, or a runtime checkpoint's `variables`) to every variable
 * in `variables`, casting non-float32 values to float32. Everything is checked before anything is assigned. The caller
 * keeps ownership of `weights`.
 * @throws DataFileError naming `source` and, in this order: the weights that are no variable of `owner` (`holds
 *   variables <owner> does not have: a, b`), else the first variable that is missing (`lacks variable <name> [shape]`)
 *   or has another shape (`variable <name> has shape [..], <owner> needs [..]`). `owner` defaults to `the model`.
 */
export function assignNamedWeights(variables: readonly NamedVariable[], weights: tf.NamedTensorMap, source: string, owner = 'the model'): void {
  const expected = new Set(variables.map((v) => v.name));
  const unknown = Object.keys(weights).filter((name) => !expected.has(name));
  if (unknown.length > 0) throw new DataFileError({ file: source }, `holds variables ${owner} does not have: ${unknown.join(', ')}`);
  for (const { name, variable } of variables) {
    const value = weights[name];
    if (value === undefined) throw new DataFileError({ file: source }, `lacks variable ${name} [${variable.shape.join(', ')}]`);
    if (value.shape.join() !== variable.shape.join()) {
      throw new DataFileError({ file: source }, `variable ${name} has shape [${value.shape.join(', ')}], ${owner} needs [${variable.shape.join(', ')}]`);
    }
  }
  for (const { name, variable } of variables) {
    const value = weights[name] as tf.Tensor;
    if (value.dtype === 'float32') variable.assign(value);
    else tf.tidy(() => variable.assign(tf.cast(value, 'float32')));
  }
}

/**
 * Builds a model with `build` and fills it from `weights` ({@link assignNamedWeights} with `source` and `owner`); the
 * model is disposed when that throws. The caller keeps ownership of `weights` and disposes the model.
 */
export function modelFromNamedWeights<M extends NamedWeightsModel>(build: () => M, weights: tf.NamedTensorMap, source: string, owner?: string): M {
  const model = build();
  try {
    assignNamedWeights(model.variables, weights, source, owner);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/**
 * Reads `files.weights` of the folder `dir` as `description.weights` describes it ({@link readNamedWeights}, size
 * mismatches naming `files.description`) and returns `fromWeights(weights, weightsPath)` — typically
 * {@link modelFromNamedWeights}. The weight tensors are disposed afterwards, whether it returns or throws.
 * @throws DataFileError naming the weights file when it is missing or of another size than described; whatever
 *   `fromWeights` throws.
 */
export async function loadModelWeights<M>(
  dir: string,
  files: ModelFiles,
  description: ModelDescription,
  fromWeights: (weights: tf.NamedTensorMap, weightsPath: string) => M,
): Promise<M> {
  const weightsPath = join(dir, files.weights);
  const tensors = await readNamedWeights(weightsPath, description.weights, { source: files.description });
  try {
    return fromWeights(tensors, weightsPath);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
