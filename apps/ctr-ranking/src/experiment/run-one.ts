import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createOptimizer, train, writeJsonAtomic, type OptimizerConfig } from '@counterweight/runtime';
import { fitMultiplicativeCalibration } from '@counterweight/solvers';
import * as tf from '@tensorflow/tfjs-core';

import type { AuctionSet } from '../data/auction-set.js';
import type { OffPolicyLog } from '../data/off-policy-log.js';
import { evaluateCtrModel, type OffPolicyReport } from '../evaluation/off-policy.js';
import { createCtrModel, type CtrModel, type CtrModelConfig } from '../models/index.js';
import { auctionDataset, logAsAuctions, predictProbabilities } from './auction-rows.js';
import { evaluateProbabilities, validValues, type CtrEvaluation } from './evaluate.js';
import { writeTrainedModelInfo } from './export-run.js';
import { objectiveLoss, type ObjectiveName, type ObjectiveSettings } from './objectives.js';

/** Train / validation / test auctions of one comparison, and the training click rate. */
export interface ExperimentData {
  readonly train: AuctionSet;
  readonly validation: AuctionSet;
  readonly test: AuctionSet;
  /** What the data is, for the report. */
  readonly description: string;
  /** Logged bandit feedback of the test period (Open Bandit): the model's allocations are also estimated off-policy. */
  readonly offPolicy?: OffPolicyLog;
}

/** Optimiser choices of `compare`. */
export type OptimizerName = 'adam' | 'momo';

/** Everything that defines one training run (a finished run with the same spec is reused). */
export interface RunSpec {
  readonly objective: ObjectiveName;
  readonly settings: ObjectiveSettings;
  readonly model: CtrModelConfig;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly epochs: number;
  /** Auctions per batch. */
  readonly batchSize: number;
  readonly seed: number;
  /** Run directory: checkpoints (resume) and `result.json`. */
  readonly dir: string;
}

/** One epoch of a run. */
export interface RunEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly seconds: number;
  /** Candidates (not auctions) per second of the training steps. */
  readonly candidatesPerSecond: number;
}

/** What a finished run wrote to `result.json`. */
export interface RunResult {
  readonly spec: RunSpec;
  readonly test: CtrEvaluation;
  /** Inverse-propensity estimates of the model's allocation on the logged test impressions, when the data has them. */
  readonly offPolicy?: OffPolicyReport;
  readonly history: readonly RunEpoch[];
  readonly trainSeconds: number;
}

export const RESULT_FILE = 'result.json';

function optimizerConfig(name: OptimizerName, learningRate: number): OptimizerConfig {
  return name === 'adam' ? { name: 'adam', learningRate } : { name: 'momo', learningRate };
}

/** The training click rate (the baseline of normalised entropy). */
export function clickRate(set: AuctionSet): number {
  const labels = validValues(set, set.label);
  return labels.reduce((a, b) => a + b, 0) / Math.max(labels.length, 1);
}

async function finished(spec: RunSpec): Promise<RunResult | undefined> {
  try {
    const result = JSON.parse(await readFile(join(spec.dir, RESULT_FILE), 'utf8')) as RunResult;
    return JSON.stringify(result.spec) === JSON.stringify(spec) ? result : undefined;
  } catch {
    return undefined;
  }
}

/** Options of {@link trainCtrModel}. */
export interface TrainCtrModelOptions {
  /** The teacher's CTR on every training candidate slot (`welfare-teacher`). */
  readonly teacher?: ArrayLike<number>;
  readonly quiet?: boolean;
}

/**
 * Trains a CTR model on `data.train` with the spec's objective (checkpoint every epoch in `spec.dir/checkpoints`, so
 * an interrupted run continues where it stopped) and returns it with its history. The caller disposes the model.
 */
export async function trainCtrModel(
  data: ExperimentData,
  spec: RunSpec,
  options: TrainCtrModelOptions = {},
): Promise<{ model: CtrModel; history: RunEpoch[]; trainSeconds: number }> {
  const model = createCtrModel(data.train.spec, spec.model, spec.seed);
  const optimizer = createOptimizer(optimizerConfig(spec.optimizer, spec.learningRate));
  const trainRows = auctionDataset(data.train, options.teacher);
  try {
    const result = await train({
      model,
      loss: objectiveLoss(spec.objective, spec.settings),
      train: trainRows,
      epochs: spec.epochs,
      batchSize: spec.batchSize,
      optimizer,
      seed: spec.seed,
      checkpoint: { dir: join(spec.dir, 'checkpoints'), keep: 1 },
      resume: true,
      progress: { quiet: options.quiet ?? true },
    });
    const history = result.epochs.map((e) => ({
      epoch: e.epoch + 1,
      loss: e.loss,
      seconds: e.seconds,
      candidatesPerSecond: e.samplesPerSecond * data.train.slots,
    }));
    return { model, history, trainSeconds: history.reduce((s, e) => s + e.seconds, 0) };
  } catch (error) {
    tf.dispose(model.variables.map((v) => v.variable));
    throw error;
  } finally {
    optimizer.dispose();
  }
}

/**
 * One run of a comparison: trains (or resumes), fits the multiplicative recalibration on the validation auctions,
 * evaluates on the test auctions and writes `result.json`. A run whose `result.json` holds the same spec is returned
 * as it is.
 */
export async function runOne(data: ExperimentData, spec: RunSpec, options: TrainCtrModelOptions = {}): Promise<RunResult> {
  const done = await finished(spec);
  if (done !== undefined) return done;
  const { model, history, trainSeconds } = await trainCtrModel(data, spec, options);
  try {
    const validation = predictProbabilities(model, data.validation);
    const fit = fitMultiplicativeCalibration(validValues(data.validation, data.validation.label), validValues(data.validation, validation).map((p) => Math.max(p, 1e-12)));
    const test = evaluateProbabilities(data.test, predictProbabilities(model, data.test), fit, clickRate(data.train));
    const offPolicy = data.offPolicy === undefined ? undefined : evaluateCtrModel(data.offPolicy, predictProbabilities(model, logAsAuctions(data.offPolicy)));
    await writeTrainedModelInfo(spec.dir, { spec: data.train.spec, model: spec.model, seed: spec.seed, objective: spec.objective });
    const result: RunResult = { spec, test, ...(offPolicy === undefined ? {} : { offPolicy }), history, trainSeconds };
    await writeJsonAtomic(join(spec.dir, RESULT_FILE), result);
    return result;
  } finally {
    tf.dispose(model.variables.map((v) => v.variable));
  }
}
