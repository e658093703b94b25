import { median } from '@counterweight/bench-kit';
import { ConfigError, createDataset, createOptimizer, train } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { ForecastWindows } from '../data/forecast-windows.js';
import { createForecastModel, type ForecastModel } from '../models/index.js';
import type { ForecastModelConfig } from '../models/forecast-model-config.js';
import { createObjective } from '../objectives/index.js';
import type { Objective, ObjectiveName } from '../objectives/objective.js';

/** Options of {@link measureForecasterTraining}. */
export interface ForecasterTrainingOptions {
  /** Windows to train on: the first `steps × batchSize` of the training split (it must have that many). */
  readonly windows: ForecastWindows;
  readonly model: ForecastModelConfig;
  /** Default `mae` (the baseline objective). */
  readonly objective?: ObjectiveName;
  /** Windows per step (the comparison trains with 256). */
  readonly batchSize: number;
  /** Training steps per repetition (one epoch of the data set). */
  readonly steps: number;
  /** Timed repetitions at most (after one untimed warm-up epoch). */
  readonly repetitions: number;
  /**
   * Seconds of timed repetitions at most, estimated from the warm-up epoch: fewer repetitions (at least one) when
   * `repetitions` would take longer. Default: no budget.
   */
  readonly budgetSeconds?: number;
  /** Seeds the initial weights and the shuffles. */
  readonly seed: number;
  /** Adam learning rate; default 1e-3. */
  readonly learningRate?: number;
}

/** Training throughput of one forecaster on the active backend. */
export interface ForecasterTraining {
  /** The tfjs backend it ran on. */
  readonly backend: string;
  /** Median over the timed repetitions of the trainer's windows (samples) per second of its steps. */
  readonly samplesPerSec: number;
  /** Milliseconds per step at the median throughput. */
  readonly stepMs: number;
  readonly repetitions: number;
  readonly stepsPerRepetition: number;
  /** `(max − min) / median` of the per-repetition throughputs: a noise indicator. */
  readonly spread: number;
  /** Mean training loss of the warm-up epoch and of the last timed epoch (they should fall). */
  readonly firstLoss: number;
  readonly lastLoss: number;
  /** Scalar weights of the model. */
  readonly parameterCount: number;
}

/**
 * Samples/s of training a forecaster (`createForecastModel`) with an objective (`createObjective`, default `mae`)
 * through the runtime's `train`, as the comparison trains it: Adam, shuffled batches with the objective's extra
 * columns. One untimed warm-up epoch (kernel set-up, Adam slots), then one epoch of `steps` steps per repetition,
 * the optimiser carried over (training goes on). Throughput is the trainer's own count: windows per second of its
 * steps (batch gather, forward, backward, Adam update and the loss read-back of every step). Leaves no tensors behind.
 * @throws ConfigError naming `steps`, `batchSize` or `repetitions` for a non-positive value, or `windows` when the
 *   training split has fewer than `steps × batchSize` windows; the model's and objective's own errors.
 */
export async function measureForecasterTraining(options: ForecasterTrainingOptions): Promise<ForecasterTraining> {
  const { windows, batchSize, steps } = options;
  for (const [name, value] of [['steps', steps], ['batchSize', batchSize], ['repetitions', options.repetitions]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigError(name, `must be an integer ≥ 1, got ${value}`);
  }
  const rows = steps * batchSize;
  if (windows.train.count < rows) {
    throw new ConfigError('windows', `the training split has ${windows.train.count} windows, fewer than steps × batchSize = ${rows}`);
  }
  const objective: Objective = createObjective(options.objective ?? 'mae', windows);
  let model: ForecastModel | undefined;
  const optimizer = createOptimizer({ name: 'adam', learningRate: options.learningRate ?? 1e-3 });
  try {
    model = createForecastModel(
      options.model,
      { history: windows.history, features: windows.features.length, weatherOutputs: objective.weatherOutputs, pollutantOutputs: objective.pollutantOutputs },
      options.seed,
    );
    const all = createDataset({
      inputs: { values: windows.train.inputs, shape: [windows.history * windows.features.length] },
      targets: { values: windows.train.targets, shape: [windows.horizons.length * windows.targets.length] },
      extras: objective.extras('train'),
    });
    const data = all.size === rows ? all : all.subset(Int32Array.from({ length: rows }, (_, i) => i));
    const rates: number[] = [];
    let firstLoss = Number.NaN;
    let lastLoss = Number.NaN;
    let repetitions = options.repetitions;
    for (let rep = -1; rep < repetitions; rep += 1) {
      const started = performance.now();
      const history = await train({
        model,
        loss: objective.loss,
        train: data,
        epochs: 1,
        batchSize,
        optimizer,
        seed: options.seed + rep + 1,
        progress: { quiet: true },
      });
      const epoch = history.epochs[0];
      if (rep < 0) {
        firstLoss = epoch?.loss ?? Number.NaN;
        if (options.budgetSeconds !== undefined) {
          const warmup = (performance.now() - started) / 1000;
          repetitions = Math.max(1, Math.min(repetitions, Math.floor(options.budgetSeconds / warmup)));
        }
      } else {
        rates.push(epoch?.samplesPerSecond ?? Number.NaN);
      }
      lastLoss = epoch?.loss ?? Number.NaN;
    }
    const samplesPerSec = median(rates);
    return {
      backend: tf.getBackend(),
      samplesPerSec,
      stepMs: (1000 * batchSize) / samplesPerSec,
      repetitions: rates.length,
      stepsPerRepetition: steps,
      spread: (Math.max(...rates) - Math.min(...rates)) / samplesPerSec,
      firstLoss,
      lastLoss,
      parameterCount: model.parameterCount,
    };
  } finally {
    model?.dispose();
    objective.dispose();
    optimizer.dispose();
  }
}
