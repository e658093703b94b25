import { join } from 'node:path';

import type { RunContext, Runner, RunTask } from '@counterweight/experiment';
import { binaryAuc, binaryBalancedAccuracy, binaryConfusion, binaryLogLoss, binaryRecall } from '@counterweight/metrics';
import { createOptimizer, evaluate, train, type EpochRecord, type MetricFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { FEATURE_NAMES, readBankRows, splitBankRows, type BankRows } from './data.js';
import { createMlp } from './model.js';
import { RECIPES, type RecipeName } from './recipes.js';

/** What every run of a quickstart shares (guarded: `--resume` refuses other values). */
export interface QuickstartSettings {
  /** Bank Marketing file in the `bank-additional` layout, or the embedded sample's path. */
  readonly data: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly hidden: number;
}

/** One run: a recipe (the method) on one seed's split and initialisation. */
export type QuickstartTask = RunTask<QuickstartSettings, undefined>;

/** What one run measured on its validation rows (its result.json). */
export interface QuickstartRunResult {
  readonly logLoss: number;
  readonly auc: number;
  readonly balancedAccuracy: number;
  readonly recall: number;
  /** Validation log loss after every epoch. */
  readonly curve: readonly number[];
  /** Rows of the file; training and validation rows and positives of this seed's split. */
  readonly rows: number;
  readonly trainRows: number;
  readonly trainPositives: number;
  readonly validationRows: number;
  readonly validationPositives: number;
}

function probabilities(logits: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.sigmoid(tf.reshape(logits, [-1])).dataSync() as Float32Array);
}

function labels(targets: tf.Tensor): Float32Array {
  return targets.dataSync() as Float32Array;
}

const VALIDATION_METRICS: Readonly<Record<string, MetricFunction>> = {
  logLoss: ({ targets: t, predictions: p }) => binaryLogLoss(labels(t), probabilities(p)),
  auc: ({ targets: t, predictions: p }) => binaryAuc(labels(t), probabilities(p)),
  balancedAccuracy: ({ targets: t, predictions: p }) => binaryBalancedAccuracy(binaryConfusion(labels(t), probabilities(p))),
  recall: ({ targets: t, predictions: p }) => binaryRecall(binaryConfusion(labels(t), probabilities(p))),
};

/**
 * Trains the MLP with the task's recipe on the task's seed's split (checkpoints in `task.dir/checkpoints`, so an
 * interrupted run resumes exactly) and evaluates it on the validation rows.
 */
export async function runOne(task: QuickstartTask, data: BankRows, harness: RunContext): Promise<QuickstartRunResult> {
  const recipe = RECIPES[task.method as RecipeName];
  const { settings, seed } = task;
  const split = splitBankRows(data, seed);
  const counts: [number, number] = [split.train.size - split.trainPositives, split.trainPositives];
  const { model, dispose } = createMlp(FEATURE_NAMES.length, settings.hidden, seed);
  const optimizer = createOptimizer({ name: 'adam', learningRate: settings.learningRate });
  try {
    const history = await train({
      model,
      loss: recipe.loss(counts),
      train: split.train,
      validation: split.validation,
      metrics: { logLoss: VALIDATION_METRICS['logLoss'] as MetricFunction },
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      optimizer,
      seed,
      checkpoint: { dir: join(task.dir, 'checkpoints'), everyEpoch: true, keep: 1 },
      resume: true,
      // The harness draws one bar for the whole comparison, on a terminal only: no per-epoch lines.
      progress: { quiet: true },
      callbacks: { onEpochEnd: (record: EpochRecord) => harness.report({ epoch: record.epoch + 1, epochs: settings.epochs }) },
    });
    const final = await evaluate(model, split.validation, { loss: recipe.loss(counts), metrics: VALIDATION_METRICS, batchSize: 1024 });
    const m = final.metrics;
    return {
      logLoss: m['logLoss'] ?? Number.NaN,
      auc: m['auc'] ?? Number.NaN,
      balancedAccuracy: m['balancedAccuracy'] ?? Number.NaN,
      recall: m['recall'] ?? Number.NaN,
      curve: history.epochs.map((record) => record.metrics['logLoss'] ?? Number.NaN),
      rows: split.rows,
      trainRows: split.train.size,
      trainPositives: split.trainPositives,
      validationRows: split.validation.size,
      validationPositives: split.validationPositives,
    };
  } finally {
    optimizer.dispose();
    dispose();
  }
}

/** How the harness loads the quickstart's data (once per thread) and trains one run (also served by run-worker.ts). */
export const quickstartRunner: Runner<QuickstartSettings, undefined, BankRows, QuickstartRunResult> = {
  prepare: (settings) => readBankRows(settings.data),
  run: runOne,
};
