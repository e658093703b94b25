import { TrainingError } from '../errors.js';

/** When to stop training because a monitored value stopped improving. */
export interface EarlyStoppingConfig {
  /** Name of the monitored value in an epoch's values: `loss`, `validationLoss`, or a validation metric's name. */
  readonly metric: string;
  /** Whether smaller (`min`, default) or larger (`max`) is better. */
  readonly mode?: 'min' | 'max';
  /** Stop after this many epochs in a row without improvement (integer >= 1, default 1). */
  readonly patience?: number;
  /** An improvement must beat the best value by more than this (default 0). */
  readonly minDelta?: number;
  /** At the end of training, put back the variables of the best epoch (default false). */
  readonly restoreBestWeights?: boolean;
}

/** Serialisable state of an {@link EarlyStopping}; saved in checkpoints. */
export interface EarlyStoppingState {
  /** Best value so far (`null` before the first finite value: JSON has no Infinity). */
  readonly best: number | null;
  /** 0-based epoch of the best value, or -1. */
  readonly bestEpoch: number;
  /** Consecutive epochs without improvement. */
  readonly wait: number;
  /** Whether a stop was requested. */
  readonly stopped: boolean;
}

/** What {@link EarlyStopping.update} decided for one epoch. */
export interface EarlyStoppingDecision {
  readonly improved: boolean;
  readonly stop: boolean;
}

/** Checks a config; throws a TrainingError naming the field. */
export function validateEarlyStopping(config: EarlyStoppingConfig): void {
  if (typeof config.metric !== 'string' || config.metric === '') {
    throw new TrainingError('earlyStopping.metric', 'must name a value (loss, validationLoss or a metric)');
  }
  if (config.mode !== undefined && config.mode !== 'min' && config.mode !== 'max') {
    throw new TrainingError('earlyStopping.mode', `must be "min" or "max", got "${String(config.mode)}"`);
  }
  const patience = config.patience ?? 1;
  if (!Number.isInteger(patience) || patience < 1) {
    throw new TrainingError('earlyStopping.patience', `must be an integer >= 1, got ${patience}`);
  }
  const minDelta = config.minDelta ?? 0;
  if (!(Number.isFinite(minDelta) && minDelta >= 0)) {
    throw new TrainingError('earlyStopping.minDelta', `must be a finite number >= 0, got ${minDelta}`);
  }
}

/**
 * Early stopping on one monitored value (as Keras' `EarlyStopping`): an epoch improves when its value beats the best
 * by more than `minDelta` in the configured direction; after `patience` epochs in a row without improvement
 * {@link EarlyStopping.update} asks to stop. NaN never improves. Holds no tensors: the trainer keeps the best weights.
 */
export class EarlyStopping {
  readonly config: EarlyStoppingConfig;
  private best: number | null;
  private bestEpochIndex: number;
  private wait: number;
  private stopped: boolean;

  constructor(config: EarlyStoppingConfig, state?: EarlyStoppingState) {
    validateEarlyStopping(config);
    this.config = config;
    this.best = state?.best ?? null;
    this.bestEpochIndex = state?.bestEpoch ?? -1;
    this.wait = state?.wait ?? 0;
    this.stopped = state?.stopped ?? false;
  }

  /** Best value so far, or undefined. */
  get bestValue(): number | undefined {
    return this.best ?? undefined;
  }

  /** 0-based epoch of the best value, or -1. */
  get bestEpoch(): number {
    return this.bestEpochIndex;
  }

  /** Whether a stop has been requested. */
  get shouldStop(): boolean {
    return this.stopped;
  }

  /**
   * Records the monitored value of a finished epoch.
   * @param values the epoch's values by name; must contain `config.metric`.
   * @throws TrainingError naming `earlyStopping.metric` (and listing the available names) when it is missing.
   */
  update(epoch: number, values: Readonly<Record<string, number>>): EarlyStoppingDecision {
    const value = values[this.config.metric];
    if (value === undefined) {
      throw new TrainingError(
        'earlyStopping.metric',
        `"${this.config.metric}" is not among this epoch's values (${Object.keys(values).join(', ')})`,
      );
    }
    const minDelta = this.config.minDelta ?? 0;
    const better =
      Number.isFinite(value) &&
      (this.best === null ||
        ((this.config.mode ?? 'min') === 'min' ? value < this.best - minDelta : value > this.best + minDelta));
    if (better) {
      this.best = value;
      this.bestEpochIndex = epoch;
      this.wait = 0;
    } else {
      this.wait += 1;
      if (this.wait >= (this.config.patience ?? 1)) this.stopped = true;
    }
    return { improved: better, stop: this.stopped };
  }

  /** A JSON-safe copy of the state. */
  getState(): EarlyStoppingState {
    return { best: this.best, bestEpoch: this.bestEpochIndex, wait: this.wait, stopped: this.stopped };
  }
}
