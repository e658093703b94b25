import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, loadCheckpoint, parseJsonBytes, restoreCheckpoint, writeJsonAtomic } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { FeatureSpec } from '../data/auction-set.js';
import { inputFileProblem } from '../data/input-file.js';
import { createCtrModel, type CtrModel, type CtrModelConfig } from '../models/index.js';
import { exportCtrModel, type CtrExportResult } from '../onnx/index.js';

/** The file in a run directory that says how to rebuild its model (weights are the run's last checkpoint). */
export const TRAINED_MODEL_FILE = 'trained-model.json';

/** What {@link TRAINED_MODEL_FILE} holds. */
export interface TrainedModelInfo {
  readonly format: 'counterweight-ctr-trained-model';
  readonly spec: FeatureSpec;
  readonly model: CtrModelConfig;
  readonly seed: number;
  readonly objective: string;
}

/** Records how to rebuild a run's model (called by `runCtrMethod` once training finished). */
export async function writeTrainedModelInfo(dir: string, info: Omit<TrainedModelInfo, 'format'>): Promise<void> {
  await writeJsonAtomic(join(dir, TRAINED_MODEL_FILE), { format: 'counterweight-ctr-trained-model', ...info });
}

/**
 * Rebuilds the trained model of a compare run folder (`<out>/runs/<method>/seed-<r>`): the architecture from
 * `trained-model.json`, the weights from the run's last checkpoint. The caller disposes its variables.
 * @throws ConfigError naming the directory when it holds no finished run.
 */
export async function loadTrainedModel(dir: string): Promise<{ model: CtrModel; info: TrainedModelInfo }> {
  const file = join(dir, TRAINED_MODEL_FILE);
  const problem = await inputFileProblem(file, 'a trained-model file');
  if (problem !== undefined) {
    throw new ConfigError('--run', `${dir} has no ${TRAINED_MODEL_FILE} (${problem}): not a finished ctr-ranking compare run (expected <out>/runs/<method>/seed-<r>)`);
  }
  const json = parseJsonBytes(await readFile(file), 'a trained-model file');
  if (json.problem !== undefined) throw new ConfigError('--run', `${file}: ${json.problem}; the run folder is damaged: run compare again to redo it`);
  const info = json.value as TrainedModelInfo;
  if (info === null || typeof info !== 'object' || info.format !== 'counterweight-ctr-trained-model') {
    throw new ConfigError('--run', `${file} is not a ctr-ranking trained-model file (no "format": "counterweight-ctr-trained-model")`);
  }
  const model = createCtrModel(info.spec, info.model, info.seed);
  try {
    await restoreCheckpoint(await loadCheckpoint(join(dir, 'checkpoints')), model);
  } catch (error) {
    tf.dispose(model.variables.map((v) => v.variable));
    throw error;
  }
  return { model, info };
}

/** Exports a compare run's trained model as ONNX (see `exportCtrModel`), recording the objective in its metadata. */
export async function exportRun(dir: string, path: string): Promise<CtrExportResult & { readonly objective: string }> {
  const { model, info } = await loadTrainedModel(dir);
  try {
    const result = await exportCtrModel(model, info.spec, info.model, path, { metadata: { 'counterweight.ctr.objective': info.objective } });
    return { ...result, objective: info.objective };
  } finally {
    tf.dispose(model.variables.map((v) => v.variable));
  }
}
