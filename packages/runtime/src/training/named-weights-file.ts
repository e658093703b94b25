import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { writeFileAtomic } from '../atomic-write.js';
import { DataFileError } from '../errors.js';
import type { NamedVariable } from './model.js';

/** Bytes per element of the dtypes `tf.io.encodeWeights` writes for numeric variables. */
const ELEMENT_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

/** Options of {@link readNamedWeights}. */
export interface ReadNamedWeightsOptions {
  /** Names the file the manifest was read from, in size-mismatch messages; defaults to "the manifest". */
  readonly source?: string;
}

/**
 * Writes `variables` to `dir/fileName` in the tfjs weight encoding (`tf.io.encodeWeights`: each tensor's values in
 * order, little-endian, no header) and returns the tfjs manifest describing that file: one group whose `paths` is
 * `[fileName]` and whose entries give each variable's stable name, shape and dtype, in the order written. Store the
 * manifest next to the file (e.g. as the `weights` field of a JSON description) and read the weights back with
 * {@link readNamedWeights}. The write is atomic (temporary sibling, then rename; parents are created), so a failed
 * write leaves the previous file, or none, and no partial file.
 * @throws DataFileError naming the file when it cannot be written.
 */
export async function writeNamedWeights(
  dir: string,
  fileName: string,
  variables: readonly NamedVariable[],
): Promise<tf.io.WeightsManifestConfig> {
  const named: tf.NamedTensorMap = {};
  for (const { name, variable } of variables) named[name] = variable;
  const { data, specs } = await tf.io.encodeWeights(named);
  const path = join(dir, fileName);
  try {
    await writeFileAtomic(path, new Uint8Array(data));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataFileError({ file: path }, `cannot be written (${reason})`, { cause: error });
  }
  return [{ paths: [fileName], weights: specs }];
}

/**
 * Reads weights written by {@link writeNamedWeights} from `path` and decodes them by name with
 * `tf.io.decodeWeights`, after checking that the file has exactly the bytes `manifest` describes (all groups'
 * entries, in order; the manifest's `paths` are not consulted: `path` is the file). Values are bit-identical to the
 * variables written. The caller disposes the returned tensors.
 * @throws DataFileError naming `path` when it is missing or unreadable, has another size than described (e.g.
 *   truncated), or cannot be decoded.
 */
export async function readNamedWeights(
  path: string,
  manifest: tf.io.WeightsManifestConfig,
  options: ReadNamedWeightsOptions = {},
): Promise<tf.NamedTensorMap> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DataFileError({ file: path }, 'is missing or unreadable', { cause: error });
  }
  const specs = manifest.flatMap((group) => group.weights);
  let expected = 0;
  for (const spec of specs) {
    const size = ELEMENT_BYTES[spec.quantization?.dtype ?? spec.dtype];
    if (size === undefined) {
      throw new DataFileError({ file: path }, `weight ${spec.name} has dtype ${spec.dtype}; named weight files hold float32, int32 or bool`);
    }
    expected += size * spec.shape.reduce((a, b) => a * b, 1);
  }
  if (bytes.length !== expected) {
    throw new DataFileError({ file: path }, `has ${bytes.length} bytes, ${options.source ?? 'the manifest'} describes ${expected}`);
  }
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  try {
    return tf.io.decodeWeights(buffer, specs);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataFileError({ file: path }, `cannot be decoded (${reason})`, { cause: error });
  }
}
