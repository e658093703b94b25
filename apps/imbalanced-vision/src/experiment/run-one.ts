import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { applyMaxNorm, maxNormThreshold } from '@counterweight/core-losses';
import { announceResume, type RunContext, type Runner, type RunTask } from '@counterweight/experiment';
import {
  ConfigError,
  activeBackend,
  createDataset,
  createOptimizer,
  deriveSeed,
  train,
  writeJsonAtomic,
  type EpochRecord,
  type InMemoryDataset,
} from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { augmentEpoch } from '../data/augment.js';
import { normalizePixels } from '../data/normalize.js';
import type { Architecture } from '../models/options.js';
import { createModel, type VisionModel } from '../models/vision-model.js';
import { OnnxClassifier } from '../onnx/predict.js';
import { MULTI_LABEL_BATCH, RECIPES, SINGLE_LABEL_BATCH } from '../recipes/index.js';
import type { Recipe, RecipeContext } from '../recipes/recipe.js';
import { evaluateLogits, testLogits, type Evaluation } from './evaluate.js';
import { takesPixels } from './export-run.js';
import type { ExperimentSettings } from './options.js';
import { prepareData, type ExperimentData } from './prepare-data.js';
import { posthocAffine, saveTrainedModel } from './trained-model.js';

/** The options of a recipe in a comparison: the ONNX teacher of a distillation recipe. */
export interface RecipeOptions {
  readonly teacher?: string;
}

/** One run of a comparison, as the harness hands it over: recipe (method), seed, settings and folder. */
export type VisionTask = RunTask<ExperimentSettings, RecipeOptions>;

/** One epoch of a run, for the training curves. */
export interface RunEpoch {
  /** 1-based over the whole run (all stages). */
  readonly epoch: number;
  readonly stage: string;
  readonly loss: number;
  readonly learningRate: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
}

/** What a finished run wrote to `result.json`. */
export interface RunResult {
  readonly recipe: string;
  readonly seed: number;
  readonly evaluation: Evaluation;
  readonly history: readonly RunEpoch[];
  /** Seconds of training (all epochs, summed over interrupted sessions). */
  readonly trainSeconds: number;
  /** Training images per second of the training steps (augmentation and evaluation excluded). */
  readonly imagesPerSecond: number;
  readonly backend: string;
}

/** Training batch size of a task. */
export function batchSizeOf(task: Recipe['task']): number {
  return task === 'single-label' ? SINGLE_LABEL_BATCH : MULTI_LABEL_BATCH;
}

/** The recipe of a name. @throws ConfigError naming it when unknown. */
export function recipeNamed(name: string): Recipe {
  const recipe = RECIPES.get(name);
  if (recipe === undefined) throw new ConfigError('recipe', `unknown recipe "${name}"; known: ${[...RECIPES.keys()].join(', ')}`);
  return recipe;
}

/** What a recipe knows about the data: class counts, epochs and steps per epoch. */
export function recipeContext(data: ExperimentData, epochs: number, arch: Architecture): RecipeContext {
  return {
    batchNormBackbone: arch === 'resnet',
    numClasses: data.classNames.length,
    classCounts: data.classCounts,
    epochs,
    stepsPerEpoch: Math.ceil(data.train.count / batchSizeOf(data.task)),
  };
}

/** The task's training targets: class ids `[N]` or multi-hot `[N, C]`. */
function targetsOf(data: ExperimentData): { values: Float32Array; shape: number[] } {
  return data.task === 'single-label'
    ? { values: Float32Array.from(data.train.labels), shape: [] }
    : { values: Float32Array.from(data.train.targets), shape: [data.classNames.length] };
}

/**
 * The training rows for one epoch: pixels (augmented when `epoch` is given) normalised, with the task's targets, and
 * with a teacher the teacher's logits of the same pixels as the extra column `teacher` (`[C]` per image).
 */
async function trainingRows(data: ExperimentData, pixels: Uint8Array, teacher: OnnxClassifier | undefined): Promise<InMemoryDataset> {
  const { height, width, channels } = data.train;
  const inputs = normalizePixels(pixels, channels, data.normalization);
  const targets = targetsOf(data);
  if (teacher !== undefined) {
    if (data.task !== 'single-label') throw new ConfigError('--teacher', 'distillation is for single-label recipes');
    const C = data.classNames.length;
    // A teacher exported by `export` takes raw pixels (its graph normalises with its own statistics).
    const teacherInput = takesPixels(teacher) ? Float32Array.from(pixels) : inputs;
    const logits = await teacher.predict(teacherInput, [height, width, channels]);
    if (logits.length !== data.train.count * C) {
      throw new ConfigError('--teacher', `${teacher.path} returns ${logits.length / data.train.count} logits per image; the data has ${C} classes`);
    }
    return createDataset({
      inputs: { values: inputs, shape: [height, width, channels] },
      targets,
      extras: { teacher: { values: logits, shape: [C] } },
    });
  }
  return createDataset({ inputs: { values: inputs, shape: [height, width, channels] }, targets });
}

/** MaxNorm threshold of a stage: computed at the stage's start and kept in the run directory for resumption. */
async function stageMaxNorm(dir: string, stageIndex: number, model: VisionModel): Promise<number> {
  const file = join(dir, `stage-${stageIndex}-maxnorm.json`);
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { threshold: number }).threshold;
  } catch {
    const kernel = model.classifierKernel;
    if (kernel === undefined) throw new ConfigError('recipe', 'MaxNorm needs a trainable classifier kernel (not the ETF head)');
    const threshold = maxNormThreshold(kernel.variable);
    await writeJsonAtomic(file, { threshold });
    return threshold;
  }
}

/**
 * Trains one recipe with one seed on the comparison's data and evaluates it on the test set: every stage of the
 * recipe with checkpoints in `task.dir/stage-<i>/` (an interrupted run continues from its last epoch), then writes the
 * trained model (`model.json`, `weights.bin`) to `task.dir`. The harness writes its `result.json` and reuses it.
 */
export async function runOne(task: VisionTask, data: ExperimentData, harness: RunContext): Promise<RunResult> {
  const recipe = recipeNamed(task.method);
  const { settings } = task;
  const teacherFile = task.options?.teacher;
  const context = recipeContext(data, settings.epochs, settings.arch);
  const C = context.numClasses;
  const teacher = recipe.needsTeacher === true && teacherFile !== undefined ? await OnnxClassifier.load(teacherFile) : undefined;
  if (recipe.needsTeacher === true && teacher === undefined) throw new ConfigError('--teacher', `recipe ${recipe.name} needs a teacher ONNX model`);
  const model = createModel({
    arch: settings.arch,
    head: recipe.head,
    inputShape: [data.train.height, data.train.width, data.train.channels],
    numClasses: C,
    seed: task.seed,
    ...(settings.width === undefined ? {} : { width: settings.width }),
    ...(recipe.priorBias === true ? { headBias: -Math.log(C - 1) } : {}),
    ...(recipe.auxiliaryHead === undefined ? {} : { auxiliaryHead: recipe.auxiliaryHead }),
  });
  try {
    const augment = settings.augmentPadding > 0 || settings.augmentFlip;
    const augmentSeed = deriveSeed(task.seed, 'augment');
    const base = await trainingRows(data, data.train.pixels, teacher);
    const stages = recipe.stages(context);
    const totalEpochs = stages.reduce((sum, s) => sum + s.epochs, 0);
    const history: RunEpoch[] = [];
    let epochOffset = 0;
    let trainSeconds = 0;
    let trainedImages = 0;
    let stepSeconds = 0;
    for (const [index, stage] of stages.entries()) {
      model.configure({
        trainable: stage.trainable,
        weightDecay: stage.weightDecay ?? 0,
        featureNormPenalty: stage.featureNormPenalty ?? 0,
      });
      const threshold = stage.maxNorm === true ? await stageMaxNorm(task.dir, index, model) : undefined;
      const kernel = model.classifierKernel;
      const offset = epochOffset;
      const optimizer = createOptimizer(stage.optimizer);
      try {
        const run = await train({
          model,
          loss: stage.loss,
          ...(stage.lossAtEpoch === undefined ? {} : { lossAtEpoch: stage.lossAtEpoch }),
          train: base,
          // A fresh augmentation draw per epoch, numbered over the whole run so stages do not repeat draws.
          ...(augment
            ? {
                trainAtEpoch: (epoch: number) =>
                  trainingRows(
                    data,
                    augmentEpoch(data.train, offset + epoch, { seed: augmentSeed, padding: settings.augmentPadding, flip: settings.augmentFlip }),
                    teacher,
                  ),
              }
            : {}),
          epochs: stage.epochs,
          batchSize: batchSizeOf(recipe.task),
          optimizer,
          ...(stage.schedule === undefined ? {} : { schedule: stage.schedule }),
          ...(stage.weightPerturbation === undefined ? {} : { weightPerturbation: stage.weightPerturbation }),
          seed: deriveSeed(task.seed, 'train', index),
          checkpoint: { dir: join(task.dir, `stage-${index}`), everyEpoch: true, keep: 1 },
          resume: true,
          // The harness draws one bar for the whole comparison; no per-epoch lines from the trainer.
          progress: { quiet: true },
          callbacks: {
            // One line on stderr when an interrupted run picks up a stage's checkpoint, in steps of the whole run
            // (every stage has the same steps per epoch); a stage already finished says nothing.
            onResume: ({ globalStep, totalSteps }) => {
              const perEpoch = totalSteps / stage.epochs;
              if (globalStep < totalSteps) announceResume(task, offset * perEpoch + globalStep, totalEpochs * perEpoch);
            },
            onTrainPhaseEnd: () => {
              if (threshold !== undefined && kernel !== undefined) applyMaxNorm(kernel.variable, threshold);
            },
            onEpochEnd: (record: EpochRecord) => {
              harness.report({ epoch: offset + record.epoch + 1, epochs: totalEpochs, loss: record.loss });
            },
          },
        });
        for (const record of run.epochs) {
          history.push({
            epoch: offset + record.epoch + 1,
            stage: stage.name,
            loss: record.loss,
            learningRate: record.learningRate,
            seconds: record.seconds,
            imagesPerSecond: record.samplesPerSecond,
          });
          trainSeconds += record.seconds;
          if (record.samplesPerSecond > 0) {
            trainedImages += data.train.count;
            stepSeconds += data.train.count / record.samplesPerSecond;
          }
        }
      } finally {
        optimizer.dispose();
      }
      epochOffset += stage.epochs;
    }
    const logits = await testLogits(model, data, recipe, context);
    const evaluation = evaluateLogits(data, logits);
    const adjustment = posthocAffine(recipe, context);
    await saveTrainedModel(task.dir, model, {
      recipe: recipe.name,
      task: recipe.task,
      classNames: data.classNames,
      normalization: data.normalization,
      ...(adjustment === undefined ? {} : { logitAdjustment: adjustment }),
    });
    const result: RunResult = {
      recipe: recipe.name,
      seed: task.seed,
      evaluation,
      history,
      trainSeconds,
      imagesPerSecond: stepSeconds > 0 ? trainedImages / stepSeconds : 0,
      backend: activeBackend()?.name ?? tf.getBackend(),
    };
    return result;
  } finally {
    model.dispose();
    await teacher?.release();
  }
}

/** How the harness loads imbalanced-vision's data and trains one of its runs (also served by `run-worker.ts`). */
export const visionRunner: Runner<ExperimentSettings, RecipeOptions, ExperimentData, RunResult> = {
  prepare: prepareData,
  run: runOne,
};
