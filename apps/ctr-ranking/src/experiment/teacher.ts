import { join } from 'node:path';

import type { RunTask } from '@counterweight/experiment';
import { deriveSeed } from '@counterweight/runtime';
import { OnnxModelError } from '@counterweight/runtime/onnx';
import * as tf from '@tensorflow/tfjs-core';

import type { AuctionSet } from '../data/auction-set.js';
import { findFeatureProblem } from '../models/index.js';
import { loadCtrOnnx, type CtrOnnxModel } from '../onnx/index.js';
import { predictProbabilities } from './auction-rows.js';
import { needsTeacher } from './objectives.js';
import type { CtrData } from './prepare-data.js';
import { trainCtrModel } from './run-one.js';
import type { CtrMethodOptions, CtrSettings } from './settings.js';

/** The folder of repetition `repetition`'s teacher (its checkpoints) in a comparison's output folder. */
export function teacherFolder(out: string, repetition: number): string {
  return join(out, 'teacher', `seed-${repetition}`);
}

/**
 * Checks that the ONNX teacher at `path` is a ctr-ranking model whose features fit `set` (same numeric and categorical
 * counts, every category index within the model's tables), before any output is written.
 * @throws OnnxModelError naming the path (and `--teacher`): not a file, not a ctr model, or features that do not fit.
 */
export async function checkOnnxTeacher(path: string, set: AuctionSet): Promise<void> {
  const onnx = await loadCtrOnnxTeacher(path);
  try {
    const problem = findFeatureProblem(onnx.spec, set.numeric, set.categorical, set.auctions * set.slots);
    if (problem !== undefined) {
      const shape = (spec: AuctionSet['spec']) => `${spec.numericNames.length} numeric, ${spec.categoricalFields.length} categorical`;
      throw new OnnxModelError(
        path,
        `(--teacher) does not fit this --data: the model reads ${shape(onnx.spec)} features, the data has ${shape(set.spec)} (${problem}); export the teacher from a run on the same data`,
      );
    }
  } finally {
    await onnx.release();
  }
}

async function loadCtrOnnxTeacher(path: string): Promise<CtrOnnxModel> {
  try {
    return await loadCtrOnnx(path);
  } catch (error) {
    if (error instanceof OnnxModelError) throw new OnnxModelError(path, `(--teacher) ${error.message.slice(path.length + 2)}`, { cause: error });
    throw error;
  }
}

/** An ONNX model's CTR on every candidate slot of `set` (padded slots 0), scored by onnxruntime-node. */
async function onnxScores(path: string, set: AuctionSet): Promise<Float32Array> {
  const onnx = await loadCtrOnnxTeacher(path);
  try {
    const scores = await onnx.score(set.numeric, set.categorical, set.auctions * set.slots);
    return Float32Array.from(scores.probability, (p, k) => ((set.mask[k] ?? 0) > 0 ? p : 0));
  } finally {
    await onnx.release();
  }
}

/**
 * The teacher's CTRs on the training candidates for the runs of one repetition (the harness's `repetitionInput`), or
 * undefined when none of them needs a teacher. A model teacher is trained with logloss on the same data, seeded
 * `deriveSeed(base seed, 'teacher', repetition)`, checkpointed in {@link teacherFolder} (so it resumes too); an ONNX
 * teacher is scored once per repetition.
 */
export async function teacherScores(
  out: string,
  settings: CtrSettings,
  repetition: number,
  data: CtrData,
  pending: readonly RunTask<CtrSettings, CtrMethodOptions>[],
): Promise<Float32Array | undefined> {
  if (!pending.some((t) => t.options !== undefined && needsTeacher(t.options.objective))) return undefined;
  const teacher = settings.teacher;
  if (teacher.kind === 'onnx') return onnxScores(teacher.path, data.train);
  const { model } = await trainCtrModel(data, {
    objective: 'logloss',
    model: teacher.model,
    optimizer: 'adam',
    learningRate: settings.learningRate,
    epochs: teacher.epochs,
    batchSize: settings.batchSize,
    temperature: settings.temperature,
    lambda: 1,
    teacherMix: 1,
    seed: deriveSeed(settings.dataSeed, 'teacher', repetition),
    dir: teacherFolder(out, repetition),
  });
  try {
    return predictProbabilities(model, data.train);
  } finally {
    tf.dispose(model.variables.map((v) => v.variable));
  }
}
