import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { EpochProgress } from '@counterweight/experiment';
import { createDataset, createOptimizer, train, withExtras, writeJsonAtomic, type InMemoryDataset, type LossFunction, type TrainableModel } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows, WindowSplit } from '../data/forecast-windows.js';
import { createForecastModel, type ForecastModel } from '../models/index.js';
import type { ForecastModelConfig } from '../models/forecast-model-config.js';
import { createObjective } from '../objectives/index.js';
import type { Objective, ObjectiveName } from '../objectives/objective.js';
import type { TrainingSettings } from './settings.js';

/** One epoch of a forecaster's training. */
export interface ForecastEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly validationLoss: number | null;
  readonly seconds: number;
  /** Training windows per second of the training steps (0 when no step was timed, e.g. a resumed epoch). */
  readonly windowsPerSecond: number;
}

/** The weight each head got at the end of an epoch (task-weighted objectives only). */
export interface TaskWeightsAtEpoch {
  readonly epoch: number;
  readonly weights: Readonly<Record<string, number>>;
}

/** A trained forecaster, its objective (which decodes its outputs) and its history; dispose both when done. */
export interface TrainedForecaster {
  readonly model: ForecastModel;
  readonly objective: Objective;
  readonly history: readonly ForecastEpoch[];
  readonly taskWeights: readonly TaskWeightsAtEpoch[];
  readonly trainSeconds: number;
  /** The epoch (1-based) whose weights the model holds. */
  readonly bestEpoch: number;
}

/** What {@link trainForecaster} trains. */
export interface ForecasterSpec {
  readonly objective: ObjectiveName;
  readonly model: ForecastModelConfig;
  readonly training: TrainingSettings;
  readonly seed: number;
  /** Checkpoints go to `<dir>/checkpoints` and the head weights to `<dir>/task-weights.json`. */
  readonly dir: string;
}

/** A split as a runtime data set: flattened windows in, flattened normalised targets out, the objective's extras beside. */
export function windowDataset(windows: ForecastWindows, split: WindowSplit, objective: Objective, which: 'train' | 'validation'): InMemoryDataset {
  return createDataset({
    inputs: { values: split.inputs, shape: [windows.history * windows.features.length] },
    targets: { values: split.targets, shape: [windows.horizons.length * windows.targets.length] },
    extras: objective.extras(which),
  });
}

const TASK_WEIGHTS_FILE = 'task-weights.json';
const IGB_BASE_FILE = 'igb-base-losses.json';

/**
 * The validation criterion of every objective: masked MAE of the objective's point forecast over all targets
 * (normalised units). One criterion for all, comparable across epochs (IGB's and uncertainty's weights move) and
 * across objectives, and it leaves the task weighters' epoch statistics to training steps.
 */
export function validationMae(objective: Objective): LossFunction<'mask'> {
  return withExtras({ lossName: 'validation MAE', extras: ['mask'] }, ({ predictions, targets, extras }) =>
    tf.tidy(() => {
      const mask = extras.mask;
      const errors = tf.mul(tf.abs(tf.sub(objective.point(predictions as tf.Tensor2D), targets)), mask);
      return tf.div<tf.Scalar>(tf.sum(errors), tf.maximum(tf.sum(mask), 1));
    }),
  );
}

/** IGB's base losses survive an interrupted run: restored from the run folder, or saved once they are set. */
async function restoreIgbBase(dir: string, objective: Objective): Promise<void> {
  const weighter = objective.weighter;
  if (weighter === undefined || !('setBaseLosses' in weighter)) return;
  const file = join(dir, IGB_BASE_FILE);
  if (existsSync(file)) (weighter as { setBaseLosses(values: readonly number[]): void }).setBaseLosses(JSON.parse(await readFile(file, 'utf8')) as number[]);
}

async function saveIgbBase(dir: string, objective: Objective): Promise<void> {
  const weighter = objective.weighter as { readonly baseLosses?: readonly number[] } | undefined;
  const base = weighter?.baseLosses;
  if (base !== undefined && !existsSync(join(dir, IGB_BASE_FILE))) await writeJsonAtomic(join(dir, IGB_BASE_FILE), base);
}

async function readTaskWeights(dir: string): Promise<TaskWeightsAtEpoch[]> {
  const file = join(dir, TASK_WEIGHTS_FILE);
  if (!existsSync(file)) return [];
  return JSON.parse(await readFile(file, 'utf8')) as TaskWeightsAtEpoch[];
}

/** The model's variables followed by the objective's (uncertainty's log-variances), checkpointed together. */
function withObjectiveVariables(model: TrainableModel, objective: Objective): TrainableModel {
  if (objective.variables.length === 0) return model;
  const extra = objective.variables.map((variable, i) => ({ name: `objective/${objective.name}/${i}`, variable }));
  return {
    trainableVariables: [...model.trainableVariables, ...objective.variables],
    variables: [...model.variables, ...extra],
    predict: (inputs, context) => model.predict(inputs, context),
  };
}

/**
 * Trains a forecaster with `spec.objective` on the training windows, validating on the validation windows each epoch
 * with {@link validationMae} (early stopping on it with `patience`, keeping the best epoch's weights), checkpointing every epoch
 * so an interrupted run resumes where it stopped. The weights of a task weighter are recorded after every epoch (and
 * its `onEpochEnd` called, which IGB needs for its base losses). `onResume(step, steps)` is called before training
 * when a checkpoint of an interrupted run is found (its global step, and the steps of the whole training).
 * @throws the objective's and model's argument errors; TrainingError for a non-finite loss.
 */
export async function trainForecaster(
  windows: ForecastWindows,
  spec: ForecasterSpec,
  onEpoch?: (progress: EpochProgress) => void,
  onResume?: (step: number, steps: number) => void,
): Promise<TrainedForecaster> {
  const objective = createObjective(spec.objective, windows);
  let model: ForecastModel | undefined;
  const optimizer = createOptimizer({ name: 'adam', learningRate: spec.training.learningRate });
  try {
    model = createForecastModel(
      spec.model,
      { history: windows.history, features: windows.features.length, weatherOutputs: objective.weatherOutputs, pollutantOutputs: objective.pollutantOutputs },
      spec.seed,
    );
    const taskWeights = await readTaskWeights(spec.dir);
    await restoreIgbBase(spec.dir, objective);
    const weighter = objective.weighter;
    const result = await train({
      model: withObjectiveVariables(model, objective),
      loss: objective.loss,
      validationLoss: validationMae(objective),
      train: windowDataset(windows, windows.train, objective, 'train'),
      validation: windowDataset(windows, windows.validation, objective, 'validation'),
      epochs: spec.training.epochs,
      batchSize: spec.training.batchSize,
      validationBatchSize: 4096,
      optimizer,
      seed: spec.seed,
      ...(spec.training.patience > 0
        ? { earlyStopping: { metric: 'validationLoss', patience: spec.training.patience, restoreBestWeights: true } }
        : {}),
      checkpoint: { dir: join(spec.dir, 'checkpoints'), keep: 1 },
      resume: true,
      progress: { quiet: true },
      callbacks: {
        onResume: (resumed) => onResume?.(resumed.globalStep, resumed.totalSteps),
        onEpochEnd: async (record) => {
          if (weighter !== undefined) {
            weighter.onEpochEnd(record.epoch);
            await saveIgbBase(spec.dir, objective);
            const report = weighter.report();
            const weights = Object.fromEntries(weighter.taskNames.map((name, i) => [name, report.weights[i] ?? Number.NaN]));
            const kept = taskWeights.filter((w) => w.epoch < record.epoch + 1);
            taskWeights.splice(0, taskWeights.length, ...kept, { epoch: record.epoch + 1, weights });
            await writeJsonAtomic(join(spec.dir, TASK_WEIGHTS_FILE), taskWeights);
          }
          onEpoch?.({ epoch: record.epoch + 1, epochs: spec.training.epochs, loss: record.loss });
        },
      },
    });
    const history = result.epochs.map((e) => ({
      epoch: e.epoch + 1,
      loss: e.loss,
      validationLoss: e.validationLoss ?? null,
      seconds: e.seconds,
      windowsPerSecond: Number.isFinite(e.samplesPerSecond) ? e.samplesPerSecond : 0,
    }));
    const best = result.bestEpoch ?? history.length - 1;
    return { model, objective, history, taskWeights, trainSeconds: history.reduce((s, e) => s + e.seconds, 0), bestEpoch: best + 1 };
  } catch (error) {
    model?.dispose();
    objective.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
}
