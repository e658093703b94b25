import { TrainingError } from '../errors.js';
import type { DataParallelOptions } from './data-parallel/data-parallel-gradients.js';
import { checkNoRowCoupling } from './data-parallel/row-coupling.js';
import { InMemoryDataset } from './dataset.js';
import type { EarlyStoppingConfig } from './early-stopping.js';
import { validateClipConfig, type ClipConfig } from './gradient-clipping.js';
import { checkExtras, type LossFunction, type MetricFunction } from './loss-inputs.js';
import { validateSchedule, type LrScheduleConfig } from './lr-schedule.js';
import type { TrainableModel } from './model.js';
import type { TrainingOptimizer } from './optimizers.js';
import { validateWeightPerturbation, type WeightPerturbation } from './perturbed-gradients.js';

/** What happened in one epoch. Epochs are 0-based. */
export interface EpochRecord {
  readonly epoch: number;
  /** Mean training loss over the epoch's steps, weighted by batch rows (skipped non-finite steps excluded). */
  readonly loss: number;
  /** Loss over the whole validation set, when there is one. */
  readonly validationLoss?: number;
  /** Validation metrics by name. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Learning rate of the epoch's last step. */
  readonly learningRate: number;
  /** Wall-clock seconds of the epoch, validation included (summed over interrupted runs). */
  readonly seconds: number;
  /** Training rows per second of the training steps alone. */
  readonly samplesPerSecond: number;
  readonly steps: number;
  /** Steps whose loss was NaN/Inf and that were skipped (`onNonFiniteLoss: 'skip'`). */
  readonly skippedSteps: number;
}

/** The result of {@link train}. */
export interface TrainingHistory {
  readonly epochs: readonly EpochRecord[];
  /** Optimiser steps taken in total (including those of earlier, resumed runs). */
  readonly globalStep: number;
  readonly stoppedEarly: boolean;
  /** 0-based epoch of the best early-stopping value, when early stopping is on. */
  readonly bestEpoch?: number;
  /** Global step of the checkpoint this run resumed from, if it resumed. */
  readonly resumedFromStep?: number;
}

/** Passed to `callbacks.onStepEnd`. */
export interface StepEndInfo {
  readonly epoch: number;
  /** 0-based step within the epoch. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Steps completed in total, this one included. */
  readonly globalStep: number;
  readonly loss: number;
  /** With `weightPerturbation`: the loss at the perturbed weights `w + ε` (absent for plain steps). */
  readonly perturbedLoss?: number;
  readonly learningRate: number;
  readonly skipped: boolean;
}

/** Passed to `callbacks.onCheckpoint` after a checkpoint is complete and `latest.json` points to it. */
export interface CheckpointEvent {
  readonly globalStep: number;
  readonly path: string;
  /** Epoch and steps completed in it at the time of the checkpoint. */
  readonly epoch: number;
  readonly stepInEpoch: number;
}

/** When and where {@link train} saves checkpoints. */
export interface CheckpointSchedule {
  readonly dir: string;
  /** Save after every `everySteps` optimiser steps (global step count). */
  readonly everySteps?: number;
  /** Save at the end of every epoch (default true). */
  readonly everyEpoch?: boolean;
  /** Checkpoints to keep (default 3). */
  readonly keep?: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  readonly model: TrainableModel;
  /**
   * The objective: `(inputs: LossInputs) => tf.Scalar` over predictions, targets, sample weights and the data set's
   * named extra columns. Extras it declares (`withExtras`) must be carried by `train` and `validation`.
   */
  readonly loss: LossFunction<string>;
  /**
   * The objective of epoch `e` (0-based) when it changes during training, e.g. LDAM-DRW's deferred re-weighting
   * (`(e) => e < 160 ? ldam : ldamWithClassWeights`); used for the epoch's steps and its validation loss instead of
   * `loss`. A pure function of the epoch, so resumed runs use the same objective. Not combinable with `parallel`
   * (the workers' replicas bring their own loss).
   */
  readonly lossAtEpoch?: (epoch: number) => LossFunction<string>;
  readonly train: InMemoryDataset;
  /**
   * The loss of the validation set (`EpochRecord.validationLoss`, and early stopping on `validationLoss`) when it should
   * not be the training objective: e.g. plain MAE for an objective whose task weights move from epoch to epoch (so its
   * values are not comparable across epochs) or that records the losses it sees (IGB's epoch means must come from
   * training steps only). Default: the epoch's training loss (`lossAtEpoch`, else `loss`).
   */
  readonly validationLoss?: LossFunction<string>;
  /**
   * The training rows of epoch `e` (0-based) when they change from epoch to epoch, e.g. a fresh data-augmentation
   * draw: same row count (and row meaning) as `train`, which still fixes the shuffle order and the step count. Called
   * once at the start of every epoch that runs (a resumed run starts with the epoch it resumes in); may be async. A
   * pure function of the epoch, so resumed runs see the same data. Not combinable with `parallel` (workers share
   * `train` once).
   */
  readonly trainAtEpoch?: (epoch: number) => InMemoryDataset | Promise<InMemoryDataset>;
  readonly validation?: InMemoryDataset;
  readonly epochs: number;
  readonly batchSize: number;
  /** Batch size for validation (default: `batchSize`). */
  readonly validationBatchSize?: number;
  /** Drop the last partial training batch of each epoch (default false). */
  readonly dropRemainder?: boolean;
  /** Shuffle training rows each epoch (default true); the order is a pure function of (seed, epoch). */
  readonly shuffle?: boolean;
  /**
   * From `createOptimizer`. Every step passes it the step's loss at the current weights along with the
   * gradients, which the loss-aware ones (`momo`, `momo-adam`) need: the same value as `StepEndInfo.loss`, also with
   * `parallel` (shard-weighted mean) and `weightPerturbation` (the loss at `w`, while the gradient is the one at
   * `w + ε`); `clip` changes the gradient only.
   */
  readonly optimizer: TrainingOptimizer;
  /** Learning rate per step; without it the optimiser's rate is kept. */
  readonly schedule?: LrScheduleConfig;
  readonly clip?: ClipConfig;
  /** Validation metrics; need `validation`. */
  readonly metrics?: Readonly<Record<string, MetricFunction<string>>>;
  readonly earlyStopping?: EarlyStoppingConfig;
  readonly checkpoint?: CheckpointSchedule;
  /** Continue from the newest checkpoint in `checkpoint.dir` if there is one (start fresh otherwise). */
  readonly resume?: boolean;
  /** Seeds the shuffles and the generator handed to the model as `context.random`. */
  readonly seed: number;
  /** What a NaN/Inf training loss does: throw a TrainingError naming epoch and step (default), or skip the update. */
  readonly onNonFiniteLoss?: 'error' | 'skip';
  /**
   * Perturbed-gradient steps (SAM or AWP); see {@link WeightPerturbation}. Not combinable with `parallel`: the
   * perturbation needs the whole batch's gradient before the second pass, so a data-parallel step would need two
   * rounds of shard gradients; train single-threaded instead.
   */
  readonly weightPerturbation?: WeightPerturbation;
  readonly callbacks?: {
    /**
     * Once, before the first step, when the run continues from a checkpoint (`resume`): the checkpoint's global step
     * and the run's total (`stepsPerEpoch × epochs`; early stopping may end it sooner) — for a line telling the user
     * the earlier work was kept.
     */
    readonly onResume?: (info: { readonly globalStep: number; readonly totalSteps: number }) => void | Promise<void>;
    readonly onStepEnd?: (info: StepEndInfo) => void | Promise<void>;
    /**
     * After an epoch's last training step, before validation and `onEpochEnd`: the place for per-epoch weight
     * projections such as weight balancing's MaxNorm (`applyMaxNorm` of `@counterweight/core-losses`), which the
     * reference applies after the training phase, so validation and the epoch checkpoint see the projected weights.
     * Must be deterministic for exact resume (a resumed run calls it again for the epoch it resumes in).
     */
    readonly onTrainPhaseEnd?: (info: { readonly epoch: number; readonly globalStep: number }) => void | Promise<void>;
    readonly onEpochEnd?: (record: EpochRecord) => void | Promise<void>;
    readonly onCheckpoint?: (event: CheckpointEvent) => void | Promise<void>;
  };
  readonly progress?: { readonly quiet?: boolean; readonly stream?: NodeJS.WriteStream };
  /**
   * Data-parallel steps over several threads: worker threads build replicas of the model from `replica`, and every
   * batch is split into contiguous shards, one per thread (the main thread included); gradients are combined
   * weighted by shard size. tfjs-backend-wasm computes on one thread in Node, so this is how a step uses every core.
   * The main thread keeps the optimizer, the weights and all checkpointed state; replicas receive the weights before
   * every step, so the result does not depend on their initialisation. Exact for losses that are means over rows;
   * see `combineShards`. A loss that couples the rows of a batch (declared with `withRowCoupling`, e.g. loss-based
   * sample reweighting) is refused with a ConfigError, as the loss of a replica that declares it. `workers` defaults to the number of cores minus one. Pass `{ pool }` instead to reuse a
   * {@link GradientWorkerPool} started for the same training data set across several `train()` calls (the caller
   * closes it); otherwise the pool lives for this call.
   */
  readonly parallel?: DataParallelOptions;
}

/** @throws TrainingError unless `value` is undefined or a positive integer. */
export function checkPositiveInteger(value: number | undefined, argument: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new TrainingError(argument, `must be a positive integer, got ${value}`);
  }
}

/**
 * Checks every option of {@link train} before anything runs.
 * @throws TrainingError naming the option; MissingExtraError when a data set lacks an extra column the loss or a
 *   metric declares; ConfigError naming the loss and the reason for `parallel` with a loss that couples rows.
 */
export function validateOptions(options: TrainOptions): void {
  if (!(options.train instanceof InMemoryDataset)) throw new TrainingError('train', 'must be an InMemoryDataset');
  if (options.validation !== undefined && !(options.validation instanceof InMemoryDataset)) {
    throw new TrainingError('validation', 'must be an InMemoryDataset');
  }
  checkPositiveInteger(options.epochs, 'epochs');
  checkPositiveInteger(options.batchSize, 'batchSize');
  checkPositiveInteger(options.validationBatchSize, 'validationBatchSize');
  if (!Number.isSafeInteger(options.seed)) throw new TrainingError('seed', `must be a safe integer, got ${options.seed}`);
  if (typeof options.loss !== 'function') throw new TrainingError('loss', 'must be a function');
  if (options.lossAtEpoch !== undefined && options.parallel !== undefined) {
    throw new TrainingError('lossAtEpoch', 'cannot be combined with parallel (the replicas use their own loss); drop one of them');
  }
  if (options.parallel !== undefined) checkNoRowCoupling(options.loss, 'parallel');
  if (options.trainAtEpoch !== undefined && typeof options.trainAtEpoch !== 'function') {
    throw new TrainingError('trainAtEpoch', 'must be a function of the epoch');
  }
  if (options.trainAtEpoch !== undefined && options.parallel !== undefined) {
    throw new TrainingError('trainAtEpoch', 'cannot be combined with parallel (the workers share the `train` rows once); drop one of them');
  }
  if (options.schedule !== undefined) validateSchedule(options.schedule);
  if (options.clip !== undefined) validateClipConfig(options.clip);
  const metricNames = Object.keys(options.metrics ?? {});
  if (metricNames.length > 0 && options.validation === undefined) {
    throw new TrainingError('metrics', 'are computed on the validation set; pass `validation`');
  }
  for (const reserved of ['loss', 'validationLoss']) {
    if (metricNames.includes(reserved)) throw new TrainingError(`metrics.${reserved}`, 'is a reserved name');
  }
  if (options.earlyStopping !== undefined) {
    const available = ['loss', ...(options.validation === undefined ? [] : ['validationLoss', ...metricNames])];
    if (!available.includes(options.earlyStopping.metric)) {
      throw new TrainingError(
        'earlyStopping.metric',
        `"${options.earlyStopping.metric}" is not a value of this run; use one of ${available.join(', ')}`,
      );
    }
  }
  if (options.onNonFiniteLoss !== undefined && options.onNonFiniteLoss !== 'error' && options.onNonFiniteLoss !== 'skip') {
    throw new TrainingError('onNonFiniteLoss', `must be "error" or "skip", got "${String(options.onNonFiniteLoss)}"`);
  }
  if (options.checkpoint !== undefined) {
    if (typeof options.checkpoint.dir !== 'string' || options.checkpoint.dir === '') {
      throw new TrainingError('checkpoint.dir', 'must be a directory path');
    }
    checkPositiveInteger(options.checkpoint.everySteps, 'checkpoint.everySteps');
    checkPositiveInteger(options.checkpoint.keep, 'checkpoint.keep');
  }
  if (options.resume === true && options.checkpoint === undefined) {
    throw new TrainingError('resume', 'needs checkpoint.dir to resume from');
  }
  if (options.weightPerturbation !== undefined) validateWeightPerturbation(options.weightPerturbation);
  if (options.weightPerturbation !== undefined && options.parallel !== undefined) {
    throw new TrainingError(
      'weightPerturbation',
      `("${options.weightPerturbation.kind}") cannot be combined with parallel: the perturbation needs the whole ` +
        "batch's gradient before its second pass, which data-parallel steps only have after combining shards; " +
        'drop one of weightPerturbation and parallel',
    );
  }
  if (options.validationLoss !== undefined && typeof options.validationLoss !== 'function') {
    throw new TrainingError('validationLoss', 'must be a loss function (inputs) => scalar');
  }
  if (options.validationLoss !== undefined && options.validation === undefined) {
    throw new TrainingError('validationLoss', 'needs a validation data set');
  }
  if (options.lossAtEpoch !== undefined && typeof options.lossAtEpoch !== 'function') {
    throw new TrainingError('lossAtEpoch', 'must be a function of the epoch');
  }
  checkExtras(options.loss, options.train.extraNames, { argument: 'loss', dataset: 'train' });
  if (options.validation !== undefined) {
    checkExtras(options.loss, options.validation.extraNames, { argument: 'loss', dataset: 'validation' });
    if (options.validationLoss !== undefined) {
      checkExtras(options.validationLoss, options.validation.extraNames, { argument: 'validationLoss', dataset: 'validation' });
    }
    for (const [name, metric] of Object.entries(options.metrics ?? {})) {
      checkExtras(metric, options.validation.extraNames, { argument: `metrics.${name}`, dataset: 'validation' });
    }
  }
  const trainable = options.model.trainableVariables;
  if (trainable.length === 0) throw new TrainingError('model', 'has no trainable variables');
  const listed = new Set(options.model.variables.map((v) => v.variable));
  for (const variable of trainable) {
    if (!listed.has(variable)) {
      throw new TrainingError('model', `trainable variable "${variable.name}" is missing from model.variables`);
    }
  }
}
