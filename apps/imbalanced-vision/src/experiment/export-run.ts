import { stat } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError } from '@counterweight/runtime';

import { exportOnnx, type OnnxExportResult } from '../onnx/export.js';
import type { OnnxClassifier } from '../onnx/predict.js';
import { loadTrainedModel, normalizationAffine } from './trained-model.js';

/** Metadata key of the exported model's expected input: `pixels` (0–255 values) or `normalized`. */
export const INPUT_METADATA_KEY = 'counterweight.input';
/** Metadata key of the class names (JSON array). */
export const CLASS_NAMES_METADATA_KEY = 'classNames';
/** Metadata key of the task (`single-label` or `multi-label`). */
export const TASK_METADATA_KEY = 'counterweight.task';
/** Metadata key of the recipe the model was trained with. */
export const RECIPE_METADATA_KEY = 'counterweight.recipe';

/**
 * Exports the trained model of a `compare` run directory (`runs/<recipe>/seed-<s>/`) as ONNX. The graph includes the
 * input normalisation (it takes raw 0–255 pixel values, NHWC float32) and the recipe's post-hoc logit transform, so its
 * `logits` are exactly what the comparison evaluated; class names, task and recipe are stored as metadata.
 * @throws ConfigError (`--out`) when `out` is an existing folder; DataFileError when the directory holds no finished
 *   run (see `loadTrainedModel`). Nothing is written then.
 */
export async function exportRun(runDir: string, out: string): Promise<OnnxExportResult & { readonly recipe: string }> {
  const isFolder = await stat(out).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isFolder) throw new ConfigError('--out', `${out} is a folder; give the ONNX file to write, e.g. ${join(out, 'model.onnx')}`);
  const { info, model } = await loadTrainedModel(runDir);
  try {
    const result = await exportOnnx(model, out, {
      input: normalizationAffine(info.normalization),
      ...(info.logitAdjustment === undefined ? {} : { logits: info.logitAdjustment }),
      metadata: {
        [INPUT_METADATA_KEY]: 'pixels',
        [CLASS_NAMES_METADATA_KEY]: JSON.stringify(info.classNames),
        [TASK_METADATA_KEY]: info.task,
        [RECIPE_METADATA_KEY]: info.recipe,
      },
    });
    return { ...result, recipe: info.recipe };
  } finally {
    model.dispose();
  }
}

/** Whether an ONNX classifier takes raw 0–255 pixels (exported by {@link exportRun}) rather than normalised values. */
export function takesPixels(classifier: OnnxClassifier): boolean {
  return classifier.metadata[INPUT_METADATA_KEY] === 'pixels';
}
