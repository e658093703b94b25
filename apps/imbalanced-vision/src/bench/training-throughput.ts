import { median } from '@counterweight/bench-kit';
import {
  createOptimizer,
  train,
  type InMemoryDataset,
  type LossFunction,
  type OptimizerConfig,
  type TrainableModel,
  type TrainingOptimizer,
  type WeightPerturbation,
} from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** One way of taking a training step: a loss, its optimiser and optionally a weight perturbation (SAM, AWP). */
export interface StepConfig {
  /** Name in the results, e.g. a recipe name. */
  readonly name: string;
  /** One line for the results, e.g. the recipe's description. */
  readonly description?: string;
  readonly loss: LossFunction<string>;
  readonly optimizer: OptimizerConfig;
  readonly weightPerturbation?: WeightPerturbation;
}

/** Options of {@link measureTrainingThroughput}. */
export interface TrainingThroughputOptions {
  /** Images per step (the recipes' batch: `SINGLE_LABEL_BATCH`). */
  readonly batchSize: number;
  /** Timed repetitions at most; each is one epoch of the data set per configuration. */
  readonly repetitions: number;
  /**
   * Seconds of timed repetitions at most, estimated from the warm-up round: fewer repetitions (at least one) are run
   * when `repetitions` rounds would take longer. Default: no budget.
   */
  readonly budgetSeconds?: number;
  /** Seeds the shuffles (the same order in every repetition). */
  readonly seed: number;
}

/** Training throughput of one {@link StepConfig}. */
export interface TrainingThroughput {
  /** Median over the timed repetitions of the trainer's training images per second. */
  readonly imagesPerSec: number;
  /** Milliseconds per step of `batchSize` images at the median throughput. */
  readonly stepMs: number;
  /** Timed repetitions. */
  readonly repetitions: number;
  /** Steps per repetition (batches in the data set). */
  readonly stepsPerRepetition: number;
  /** `(max − min) / median` of the per-repetition throughputs: a noise indicator. */
  readonly spread: number;
  /** Mean training loss of the warm-up epoch and of the last timed epoch. */
  readonly firstLoss: number;
  readonly lastLoss: number;
  /**
   * Steps whose loss was NaN/Inf (forward and backward ran, the update was skipped), over all epochs. The trainer
   * counts their time but not their images, so a non-zero count lowers `imagesPerSec`.
   */
  readonly skippedSteps: number;
}

function restore(model: TrainableModel, snapshot: readonly tf.Tensor[]): void {
  model.variables.forEach((v, i) => v.variable.assign(snapshot[i] as tf.Tensor));
}

/**
 * Trains `model` on `data` for one epoch per repetition with each configuration in turn — alternating, so that drift
 * on a shared machine affects every configuration alike — after one untimed warm-up epoch each (kernel set-up,
 * optimiser slots). Every epoch starts from the same weights (a snapshot is restored before it, and at the end), so no
 * configuration trains on a model another one has moved; each configuration keeps its own optimiser across epochs.
 * Throughput is the runtime trainer's own count of training images per second of its steps (batch assembly, forward,
 * backward, update and the loss read-back of every step). Leaves no tensors behind.
 * @returns per configuration name, the median over the timed repetitions.
 */
export async function measureTrainingThroughput(
  model: TrainableModel,
  data: InMemoryDataset,
  configs: readonly StepConfig[],
  options: TrainingThroughputOptions,
): Promise<Record<string, TrainingThroughput>> {
  const snapshot = model.variables.map((v) => tf.clone(v.variable));
  const optimizers: TrainingOptimizer[] = [];
  const rates: number[][] = configs.map(() => []);
  const firstLoss: number[] = [];
  const lastLoss: number[] = [];
  const skipped: number[] = configs.map(() => 0);
  let steps = 0;
  let repetitions = options.repetitions;
  try {
    for (const config of configs) optimizers.push(createOptimizer(config.optimizer));
    for (let rep = -1; rep < repetitions; rep += 1) {
      const started = performance.now();
      for (const [i, config] of configs.entries()) {
        restore(model, snapshot);
        const history = await train({
          model,
          loss: config.loss,
          train: data,
          epochs: 1,
          batchSize: options.batchSize,
          optimizer: optimizers[i] as TrainingOptimizer,
          seed: options.seed,
          onNonFiniteLoss: 'skip',
          progress: { quiet: true },
          ...(config.weightPerturbation === undefined ? {} : { weightPerturbation: config.weightPerturbation }),
        });
        const epoch = history.epochs[0];
        steps = epoch?.steps ?? 0;
        skipped[i] = (skipped[i] ?? 0) + (epoch?.skippedSteps ?? 0);
        if (rep < 0) firstLoss[i] = epoch?.loss ?? Number.NaN;
        else rates[i]?.push(epoch?.samplesPerSecond ?? Number.NaN);
        lastLoss[i] = epoch?.loss ?? Number.NaN;
      }
      if (rep < 0 && options.budgetSeconds !== undefined) {
        const warmupSeconds = (performance.now() - started) / 1000;
        repetitions = Math.max(1, Math.min(repetitions, Math.floor(options.budgetSeconds / warmupSeconds)));
      }
    }
  } finally {
    restore(model, snapshot);
    tf.dispose(snapshot);
    for (const optimizer of optimizers) optimizer.dispose();
  }
  return Object.fromEntries(
    configs.map((config, i) => {
      const values = rates[i] ?? [];
      const imagesPerSec = median(values);
      const result: TrainingThroughput = {
        imagesPerSec,
        stepMs: (1000 * options.batchSize) / imagesPerSec,
        repetitions: values.length,
        stepsPerRepetition: steps,
        spread: (Math.max(...values) - Math.min(...values)) / imagesPerSec,
        firstLoss: firstLoss[i] ?? Number.NaN,
        lastLoss: lastLoss[i] ?? Number.NaN,
        skippedSteps: skipped[i] ?? 0,
      };
      return [config.name, result];
    }),
  );
}
