import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { FASHION_MNIST_CLASSES, loadFashionMnist } from '../../data/fashion-mnist.js';
import { fitChannelStats } from '../../data/normalize.js';
import { embeddedSampleDir } from '../../data/sample.js';
import { createModel } from '../../models/vision-model.js';
import { exportRun } from '../export-run.js';
import { saveTrainedModel } from '../trained-model.js';

/** A run folder as `compare` leaves it, and its ONNX export. */
export interface SavedRun {
  /** `<root>/runs/ce/seed-0`, holding `model.json` and `weights.bin`. */
  readonly run: string;
  /** `<root>/ce.onnx`, written by `exportRun`. */
  readonly onnx: string;
}

/**
 * Saves a Fashion-MNIST cnn (width 8, untrained, seed 7) as recipe `ce` with the normalisation of the embedded
 * sample's training images into a run folder under `root`, with `saveTrainedModel` exactly as `compare` does, and
 * exports it with `exportRun`: real files of both formats in a second, for the model loaders' bad-input corpora. Needs
 * an initialised tfjs backend.
 */
export async function savedRun(root: string): Promise<SavedRun> {
  const run = join(root, 'runs', 'ce', 'seed-0');
  await mkdir(run, { recursive: true });
  const sample = await loadFashionMnist(embeddedSampleDir());
  const model = createModel({ arch: 'cnn', head: 'linear', inputShape: [28, 28, 1], numClasses: 10, seed: 7, width: 8 });
  try {
    await saveTrainedModel(run, model, { recipe: 'ce', task: 'single-label', classNames: FASHION_MNIST_CLASSES, normalization: fitChannelStats(sample.train) });
  } finally {
    model.dispose();
  }
  const onnx = join(root, 'ce.onnx');
  await exportRun(run, onnx);
  return { run, onnx };
}
