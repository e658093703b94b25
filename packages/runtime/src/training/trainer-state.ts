import { CheckpointError } from '../errors.js';
import { SeededRandom, type RandomState } from '../random.js';
import { latestCheckpoint, loadCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { EarlyStoppingState } from './early-stopping.js';
import type { LrScheduleConfig, SchedulePosition } from './lr-schedule.js';
import type { TrainableModel } from './model.js';
import type { TrainingOptimizer } from './optimizers.js';
import type { CheckpointEvent, CheckpointSchedule, EpochRecord } from './train-options.js';
import type { EarlyStoppingTracker } from './validation.js';

export interface EpochProgress {
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

/** Progress of an epoch before its first step. */
export const EMPTY_PROGRESS: EpochProgress = {
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


/** What {@link TrainingState.open} needs: the run's model, optimiser and settings. */
export interface TrainingStateOptions {
  readonly model: TrainableModel;
  readonly optimizer: TrainingOptimizer;
  readonly run: TrainerState['run'];
  readonly checkpoint?: CheckpointSchedule;
  readonly resume?: boolean;
  readonly schedule?: LrScheduleConfig;
  /** Early stopping and best weights; restored from the checkpoint and saved with it. */
  readonly earlyStopping: EarlyStoppingTracker;
  readonly earlyStoppingConfig?: Parameters<EarlyStoppingTracker['restore']>[0];
}

/**
 * The state of a training run that checkpoints carry: position (epoch, step in it, global step), the generator the
 * model draws from, the history, the epoch's running totals and whether early stopping ended the run. Starts fresh or
 * from the newest checkpoint ({@link TrainingState.open}); the loop advances it with {@link stepDone} and
 * {@link epochDone} and saves it with {@link save}.
 */
export class TrainingState {
  /** The generator handed to the model as `context.random` (restored on resume). */
  readonly random: SeededRandom;
  /** Global step of the checkpoint this run resumed from, if it resumed. */
  readonly resumedFromStep: number | undefined;
  private readonly options: TrainingStateOptions;
  private readonly resumedAt: { readonly epoch: number; readonly step: number };
  private historyRecords: EpochRecord[];
  private steps: number;
  private epochProgress: EpochProgress;
  private stopped: boolean;

  private constructor(options: TrainingStateOptions, saved: TrainerState | undefined, resumedFromStep?: number) {
    this.options = options;
    this.random = saved === undefined ? SeededRandom.fromSeed(options.run.seed, 'trainer') : SeededRandom.fromState(saved.random);
    this.resumedFromStep = resumedFromStep;
    this.resumedAt = { epoch: saved?.epoch ?? 0, step: saved?.stepInEpoch ?? 0 };
    this.historyRecords = [...(saved?.history ?? [])];
    this.steps = saved?.globalStep ?? 0;
    this.epochProgress = saved?.progress ?? EMPTY_PROGRESS;
    this.stopped = saved?.stoppedEarly ?? false;
  }

  /**
   * A fresh state, or, with `resume` and a checkpoint in `checkpoint.dir`, the checkpoint's: model weights, optimiser
   * state, early stopping and best weights are restored into the objects given.
   * @throws CheckpointError when the checkpoint is damaged, was not written by train() or with other run settings; the
   *   message ends by saying which folder to delete to start the run over.
   */
  static async open(options: TrainingStateOptions): Promise<TrainingState> {
    const dir = options.checkpoint?.dir;
    if (options.resume !== true || dir === undefined) return new TrainingState(options, undefined);
    try {
      if ((await latestCheckpoint(dir)) === undefined) return new TrainingState(options, undefined);
      return await TrainingState.restore(options, dir);
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      const problem = error.message.slice(error.path.length + 2);
      throw new CheckpointError(error.path, `${problem}; to start this run over instead, delete ${dir}`, { cause: error });
    }
  }

  /** {@link open}'s resume path: the latest checkpoint in `dir`, restored into the objects of `options`. */
  private static async restore(options: TrainingStateOptions, dir: string): Promise<TrainingState> {
    const loaded = await loadCheckpoint<JsonSafe>(dir);
    try {
      const state = fromJsonSafe(loaded.state) as TrainerState;
      checkResumable(state, options.run, loaded.path);
      await restoreCheckpoint(loaded, options.model, options.optimizer);
      const resumed = new TrainingState(options, state, loaded.step);
      options.earlyStopping.restore(options.earlyStoppingConfig, {
        ...(state.earlyStopping === undefined ? {} : { state: state.earlyStopping }),
        ...(loaded.extra['best'] === undefined ? {} : { best: loaded.extra['best'] }),
        current: loaded.variables,
        path: loaded.path,
      });
      return resumed;
    } finally {
      loaded.dispose();
    }
  }

  /** Epochs finished so far (with those of earlier, resumed runs). */
  get history(): readonly EpochRecord[] {
    return this.historyRecords;
  }

  /** Optimiser steps taken in total. */
  get globalStep(): number {
    return this.steps;
  }

  /** The 0-based epoch the run starts (or continues) with. */
  get firstEpoch(): number {
    return this.resumedAt.epoch;
  }

  /** Whether early stopping ended the run. */
  get stoppedEarly(): boolean {
    return this.stopped;
  }

  /**
   * Where `epoch` starts: its first step and running totals, those of the checkpoint when the run resumes inside it.
   */
  epochStart(epoch: number): { readonly firstStep: number; readonly progress: EpochProgress } {
    if (epoch === this.resumedAt.epoch && this.resumedAt.step > 0) {
      return { firstStep: this.resumedAt.step, progress: this.epochProgress };
    }
    this.epochProgress = EMPTY_PROGRESS;
    return { firstStep: 0, progress: EMPTY_PROGRESS };
  }

  /** Counts one optimiser step (skipped or not) with the epoch's running totals after it. */
  stepDone(progress: EpochProgress): void {
    this.steps += 1;
    this.epochProgress = progress;
  }

  /** Appends a finished epoch; `stop` when early stopping ends the run. */
  epochDone(record: EpochRecord, stop: boolean): void {
    this.historyRecords = [...this.historyRecords, record];
    this.stopped = stop;
    this.epochProgress = EMPTY_PROGRESS;
  }

  /**
   * Saves a checkpoint (when checkpointing is on) at `stepInEpoch` steps into `epoch`.
   * @returns the event for `onCheckpoint`, or undefined without checkpointing.
   */
  async save(epoch: number, stepInEpoch: number): Promise<CheckpointEvent | undefined> {
    const { checkpoint, run, schedule, earlyStopping, model, optimizer } = this.options;
    if (checkpoint === undefined) return undefined;
    const stopping = earlyStopping.state;
    const state: TrainerState = {
      kind: 'counterweight-trainer',
      run,
      epoch,
      stepInEpoch,
      globalStep: this.steps,
      random: this.random.getState(),
      ...(stopping === undefined ? {} : { earlyStopping: stopping }),
      ...(schedule === undefined ? {} : { schedule: { config: schedule, position: { step: this.steps, epoch } } }),
      history: this.historyRecords,
      progress: this.epochProgress,
      stoppedEarly: this.stopped,
    };
    const best = earlyStopping.bestWeights;
    const info = await saveCheckpoint({
      dir: checkpoint.dir,
      step: this.steps,
      model,
      optimizer,
      state: toJsonSafe(state),
      ...(best === undefined ? {} : { extra: { best } }),
      ...(checkpoint.keep === undefined ? {} : { keep: checkpoint.keep }),
    });
    return { globalStep: this.steps, path: info.path, epoch, stepInEpoch };
  }
}

/** Checks that a checkpoint's state was written by train() with the same run settings. */
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

