import { ConfigError } from '@counterweight/runtime';

import { normalizePixels } from '../data/normalize.js';
import { OnnxClassifier } from '../onnx/predict.js';
import { takesPixels } from './export-run.js';
import type { ExperimentData } from './prepare-data.js';

/**
 * Checks a distillation teacher before a comparison writes anything: the ONNX file loads as an image classifier
 * (see `OnnxClassifier.load`), the task is single-label, and the teacher gives one logit per class of `data` for a
 * training image (fed raw pixels when it was written by `export`, normalised ones otherwise, as training does). A
 * teacher that fails inside a run would leave a half-made output folder and an advice to resume that cannot help.
 * @throws OnnxModelError naming the file when it is missing, a folder, not an ONNX model or not an image classifier;
 *   ConfigError (`--teacher`) for a multi-label task or a class count that differs from the data's.
 */
export async function checkTeacher(path: string, data: ExperimentData): Promise<void> {
  if (data.task !== 'single-label') throw new ConfigError('--teacher', 'distillation is for single-label recipes');
  const teacher = await OnnxClassifier.load(path);
  try {
    const { height, width, channels } = data.train;
    const size = height * width * channels;
    const pixels = data.train.pixels.subarray(0, size);
    const input = takesPixels(teacher) ? Float32Array.from(pixels) : normalizePixels(pixels, channels, data.normalization);
    const logits = await teacher.predict(input, [height, width, channels]);
    const C = data.classNames.length;
    if (logits.length !== C) {
      throw new ConfigError('--teacher', `${path} returns ${logits.length} logits per image; the data has ${C} classes`);
    }
  } finally {
    await teacher.release();
  }
}
