import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { writeDirectoryAtomic, writeFileAtomic } from '../atomic-write.js';
import { CheckpointError } from '../errors.js';

/** File names written by {@link fileSystemHandler}. */
export const MODEL_JSON = 'model.json';
/** See {@link MODEL_JSON}. */
export const WEIGHTS_BIN = 'weights.bin';

/** Integrity record stored next to the standard fields of `model.json`. */
interface WeightsIntegrity {
  readonly bytes: number;
  readonly sha256: string;
}

type StoredModelJson = tf.io.ModelJSON & { readonly counterweightWeights?: WeightsIntegrity };

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes the weight specs need, or undefined when it cannot be known up front (string weights). */
function expectedWeightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES_PER_ELEMENT[dtype];
    if (size === undefined) return undefined;
    total += size * spec.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readModelJson(path: string): Promise<StoredModelJson> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CheckpointError(path, missing ? 'model.json not found; was the model saved here?' : 'cannot be read', {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(path, 'is not valid JSON (truncated or corrupt); save the model again', { cause: error });
  }
  if (!isRecord(parsed) || !isRecord(parsed['modelTopology']) || !Array.isArray(parsed['weightsManifest'])) {
    throw new CheckpointError(path, 'is not a tfjs model.json (needs modelTopology and weightsManifest)');
  }
  return parsed as unknown as StoredModelJson;
}

async function readWeights(dir: string, json: StoredModelJson, jsonPath: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const relative of group.paths) {
      const path = join(dir, relative);
      try {
        parts.push(await readFile(path));
      } catch (error) {
        throw new CheckpointError(path, `weights file listed in ${jsonPath} cannot be read`, { cause: error });
      }
    }
  }
  const bytes = Buffer.concat(parts);
  const where = json.weightsManifest.flatMap((g) => g.paths).join(', ');
  const integrity = json.counterweightWeights;
  if (integrity !== undefined) {
    if (bytes.length !== integrity.bytes || sha256(bytes) !== integrity.sha256) {
      throw new CheckpointError(
        join(dir, where),
        `does not match ${jsonPath} (${bytes.length} bytes, expected ${integrity.bytes} with the recorded sha256); ` +
          'the files are corrupt or from an interrupted save; save the model again',
      );
    }
  } else {
    const expected = expectedWeightBytes(json.weightsManifest.flatMap((g) => g.weights));
    if (expected !== undefined && expected !== bytes.length) {
      throw new CheckpointError(join(dir, where), `holds ${bytes.length} bytes but ${jsonPath} describes ${expected}`);
    }
  }
  return bytes;
}

/**
 * A tfjs `io.IOHandler` that saves to / loads from a local directory with `node:fs` as `model.json` +
 * `weights.bin` (the layout of tfjs-node's `file://` handler, which does not exist without tfjs-node).
 * Use with `model.save(fileSystemHandler(dir))` and `tf.loadLayersModel(fileSystemHandler(dir))`.
 *
 * Saving is atomic: a new directory is built under a temporary name and renamed into place; when `dir` already
 * exists, each file is replaced atomically and `model.json` (written last) records the size and sha256 of
 * `weights.bin`, so a torn pair is detected on load instead of loading mismatched weights.
 *
 * @throws CheckpointError naming the path when a file is missing, unreadable, not a model.json, or corrupt.
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology === undefined) {
        throw new CheckpointError(dir, 'only models with a JSON topology (tfjs-layers models) can be saved');
      }
      const weights = new Uint8Array(
        artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
      );
      const json: StoredModelJson = {
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.format === undefined ? {} : { format: artifacts.format }),
        ...(artifacts.generatedBy === undefined ? {} : { generatedBy: artifacts.generatedBy }),
        ...(artifacts.convertedBy === undefined ? {} : { convertedBy: artifacts.convertedBy }),
        ...(artifacts.trainingConfig === undefined ? {} : { trainingConfig: artifacts.trainingConfig }),
        ...(artifacts.signature === undefined ? {} : { signature: artifacts.signature }),
        ...(artifacts.userDefinedMetadata === undefined ? {} : { userDefinedMetadata: artifacts.userDefinedMetadata }),
        counterweightWeights: { bytes: weights.byteLength, sha256: sha256(weights) },
      };
      const text = `${JSON.stringify(json)}\n`;
      let exists = false;
      try {
        exists = (await stat(dir)).isDirectory();
      } catch {
        exists = false;
      }
      try {
        if (exists) {
          await writeFileAtomic(join(dir, WEIGHTS_BIN), weights);
          await writeFileAtomic(join(dir, MODEL_JSON), text);
        } else {
          await writeDirectoryAtomic(dir, async (tmp) => {
            await writeFile(join(tmp, WEIGHTS_BIN), weights);
            await writeFile(join(tmp, MODEL_JSON), text);
          });
        }
      } catch (error) {
        throw new CheckpointError(dir, `cannot save the model (${(error as Error).message})`, { cause: error });
      }
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: Buffer.byteLength(JSON.stringify(artifacts.modelTopology)),
          weightSpecsBytes: Buffer.byteLength(JSON.stringify(artifacts.weightSpecs ?? [])),
          weightDataBytes: weights.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      const json = await readModelJson(jsonPath);
      const bytes = await readWeights(dir, json, jsonPath);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return tf.io.getModelArtifactsForJSON(json, (manifest) =>
        Promise.resolve([manifest.flatMap((group) => group.weights), buffer]),
      );
    },
  };
}
