import { availableParallelism } from 'node:os';

import { awpGradients, samGradients, type PerturbedGradients } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';
// Registers every op's gradient (tfjs-core alone fails with "gradient function not found"), as backend.ts does, so
// train() works even when the caller selected a backend some other way.
import '@tensorflow/tfjs-layers';

import { activeBackend, type BackendName } from '../backend.js';
import { CheckpointError, TrainingError } from '../errors.js';
import type { ReplicaSpec } from '../parallel/replica.js';
import { GradientWorkerPool, combineShards, splitRows } from '../parallel/worker-pool.js';
import { createProgress } from '../progress.js';
import { SeededRandom, type RandomState } from '../random.js';
import { assignVariables, latestCheckpoint, loadCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import { disposeBatch, InMemoryDataset } from './dataset.js';
import { EarlyStopping, type EarlyStoppingConfig, type EarlyStoppingState } from './early-stopping.js';
import { clipGradients, validateClipConfig, type ClipConfig } from './gradient-clipping.js';
import { learningRateAt, validateSchedule, type LrScheduleConfig, type SchedulePosition } from './lr-schedule.js';
import type { TrainableModel } from './model.js';
import type { TrainingOptimizer } from './optimizers.js';

/**
 * A training objective: mean (or otherwise reduced) loss of a batch as a scalar. `sampleWeights` (`[batch]`) is given
 * when the data set has per-sample weights; the function decides how to normalise by them.
 */
export type LossFunction = (targets: tf.Tensor, predictions: tf.Tensor, sampleWeights?: tf.Tensor1D) => tf.Scalar;

/**
 * A validation metric over a whole data set (e.g. accuracy, AUC). Runs inside `tf.tidy`, so tensors it creates are
 * released; it must return a plain number.
 */
export type MetricFunction = (targets: tf.Tensor, predictions: tf.Tensor, sampleWeights?: tf.Tensor1D) => number;

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

/**
 * A radius (SAM's `rho`, AWP's `gamma`): a constant, or a function of the step's position (the `{ step, epoch }` of
 * learning-rate schedules: `step` is the global step before this one, `epoch` 0-based), e.g. Rangwani et al.'s step
 * schedule of rho on ImageNet-LT or AWP's warm-up epochs with gamma 0. It must give a finite number >= 0; 0 makes that
 * step a plain one (one pass, no perturbation).
 */
export type PerturbationRadius = number | ((position: SchedulePosition) => number);

/**
 * Perturbed-gradient steps: each step takes the gradient at perturbed weights `w + ε` (same batch, same loss) and
 * applies it at `w`, restored bitwise; see `samGradients` and `awpGradients` of `@counterweight/core-losses`.
 *
 * - `sam`: sharpness-aware minimisation (Foret et al. 2021; Rangwani et al. 2022 for long tails),
 *   `ε = rho · g / ‖g‖₂` with ONE norm over all trainable variables. `rho` default 0.05 (Rangwani et al. use 0.1-0.8 on
 *   CIFAR-LT); `adaptive`/`eta`: ASAM as `davda54/sam` (default off, eta 0).
 * - `awp`: adversarial weight perturbation (Wu et al. 2020), `ε_l = gamma · ‖w_l‖ · g_l / ‖g_l‖` per kernel.
 *   `gamma` default 0.01. `kernels` picks the perturbed variables by their stable checkpoint name (default: trainable
 *   variables of rank >= 2; biases and normalisation parameters are never perturbed by default).
 *
 * A step costs two forward and backward passes (about 2x). Clipping and the optimiser act on the final gradient only;
 * a loss-aware optimiser (`momo`, `momo-adam`) gets the loss at `w`.
 * The loss reported per step and per epoch (and checked for NaN/Inf) is the loss at `w`; the loss at `w + ε` is
 * `StepEndInfo.perturbedLoss` (a non-finite one also stops or skips the step). The model's forward pass runs twice, so
 * `context.random` is drawn twice per step (still exact on resume: its state is checkpointed after the step).
 * The perturbation lives only inside a step, so checkpoints and resume are unchanged.
 */
export type WeightPerturbation =
  | {
      readonly kind: 'sam';
      readonly rho?: PerturbationRadius;
      readonly adaptive?: boolean;
      readonly eta?: number;
    }
  | {
      readonly kind: 'awp';
      readonly gamma?: PerturbationRadius;
      readonly kernels?: (name: string, variable: tf.Variable) => boolean;
    };

/** Options of {@link train}. */
export interface TrainOptions {
  readonly model: TrainableModel;
  readonly loss: LossFunction;
  /**
   * The objective of epoch `e` (0-based) when it changes during training, e.g. LDAM-DRW's deferred re-weighting
   * (`(e) => e < 160 ? ldam : ldamWithClassWeights`); used for the epoch's steps and its validation loss instead of
   * `loss`. A pure function of the epoch, so resumed runs use the same objective. Not combinable with `parallel`
   * (the workers' replicas bring their own loss).
   */
  readonly lossAtEpoch?: (epoch: number) => LossFunction;
  readonly train: InMemoryDataset;
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
  readonly metrics?: Readonly<Record<string, MetricFunction>>;
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
   * see `combineShards`. `workers` defaults to the number of cores minus one. Pass `{ pool }` instead to reuse a
   * {@link GradientWorkerPool} started for the same training data set across several `train()` calls (the caller
   * closes it); otherwise the pool lives for this call.
   */
  readonly parallel?: { readonly replica: ReplicaSpec; readonly workers?: number } | { readonly pool: GradientWorkerPool };
}

/** Loss and metrics of {@link evaluate}. */
export interface EvaluationResult {
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  readonly loss: LossFunction;
  readonly metrics?: Readonly<Record<string, MetricFunction>>;
  readonly batchSize: number;
}

/** Progress of the epoch in progress, carried in checkpoints so a resumed epoch reports the same mean loss. */
interface EpochProgress {
  readonly lossSum: number;
  readonly rows: number;
  readonly steps: number;
  readonly skippedSteps: number;
  readonly seconds: number;
  readonly stepSeconds: number;
  readonly learningRate: number;
}

/** Everything besides tensors that a checkpoint needs to continue a run exactly. */
export interface TrainerState {
  readonly kind: 'counterweight-trainer';
  readonly run: {
    readonly seed: number;
    readonly batchSize: number;
    readonly trainRows: number;
    readonly dropRemainder: boolean;
    readonly shuffle: boolean;
  };
  /** 0-based epoch in progress (equals the number of finished epochs at an epoch boundary). */
  readonly epoch: number;
  /** Steps completed in `epoch`. */
  readonly stepInEpoch: number;
  readonly globalStep: number;
  readonly random: RandomState;
  readonly earlyStopping?: EarlyStoppingState;
  readonly schedule?: { readonly config: LrScheduleConfig; readonly position: SchedulePosition };
  readonly history: readonly EpochRecord[];
  readonly progress: EpochProgress;
  readonly stoppedEarly: boolean;
}

const EMPTY_PROGRESS: EpochProgress = {
  lossSum: 0,
  rows: 0,
  steps: 0,
  skippedSteps: 0,
  seconds: 0,
  stepSeconds: 0,
  learningRate: Number.NaN,
};

// JSON has no NaN/Infinity; the trainer state keeps them (e.g. a NaN validation loss) exactly through a checkpoint.
type JsonSafe = null | boolean | number | string | { $number: string } | JsonSafe[] | { [key: string]: JsonSafe };

function toJsonSafe(value: unknown): JsonSafe {
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toJsonSafe(v)]),
    );
  }
  throw new TypeError(`cannot store a ${typeof value} in a checkpoint`);
}

function fromJsonSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonSafe);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && typeof record['$number'] === 'string') return Number(record['$number']);
    return Object.fromEntries(keys.map((k) => [k, fromJsonSafe(record[k])]));
  }
  return value;
}

function checkPositiveInteger(value: number | undefined, argument: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new TrainingError(argument, `must be a positive integer, got ${value}`);
  }
}

function targetsTensor(dataset: InMemoryDataset): tf.Tensor {
  const { values, shape } = dataset.targets;
  return tf.tensor(values, [dataset.size, ...shape], values instanceof Int32Array ? 'int32' : 'float32');
}

function checkScalar(value: tf.Tensor, argument: string): tf.Scalar {
  if (value.rank !== 0) {
    throw new TrainingError(argument, `must return a scalar, got shape [${value.shape.join(', ')}]; reduce it (e.g. tf.mean)`);
  }
  return value as tf.Scalar;
}

/**
 * Evaluates a model on a data set: predictions are computed batch by batch (inference mode), then the loss and every
 * metric are computed once over all rows, so they are exact for any reduction (including non-decomposable metrics
 * such as AUC). Leaves no tensors behind.
 */
export async function evaluate(
  model: TrainableModel,
  dataset: InMemoryDataset,
  options: EvaluateOptions,
): Promise<EvaluationResult> {
  const parts: tf.Tensor[] = [];
  let predictions: tf.Tensor | undefined;
  let targets: tf.Tensor | undefined;
  let weights: tf.Tensor1D | undefined;
  try {
    for (const batch of dataset.batches({ batchSize: options.batchSize })) {
      try {
        parts.push(tf.tidy(() => model.predict(batch.inputs, { training: false })));
      } finally {
        disposeBatch(batch);
      }
    }
    predictions = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    targets = targetsTensor(dataset);
    weights = dataset.weights === undefined ? undefined : tf.tensor1d(dataset.weights, 'float32');
    const [p, t, w] = [predictions as tf.Tensor, targets, weights];
    const lossTensor = tf.tidy(() => checkScalar(options.loss(t, p, w), 'loss'));
    const loss = (await lossTensor.data())[0] as number;
    lossTensor.dispose();
    const metrics: Record<string, number> = {};
    for (const [name, metric] of Object.entries(options.metrics ?? {})) {
      const value = tf.tidy(() => metric(t, p, w));
      if (typeof value !== 'number') throw new TrainingError(`metrics.${name}`, 'must return a number');
      metrics[name] = value;
    }
    return { loss, metrics };
  } finally {
    tf.dispose([...parts, ...(predictions === undefined || parts.includes(predictions) ? [] : [predictions])]);
    tf.dispose([...(targets === undefined ? [] : [targets]), ...(weights === undefined ? [] : [weights])]);
  }
}

function validateOptions(options: TrainOptions): void {
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
  const trainable = options.model.trainableVariables;
  if (trainable.length === 0) throw new TrainingError('model', 'has no trainable variables');
  const listed = new Set(options.model.variables.map((v) => v.variable));
  for (const variable of trainable) {
    if (!listed.has(variable)) {
      throw new TrainingError('model', `trainable variable "${variable.name}" is missing from model.variables`);
    }
  }
}

function checkRadius(value: number, argument: string, where = ''): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TrainingError(argument, `must be a finite number >= 0${where}, got ${String(value)}`);
  }
  return value;
}

function validateWeightPerturbation(perturbation: WeightPerturbation): void {
  const kind = (perturbation as { kind?: unknown }).kind;
  if (kind !== 'sam' && kind !== 'awp') {
    throw new TrainingError('weightPerturbation.kind', `must be "sam" or "awp", got "${String(kind)}"`);
  }
  const [key, radius] = perturbation.kind === 'sam' ? ['rho', perturbation.rho] : ['gamma', perturbation.gamma];
  if (typeof radius === 'number') checkRadius(radius, `weightPerturbation.${key}`);
  else if (radius !== undefined && typeof radius !== 'function') {
    throw new TrainingError(`weightPerturbation.${key}`, 'must be a number or a function of { step, epoch }');
  }
  if (perturbation.kind === 'sam') {
    if (perturbation.adaptive !== undefined && typeof perturbation.adaptive !== 'boolean') {
      throw new TrainingError('weightPerturbation.adaptive', `must be a boolean, got ${String(perturbation.adaptive)}`);
    }
    if (perturbation.eta !== undefined) checkRadius(perturbation.eta, 'weightPerturbation.eta');
  } else if (perturbation.kernels !== undefined && typeof perturbation.kernels !== 'function') {
    throw new TrainingError('weightPerturbation.kernels', 'must be a function (name, variable) => boolean');
  }
}

function checkResumable(state: TrainerState, expected: TrainerState['run'], path: string): void {
  if (state.kind !== 'counterweight-trainer') throw new CheckpointError(path, 'was not written by train()');
  for (const key of Object.keys(expected) as Array<keyof TrainerState['run']>) {
    if (state.run[key] !== expected[key]) {
      throw new CheckpointError(
        path,
        `was saved with ${key} = ${String(state.run[key])} but this run has ${key} = ${String(expected[key])}; ` +
          'resume with the same settings or use a new checkpoint directory',
      );
    }
  }
}

function snapshot(model: TrainableModel): tf.Tensor[] {
  return model.variables.map((v) => tf.keep(tf.clone(v.variable)));
}

/**
 * A custom training loop for tfjs models with per-sample weights (which `LayersModel.fit` rejects), seeded shuffles,
 * learning-rate schedules, gradient clipping, early stopping and exact, crash-safe checkpoint/resume.
 *
 * Each step: `tf.variableGrads` of the loss (plus the model's regularisation) over the trainable variables (with
 * `weightPerturbation`, the gradient at SAM/AWP-perturbed weights instead), optional clipping,
 * `optimizer.applyGradients(gradients, { loss })` with the step's loss at the current weights (which the loss-aware
 * optimisers `momo` and `momo-adam` use; with `parallel` the shard-weighted mean of the shards' losses, the same
 * combination as the gradients), and every intermediate tensor disposed; the loss is read once per step. After
 * each epoch the validation set is evaluated with {@link evaluate}. With `checkpoint` and `resume`, a run killed at any
 * point continues from the newest checkpoint at the exact step inside the epoch, and ends with bitwise the same
 * weights as an uninterrupted run on the same backend.
 *
 * @throws TrainingError naming the argument for invalid options, or naming epoch and step for a NaN/Inf loss.
 * @throws CheckpointError when resuming from a checkpoint that does not match the model or the run's settings.
 */
export async function train(options: TrainOptions): Promise<TrainingHistory> {
  validateOptions(options);
  const { model, optimizer, seed, batchSize, epochs } = options;
  const data = options.train;
  const dropRemainder = options.dropRemainder ?? false;
  const shuffle = options.shuffle ?? true;
  const stepsPerEpoch = data.batchCount(batchSize, dropRemainder);
  const trainable = [...model.trainableVariables];
  const perturbation = options.weightPerturbation;
  // AWP's perturbed variables, chosen once by stable name (default: rank >= 2).
  const awpKernels = ((): tf.Variable[] | undefined => {
    if (perturbation?.kind !== 'awp') return undefined;
    const names = new Map(model.variables.map((v) => [v.variable, v.name]));
    const pick = perturbation.kernels ?? ((_name: string, variable: tf.Variable) => variable.rank >= 2);
    const kernels = trainable.filter((v) => pick(names.get(v) ?? v.name, v));
    if (kernels.length === 0) {
      throw new TrainingError(
        'weightPerturbation.kernels',
        perturbation.kernels === undefined
          ? 'selects no trainable variable: none has rank >= 2; pass kernels: (name, variable) => boolean'
          : 'selects no trainable variable',
      );
    }
    return kernels;
  })();

  const run: TrainerState['run'] = { seed, batchSize, trainRows: data.size, dropRemainder, shuffle };
  const checkpointing = options.checkpoint;
  const everyEpoch = checkpointing?.everyEpoch ?? true;
  const nonFinite = options.onNonFiniteLoss ?? 'error';
  const restoreBest = options.earlyStopping?.restoreBestWeights === true;

  let random = SeededRandom.fromSeed(seed, 'trainer');
  let earlyStopping = options.earlyStopping === undefined ? undefined : new EarlyStopping(options.earlyStopping);
  let best: tf.Tensor[] | undefined;
  let history: EpochRecord[] = [];
  let epochStart = 0;
  let stepStart = 0;
  let globalStep = 0;
  let progress: EpochProgress = EMPTY_PROGRESS;
  let stoppedEarly = false;
  let resumedFromStep: number | undefined;

  if (options.resume === true && checkpointing !== undefined && (await latestCheckpoint(checkpointing.dir)) !== undefined) {
    const loaded = await loadCheckpoint<JsonSafe>(checkpointing.dir);
    try {
      const state = fromJsonSafe(loaded.state) as TrainerState;
      checkResumable(state, run, loaded.path);
      await restoreCheckpoint(loaded, model, optimizer);
      random = SeededRandom.fromState(state.random);
      if (options.earlyStopping !== undefined) earlyStopping = new EarlyStopping(options.earlyStopping, state.earlyStopping);
      const savedBest = loaded.extra['best'];
      if (restoreBest && savedBest !== undefined) {
        assignVariables(model, savedBest, loaded.path); // validates names and shapes
        best = snapshot(model);
        assignVariables(model, loaded.variables, loaded.path);
      }
      history = [...state.history];
      epochStart = state.epoch;
      stepStart = state.stepInEpoch;
      globalStep = state.globalStep;
      progress = state.progress;
      stoppedEarly = state.stoppedEarly;
      resumedFromStep = loaded.step;
    } finally {
      loaded.dispose();
    }
  }

  const save = async (epoch: number, stepInEpoch: number): Promise<void> => {
    if (checkpointing === undefined) return;
    const state: TrainerState = {
      kind: 'counterweight-trainer',
      run,
      epoch,
      stepInEpoch,
      globalStep,
      random: random.getState(),
      ...(earlyStopping === undefined ? {} : { earlyStopping: earlyStopping.getState() }),
      ...(options.schedule === undefined
        ? {}
        : { schedule: { config: options.schedule, position: { step: globalStep, epoch } } }),
      history,
      progress,
      stoppedEarly,
    };
    const info = await saveCheckpoint({
      dir: checkpointing.dir,
      step: globalStep,
      model,
      optimizer,
      state: toJsonSafe(state),
      ...(best === undefined
        ? {}
        : { extra: { best: model.variables.map((v, i) => ({ name: v.name, tensor: best?.[i] as tf.Tensor })) } }),
      ...(checkpointing.keep === undefined ? {} : { keep: checkpointing.keep }),
    });
    await options.callbacks?.onCheckpoint?.({ globalStep, path: info.path, epoch, stepInEpoch });
  };

  let currentLoss: LossFunction = options.loss;
  const lossOf = (batchInputs: Parameters<TrainableModel['predict']>[0], targets: tf.Tensor, weights: tf.Tensor1D | undefined) =>
    (): tf.Scalar => {
      const predictions = model.predict(batchInputs, { training: true, random });
      const value = checkScalar(currentLoss(targets, predictions, weights), 'loss');
      const penalty = model.regularizationLoss?.();
      return penalty === undefined ? value : tf.add(value, penalty);
    };

  /** The perturbation radius of a step (undefined without weightPerturbation). */
  const radiusAt = (position: SchedulePosition): number | undefined => {
    if (perturbation === undefined) return undefined;
    const [key, radius, fallback] =
      perturbation.kind === 'sam' ? ['rho', perturbation.rho, 0.05] : ['gamma', perturbation.gamma, 0.01];
    if (typeof radius !== 'function') return radius ?? fallback;
    return checkRadius(radius(position), `weightPerturbation.${key}`, ` (returned at epoch ${position.epoch}, step ${position.step})`);
  };

  /** Gradients at the perturbed weights (SAM or AWP); the caller disposes every tensor. */
  const perturbedGradients = (lossFn: () => tf.Scalar, radius: number): PerturbedGradients => {
    if (perturbation?.kind === 'sam') {
      return samGradients(lossFn, trainable, {
        rho: radius,
        ...(perturbation.adaptive === undefined ? {} : { adaptive: perturbation.adaptive }),
        ...(perturbation.eta === undefined ? {} : { eta: perturbation.eta }),
      });
    }
    return awpGradients(lossFn, trainable, { gamma: radius, ...(awpKernels === undefined ? {} : { kernels: awpKernels }) });
  };

  /**
   * Loss and gradients (aligned with `trainable`; zeros for unused variables) of the given rows, on this thread; with
   * `weightPerturbation` (and a radius > 0 at `position`), the gradients at the perturbed weights.
   */
  const localGradients = async (
    rowIndices: Int32Array,
    position?: SchedulePosition,
  ): Promise<{ loss: number; perturbedLoss?: number; grads: tf.Tensor[]; rows: number }> => {
    const batch = epochData.gather(rowIndices);
    try {
      const radius = position === undefined ? undefined : radiusAt(position);
      if (radius !== undefined && radius > 0) {
        const result = perturbedGradients(lossOf(batch.inputs, batch.targets, batch.weights), radius);
        try {
          const [loss, perturbedLoss] = await Promise.all([result.loss.data(), result.perturbedLoss.data()]);
          return { loss: loss[0] as number, perturbedLoss: perturbedLoss[0] as number, grads: result.grads, rows: batch.size };
        } catch (error) {
          tf.dispose(result.grads);
          throw error;
        } finally {
          tf.dispose([result.loss, result.perturbedLoss]);
        }
      }
      const { value, grads } = tf.variableGrads(lossOf(batch.inputs, batch.targets, batch.weights), trainable);
      try {
        const loss = (await value.data())[0] as number;
        // Unused variables get zeros, keeping the optimizer's slot positions aligned.
        return { loss, grads: trainable.map((v) => grads[v.name] ?? tf.zerosLike(v)), rows: batch.size };
      } finally {
        value.dispose();
      }
    } finally {
      disposeBatch(batch);
    }
  };

  /** The rows of the epoch in progress (`trainAtEpoch`, else `train`). */
  let epochData = data;
  const parallel = options.parallel;
  const ownPool = parallel !== undefined && !('pool' in parallel);
  const pool =
    parallel === undefined
      ? undefined
      : 'pool' in parallel
        ? parallel.pool
        : await GradientWorkerPool.start({
            replica: parallel.replica,
            dataset: data,
            workers: parallel.workers ?? Math.max(1, availableParallelism() - 1),
            backend: (activeBackend()?.name ?? tf.getBackend()) as BackendName,
            model,
            seed,
          });
  if (pool !== undefined && pool.dataset !== data) {
    throw new TrainingError('parallel.pool', 'was started for another data set; start it with this `train` data set');
  }

  /** A step's loss and gradients: on this thread, or split over this thread and the worker pool. */
  const computeGradients = async (
    rowIndices: Int32Array,
    position: SchedulePosition,
  ): Promise<{ loss: number; perturbedLoss?: number; grads: tf.Tensor[]; rows: number }> => {
    if (pool === undefined) return localGradients(rowIndices, position);
    const [own = new Int32Array(0), ...shards] = splitRows(rowIndices, pool.size + 1);
    // dataSync gives the values (a fresh copy on wasm); postMessage copies them to the workers.
    const weights = trainable.map((v) => v.dataSync() as Float32Array);
    const remote = pool.computeShards(weights, shards);
    const local = await localGradients(own);
    try {
      const results = await remote;
      const combined = combineShards(
        local,
        results.map((r, k) => (r === undefined ? undefined : { ...r, rows: shards[k]?.length ?? 0 })),
        trainable,
      );
      return { ...combined, rows: rowIndices.length };
    } finally {
      tf.dispose(local.grads);
    }
  };

  try {
    for (let epoch = epochStart; epoch < epochs && !stoppedEarly; epoch += 1) {
      currentLoss = options.lossAtEpoch?.(epoch) ?? options.loss;
      if (typeof currentLoss !== 'function') throw new TrainingError('lossAtEpoch', `returned no function for epoch ${epoch}`);
      if (options.trainAtEpoch !== undefined) {
        const next = await options.trainAtEpoch(epoch);
        if (!(next instanceof InMemoryDataset) || next.size !== data.size) {
          throw new TrainingError(
            'trainAtEpoch',
            `must return an InMemoryDataset of ${data.size} rows (as \`train\`) for epoch ${epoch}, got ${next instanceof InMemoryDataset ? `${next.size} rows` : typeof next}`,
          );
        }
        epochData = next;
      }
      const resumingThisEpoch = epoch === epochStart && stepStart > 0;
      if (!resumingThisEpoch) progress = EMPTY_PROGRESS;
      const order = data.epochOrder(shuffle ? seed : undefined, epoch);
      const bar = createProgress({
        total: stepsPerEpoch,
        label: `epoch ${epoch + 1}/${epochs}`,
        ...(options.progress?.quiet === undefined ? {} : { quiet: options.progress.quiet }),
        ...(options.progress?.stream === undefined ? {} : { stream: options.progress.stream }),
      });
      const epochStarted = performance.now();
      const firstStep = resumingThisEpoch ? stepStart : 0;
      if (firstStep > 0) bar.tick(firstStep);
      let { lossSum, rows, steps, skippedSteps, stepSeconds, learningRate } = progress;
      const secondsBefore = progress.seconds;
      try {
        for (let step = firstStep; step < stepsPerEpoch; step += 1) {
          const stepStarted = performance.now();
          learningRate =
            options.schedule === undefined
              ? optimizer.learningRate
              : learningRateAt(options.schedule, { step: globalStep, epoch });
          optimizer.setLearningRate(learningRate);
          const stepGradients = await computeGradients(InMemoryDataset.batchRows(order, step, batchSize), {
            step: globalStep,
            epoch,
          });
          const lossValue = stepGradients.loss;
          const perturbedLoss = stepGradients.perturbedLoss;
          let skipped = false;
          try {
            if (!Number.isFinite(lossValue) || (perturbedLoss !== undefined && !Number.isFinite(perturbedLoss))) {
              if (nonFinite === 'error') {
                const what = Number.isFinite(lossValue)
                  ? `is ${lossValue}, but the loss at the perturbed weights (weightPerturbation "${perturbation?.kind}") is ${perturbedLoss}`
                  : `is ${lossValue}`;
                throw new TrainingError(
                  'loss',
                  `${what} at epoch ${epoch + 1}/${epochs}, step ${step + 1}/${stepsPerEpoch} ` +
                    `(global step ${globalStep + 1}); lower the learning rate${perturbedLoss === undefined ? '' : ' or the perturbation radius'}, clip gradients, check the data ` +
                    `for NaN/Inf, or pass onNonFiniteLoss: 'skip'`,
                );
              }
              skipped = true;
            } else {
              const raw = stepGradients.grads;
              const clipped = options.clip === undefined ? raw : clipGradients(raw, options.clip);
              try {
                // The loss at the current weights w, from the same pass(es) as the gradients: the local batch, the
                // shard-weighted mean over the workers (parallel), or the first pass at w (weightPerturbation, whose
                // gradient is taken at w + ε). Loss-aware optimisers (momo, momo-adam) need it; the others ignore it.
                optimizer.applyGradients(
                  trainable.map((variable, i) => ({ variable, gradient: clipped[i] as tf.Tensor })),
                  { loss: lossValue },
                );
              } finally {
                if (clipped !== raw) tf.dispose(clipped);
              }
            }
          } finally {
            tf.dispose(stepGradients.grads);
          }
          globalStep += 1;
          steps += 1;
          if (skipped) skippedSteps += 1;
          else {
            lossSum += lossValue * stepGradients.rows;
            rows += stepGradients.rows;
          }
          stepSeconds += (performance.now() - stepStarted) / 1000;
          progress = {
            lossSum,
            rows,
            steps,
            skippedSteps,
            stepSeconds,
            learningRate,
            seconds: secondsBefore + (performance.now() - epochStarted) / 1000,
          };
          bar.tick(1, { loss: rows > 0 ? lossSum / rows : Number.NaN, lr: learningRate });
          await options.callbacks?.onStepEnd?.({
            epoch,
            step,
            stepsPerEpoch,
            globalStep,
            loss: lossValue,
            ...(perturbedLoss === undefined ? {} : { perturbedLoss }),
            learningRate,
            skipped,
          });
          const endOfEpoch = step + 1 === stepsPerEpoch;
          const everySteps = checkpointing?.everySteps;
          if (everySteps !== undefined && globalStep % everySteps === 0 && !(endOfEpoch && everyEpoch)) {
            await save(epoch, step + 1);
          }
        }
      } finally {
        bar.stop();
      }
      await options.callbacks?.onTrainPhaseEnd?.({ epoch, globalStep });

      const validation =
        options.validation === undefined
          ? undefined
          : await evaluate(model, options.validation, {
              loss: currentLoss,
              batchSize: options.validationBatchSize ?? batchSize,
              ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
            });
      const record: EpochRecord = {
        epoch,
        loss: rows > 0 ? lossSum / rows : Number.NaN,
        ...(validation === undefined ? {} : { validationLoss: validation.loss }),
        metrics: validation?.metrics ?? {},
        learningRate,
        seconds: secondsBefore + (performance.now() - epochStarted) / 1000,
        samplesPerSecond: stepSeconds > 0 ? rows / stepSeconds : Number.NaN,
        steps,
        skippedSteps,
      };
      history = [...history, record];
      if (earlyStopping !== undefined) {
        const decision = earlyStopping.update(epoch, {
          loss: record.loss,
          ...(record.validationLoss === undefined ? {} : { validationLoss: record.validationLoss }),
          ...record.metrics,
        });
        if (decision.improved && restoreBest) {
          if (best !== undefined) tf.dispose(best);
          best = snapshot(model);
        }
        stoppedEarly = decision.stop;
      }
      progress = EMPTY_PROGRESS;
      await options.callbacks?.onEpochEnd?.(record);
      if (everyEpoch) await save(epoch + 1, 0);
    }

    if (restoreBest && best !== undefined && earlyStopping !== undefined && earlyStopping.bestEpoch !== history.length - 1) {
      const tensors = best;
      model.variables.forEach((v, i) => v.variable.assign(tensors[i] as tf.Tensor));
    }
  } finally {
    if (best !== undefined) tf.dispose(best);
    if (ownPool) await pool?.close();
  }

  return {
    epochs: history,
    globalStep,
    stoppedEarly,
    ...(earlyStopping === undefined ? {} : { bestEpoch: earlyStopping.bestEpoch }),
    ...(resumedFromStep === undefined ? {} : { resumedFromStep }),
  };
}
