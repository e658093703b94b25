import { TrainingError } from '../errors.js';

/** The same learning rate at every step. */
export interface ConstantSchedule {
  readonly kind: 'constant';
  readonly learningRate: number;
}

/** `learningRate * gamma^k`, where k is the number of milestones already reached (as PyTorch `MultiStepLR`). */
export interface StepDecaySchedule {
  readonly kind: 'step-decay';
  readonly learningRate: number;
  /** Increasing epochs (or steps, see `unit`) at which the rate is multiplied by `gamma`. */
  readonly milestones: readonly number[];
  readonly gamma: number;
  /** Whether milestones count epochs (default) or optimiser steps. */
  readonly unit?: 'epoch' | 'step';
}

/**
 * Linear warm-up to `learningRate` over `warmupSteps` steps (step `s` uses `(s + 1) / warmupSteps` of it), then a
 * half cosine down to `minLearningRate` (default 0) at `totalSteps`, constant after.
 */
export interface WarmupCosineSchedule {
  readonly kind: 'warmup-cosine';
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly totalSteps: number;
  readonly minLearningRate?: number;
}

/** Linear warm-up as in {@link WarmupCosineSchedule}, then constant. */
export interface LinearWarmupSchedule {
  readonly kind: 'linear-warmup';
  readonly learningRate: number;
  readonly warmupSteps: number;
}

/** A serialisable (plain JSON) learning-rate schedule. */
export type LrScheduleConfig = ConstantSchedule | StepDecaySchedule | WarmupCosineSchedule | LinearWarmupSchedule;

/** Where training is: `step` is the 0-based global optimiser step about to be taken, `epoch` the 0-based epoch. */
export interface SchedulePosition {
  readonly step: number;
  readonly epoch: number;
}

function checkRate(value: unknown, argument: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TrainingError(argument, `must be a finite number >= 0, got ${String(value)}`);
  }
}

function checkCount(value: unknown, argument: string, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TrainingError(argument, `must be an integer >= ${min}, got ${String(value)}`);
  }
}

/**
 * Checks a schedule config and returns it.
 * @throws TrainingError naming the field (`schedule.milestones`, `schedule.totalSteps`, ...).
 */
export function validateSchedule(config: LrScheduleConfig): LrScheduleConfig {
  checkRate(config.learningRate, 'schedule.learningRate');
  switch (config.kind) {
    case 'constant':
      break;
    case 'step-decay': {
      if (!Array.isArray(config.milestones)) throw new TrainingError('schedule.milestones', 'must be an array');
      config.milestones.forEach((m, i) => {
        checkCount(m, `schedule.milestones[${i}]`, 1);
        if (i > 0 && m <= (config.milestones[i - 1] as number)) {
          throw new TrainingError('schedule.milestones', `must be strictly increasing, got [${config.milestones.join(', ')}]`);
        }
      });
      if (!(Number.isFinite(config.gamma) && config.gamma > 0)) {
        throw new TrainingError('schedule.gamma', `must be a finite number > 0, got ${config.gamma}`);
      }
      if (config.unit !== undefined && config.unit !== 'epoch' && config.unit !== 'step') {
        throw new TrainingError('schedule.unit', `must be "epoch" or "step", got "${String(config.unit)}"`);
      }
      break;
    }
    case 'warmup-cosine':
      checkCount(config.warmupSteps, 'schedule.warmupSteps', 0);
      checkCount(config.totalSteps, 'schedule.totalSteps', 1);
      if (config.totalSteps < config.warmupSteps) {
        throw new TrainingError(
          'schedule.totalSteps',
          `(${config.totalSteps}) must be >= schedule.warmupSteps (${config.warmupSteps})`,
        );
      }
      if (config.minLearningRate !== undefined) {
        checkRate(config.minLearningRate, 'schedule.minLearningRate');
        if (config.minLearningRate > config.learningRate) {
          throw new TrainingError('schedule.minLearningRate', 'must not exceed schedule.learningRate');
        }
      }
      break;
    case 'linear-warmup':
      checkCount(config.warmupSteps, 'schedule.warmupSteps', 0);
      break;
    default:
      throw new TrainingError(
        'schedule.kind',
        `must be constant, step-decay, warmup-cosine or linear-warmup, got "${String((config as { kind: unknown }).kind)}"`,
      );
  }
  return config;
}

function warmupFactor(step: number, warmupSteps: number): number {
  return step < warmupSteps ? (step + 1) / warmupSteps : 1;
}

/**
 * The learning rate of a schedule at a position: a pure function of its arguments, so a resumed run reproduces it
 * from the saved step and epoch alone.
 */
export function learningRateAt(config: LrScheduleConfig, position: SchedulePosition): number {
  const { step, epoch } = position;
  if (!Number.isInteger(step) || step < 0) throw new TrainingError('step', `must be an integer >= 0, got ${step}`);
  if (!Number.isInteger(epoch) || epoch < 0) throw new TrainingError('epoch', `must be an integer >= 0, got ${epoch}`);
  switch (config.kind) {
    case 'constant':
      return config.learningRate;
    case 'step-decay': {
      const at = config.unit === 'step' ? step : epoch;
      const reached = config.milestones.filter((m) => at >= m).length;
      return config.learningRate * config.gamma ** reached;
    }
    case 'warmup-cosine': {
      if (step < config.warmupSteps) return config.learningRate * warmupFactor(step, config.warmupSteps);
      const min = config.minLearningRate ?? 0;
      const span = config.totalSteps - config.warmupSteps;
      const progress = span === 0 ? 1 : Math.min(1, (step - config.warmupSteps) / span);
      return min + 0.5 * (config.learningRate - min) * (1 + Math.cos(Math.PI * progress));
    }
    case 'linear-warmup':
      return config.learningRate * warmupFactor(step, config.warmupSteps);
  }
}
