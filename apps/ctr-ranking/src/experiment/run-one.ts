import { join } from 'node:path';

import { announceResume, type EpochProgress, type Runner, type RunTask } from '@counterweight/experiment';
import { createOptimizer, train, type OptimizerConfig } from '@counterweight/runtime';
import { fitMultiplicativeCalibration } from '@counterweight/solvers';
import * as tf from '@tensorflow/tfjs-core';

import type { AuctionSet } from '../data/auction-set.js';
import { evaluateCtrModel, type OffPolicyReport } from '../evaluation/off-policy.js';
import { createCtrModel, type CtrModel, type CtrModelConfig } from '../models/index.js';
import { auctionDataset, logAsAuctions, predictProbabilities } from './auction-rows.js';
import { evaluateProbabilities, validValues, type CtrEvaluation } from './evaluate.js';
import { writeTrainedModelInfo } from './export-run.js';
import { needsTeacher, objectiveLoss, type ObjectiveName } from './objectives.js';
import { prepareData, type CtrData } from './prepare-data.js';
import type { CtrMethodOptions, CtrSettings, OptimizerName } from './settings.js';

/** One epoch of a run. */
export interface RunEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly seconds: number;
  /** Candidates (not auctions) per second of the training steps (0 when no step was timed, e.g. all resumed). */
  readonly candidatesPerSecond: number;
}

/** What one ctr-ranking run gives the harness (its `result` in `result.json`). */
export interface CtrRunResult {
  readonly test: CtrEvaluation;
  /** Inverse-propensity estimates of the model's allocation on the logged test impressions, when the data has them. */
  readonly offPolicy?: OffPolicyReport;
  readonly history: readonly RunEpoch[];
  readonly trainSeconds: number;
}

/** What {@link trainCtrModel} trains: the objective, model and optimiser, and where its checkpoints go. */
export interface CtrTrainingSpec {
  readonly objective: ObjectiveName;
  readonly model: CtrModelConfig;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly epochs: number;
  /** Auctions per batch. */
  readonly batchSize: number;
  /** `τ` (mean-bid units), `λ` of `combined` and `α` of the teacher mix. */
  readonly temperature: number;
  readonly lambda: number;
  readonly teacherMix: number;
  /** Initialisation and shuffling. */
  readonly seed: number;
  /** Checkpoints go to `<dir>/checkpoints` (an interrupted training resumes from them). */
  readonly dir: string;
}

/** Options of {@link trainCtrModel}. */
export interface TrainCtrModelOptions {
  /** The teacher's CTR on every training candidate slot (`welfare-teacher`). */
  readonly teacher?: ArrayLike<number>;
  /** Called after every epoch (progress). */
  readonly onEpoch?: (progress: EpochProgress) => void;
  /** Called once, before training, when the run continues from its checkpoint: its step and the run's total. */
  readonly onResume?: (step: number, steps: number) => void;
}

function optimizerConfig(name: OptimizerName, learningRate: number): OptimizerConfig {
  return name === 'adam' ? { name: 'adam', learningRate } : { name: 'momo', learningRate };
}

/** The training click rate (the baseline of normalised entropy). */
export function clickRate(set: AuctionSet): number {
  const labels = validValues(set, set.label);
  return labels.reduce((a, b) => a + b, 0) / Math.max(labels.length, 1);
}

/**
 * Trains a CTR model on `data.train` with the spec's objective (checkpoint every epoch in `<dir>/checkpoints`, so an
 * interrupted run continues where it stopped) and returns it with its history. The caller disposes the model.
 */
export async function trainCtrModel(
  data: CtrData,
  spec: CtrTrainingSpec,
  options: TrainCtrModelOptions = {},
): Promise<{ model: CtrModel; history: RunEpoch[]; trainSeconds: number }> {
  const model = createCtrModel(data.train.spec, spec.model, spec.seed);
  const optimizer = createOptimizer(optimizerConfig(spec.optimizer, spec.learningRate));
  const trainRows = auctionDataset(data.train, options.teacher);
  try {
    const result = await train({
      model,
      loss: objectiveLoss(spec.objective, { temperature: spec.temperature, lambda: spec.lambda, teacherMix: spec.teacherMix }),
      train: trainRows,
      epochs: spec.epochs,
      batchSize: spec.batchSize,
      optimizer,
      seed: spec.seed,
      checkpoint: { dir: join(spec.dir, 'checkpoints'), keep: 1 },
      resume: true,
      progress: { quiet: true },
      callbacks: {
        onResume: (r) => options.onResume?.(r.globalStep, r.totalSteps),
        onEpochEnd: (e) => options.onEpoch?.({ epoch: e.epoch + 1, epochs: spec.epochs, loss: e.loss }),
      },
    });
    const history = result.epochs.map((e) => {
      const perSecond = e.samplesPerSecond * data.train.slots;
      return { epoch: e.epoch + 1, loss: e.loss, seconds: e.seconds, candidatesPerSecond: Number.isFinite(perSecond) ? perSecond : 0 };
    });
    return { model, history, trainSeconds: history.reduce((s, e) => s + e.seconds, 0) };
  } catch (error) {
    tf.dispose(model.variables.map((v) => v.variable));
    throw error;
  } finally {
    optimizer.dispose();
  }
}

/**
 * One run of a comparison: trains the method's objective (or resumes it), fits the multiplicative recalibration on
 * the validation auctions, evaluates on the test auctions (and off-policy on logged data), and records how to rebuild
 * the model (`trained-model.json`, for `export`). `task.input` is the teacher's training CTRs for `welfare-teacher`.
 */
export async function runCtrMethod(
  task: RunTask<CtrSettings, CtrMethodOptions>,
  data: CtrData,
  onEpoch?: (progress: EpochProgress) => void,
): Promise<CtrRunResult> {
  const { settings } = task;
  const objective = task.options?.objective;
  if (objective === undefined) throw new RangeError(`run ${task.method}: the method has no objective`);
  const teacher = task.input;
  if (needsTeacher(objective) && !(teacher instanceof Float32Array)) throw new RangeError(`run ${task.method}: ${objective} needs the teacher's CTRs as the task input`);
  const spec: CtrTrainingSpec = {
    objective,
    model: settings.model,
    optimizer: settings.optimizer,
    learningRate: settings.learningRate,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    temperature: settings.temperature,
    lambda: task.options?.lambda ?? 0.5,
    teacherMix: settings.teacherMix,
    seed: task.seed,
    dir: task.dir,
  };
  const { model, history, trainSeconds } = await trainCtrModel(data, spec, {
    ...(needsTeacher(objective) ? { teacher: teacher as Float32Array } : {}),
    ...(onEpoch === undefined ? {} : { onEpoch }),
    // One line on stderr when an interrupted run picks up its checkpoint: the user sees the work was kept.
    onResume: (step, steps) => announceResume(task, step, steps),
  });
  try {
    const validation = predictProbabilities(model, data.validation);
    const fit = fitMultiplicativeCalibration(validValues(data.validation, data.validation.label), validValues(data.validation, validation).map((p) => Math.max(p, 1e-12)));
    const test = evaluateProbabilities(data.test, predictProbabilities(model, data.test), fit, clickRate(data.train));
    const offPolicy = data.offPolicy === undefined ? undefined : evaluateCtrModel(data.offPolicy, predictProbabilities(model, logAsAuctions(data.offPolicy)));
    await writeTrainedModelInfo(task.dir, { spec: data.train.spec, model: settings.model, seed: task.seed, objective });
    return { test, ...(offPolicy === undefined ? {} : { offPolicy }), history, trainSeconds };
  } finally {
    tf.dispose(model.variables.map((v) => v.variable));
  }
}

/** The harness's runner of ctr-ranking: loads the auctions of the settings, trains and evaluates one method. */
export const ctrRunner: Runner<CtrSettings, CtrMethodOptions, CtrData, CtrRunResult> = {
  prepare: (settings) => prepareData(settings.data, settings.dataSeed),
  run: (task, data, context) => runCtrMethod(task, data, context.report),
};
