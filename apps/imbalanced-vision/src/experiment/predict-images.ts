import { stat } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, DataFileError } from '@counterweight/runtime';
import { OnnxModelError } from '@counterweight/runtime/onnx';

import { decodeImages, type SkippedImage } from '../data/decode-image.js';
import { listImageFiles } from '../data/list-images.js';
import { OnnxClassifier } from '../onnx/predict.js';
import { CLASS_NAMES_METADATA_KEY, TASK_METADATA_KEY, takesPixels } from './export-run.js';

/** One image's prediction. */
export interface ImagePrediction {
  readonly path: string;
  /** Single-label: the arg-max class; multi-label: every class with probability ≥ 0.5 (may be empty). */
  readonly labels: readonly string[];
  /** Softmax (single-label) or sigmoid (multi-label) probability of every class, in class-id order. */
  readonly probabilities: readonly number[];
}

/** Result of {@link predictImages}. */
export interface PredictImagesResult {
  readonly task: 'single-label' | 'multi-label';
  readonly classNames: readonly string[];
  readonly predictions: readonly ImagePrediction[];
  readonly skipped: readonly SkippedImage[];
}

/** Options of {@link predictImages}. */
export interface PredictImagesOptions {
  /** Leave out images that cannot be decoded (listed in `skipped`) instead of failing. */
  readonly skipUnreadable?: boolean;
  readonly quiet?: boolean;
}

/**
 * The image files `paths` name: a folder stands for every JPEG, PNG and WebP file under it (recursively, sorted, hidden
 * files left out; see `listImageFiles`); any other path is kept as given (a missing or unreadable one fails, or is
 * skipped, when it is decoded).
 * @throws DataFileError naming a folder that holds no image.
 */
export async function expandImagePaths(paths: readonly string[]): Promise<string[]> {
  const expanded: string[] = [];
  for (const path of paths) {
    const isDirectory = await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDirectory) {
      expanded.push(path);
      continue;
    }
    const files = await listImageFiles(path);
    if (files.length === 0) throw new DataFileError({ file: path }, 'is a folder holding no JPEG, PNG or WebP image');
    expanded.push(...files.map((file) => join(path, file)));
  }
  return expanded;
}

/** The class names stored in an exported model's metadata. @throws OnnxModelError when they are not a JSON string array. */
function classNamesOf(modelPath: string, value: string | undefined): string[] {
  let names: unknown;
  try {
    names = JSON.parse(value ?? '');
  } catch {
    names = undefined;
  }
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string')) {
    throw new OnnxModelError(modelPath, `metadata "${CLASS_NAMES_METADATA_KEY}" is missing or not a JSON array of class names`);
  }
  return names as string[];
}

/**
 * Classifies image files (JPEG, PNG, WebP) with an ONNX model written by `exportRun`: each image is decoded, converted
 * to the model's channel count and resized to its input size with sharp, then run by onnxruntime-node. A folder in
 * `paths` stands for the images under it ({@link expandImagePaths}); predictions come in the order of the expanded
 * paths.
 * @throws OnnxModelError for a model that cannot be loaded or whose class names do not match its outputs;
 *   ConfigError for a model without a fixed image size or not exported by `export`; DataFileError naming an unreadable
 *   image (unless `skipUnreadable`) or a folder without images.
 */
export async function predictImages(modelPath: string, paths: readonly string[], options: PredictImagesOptions = {}): Promise<PredictImagesResult> {
  if (paths.length === 0) throw new ConfigError('IMAGES', 'give at least one image file');
  const imagePaths = await expandImagePaths(paths);
  const classifier = await OnnxClassifier.load(modelPath);
  try {
    if (!takesPixels(classifier)) {
      throw new ConfigError('--model', `${modelPath} was not written by \`imbalanced-vision export\` (it does not take raw pixels)`);
    }
    const classNames = classNamesOf(modelPath, classifier.metadata[CLASS_NAMES_METADATA_KEY]);
    const task = classifier.metadata[TASK_METADATA_KEY] === 'multi-label' ? 'multi-label' : 'single-label';
    const [height, width, channels] = classifier.imageShape;
    if (channels !== 1 && channels !== 3) throw new ConfigError('--model', `${modelPath} takes ${channels} channels; only 1 or 3 are supported`);
    const decoded = await decodeImages(imagePaths, { height, width, channels }, {
      ...(options.skipUnreadable === undefined ? {} : { skipUnreadable: options.skipUnreadable }),
      ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
    });
    const logits = await classifier.predict(Float32Array.from(decoded.pixels), [height, width, channels]);
    const C = classNames.length;
    if (logits.length !== decoded.kept.length * C) {
      throw new OnnxModelError(modelPath, `gives ${logits.length / Math.max(1, decoded.kept.length)} logits per image but names ${C} classes`);
    }
    const predictions = Array.from(decoded.kept, (index, row) => {
      const z = Array.from(logits.subarray(row * C, (row + 1) * C));
      let probabilities: number[];
      let labels: string[];
      if (task === 'single-label') {
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const sum = e.reduce((a, b) => a + b, 0);
        probabilities = e.map((v) => v / sum);
        const best = probabilities.indexOf(Math.max(...probabilities));
        labels = [classNames[best] ?? String(best)];
      } else {
        probabilities = z.map((v) => 1 / (1 + Math.exp(-v)));
        labels = classNames.filter((_, c) => (probabilities[c] ?? 0) >= 0.5);
      }
      return { path: imagePaths[index] ?? '', labels, probabilities };
    });
    return { task, classNames, predictions, skipped: decoded.skipped };
  } finally {
    await classifier.release();
  }
}
