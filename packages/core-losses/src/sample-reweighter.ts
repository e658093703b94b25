import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { sampleReweightedLoss, sampleReweightedParts, type SampleReweightedLossOptions } from './sample-reweighting.js';
import type { TensorInput } from './validation.js';

const NAME = 'SampleReweighter';

/** Options of {@link SampleReweighter}: those of {@link sampleReweightedLoss} plus the warm-up. */
export interface SampleReweighterOptions extends Omit<SampleReweightedLossOptions, 'mask' | 'weights'> {
  /** Steps of plain averaging (strategy `uniform`) before reweighting starts. Default 1000 (`burnout_steps`). */
  readonly warmupSteps?: number;
}

/** How spread out one step's weights are (weights sum to 1 over the B active sequences; uniform = 1/B each). */
export interface SampleWeightSpread {
  readonly min: number;
  readonly max: number;
  /** max / min over the active sequences: at most `e^{1/r}`; 1 when uniform. */
  readonly maxOverMin: number;
  /** Population standard deviation of the weights of the active sequences. */
  readonly std: number;
  /** Kish's effective sample size `1 / Σ w²`: B when uniform, 1 when one sequence takes everything. */
  readonly effectiveSampleSize: number;
}

/** What the reweighter did at its last step. */
export interface SampleReweightingReport {
  /** Number of {@link SampleReweighter.loss} calls so far. */
  readonly step: number;
  /** Whether the last step reweighted (false during warm-up and before the first step). */
  readonly reweighted: boolean;
  /** Per-sequence losses `l_i` of the last step. */
  readonly losses: readonly number[];
  /** The weights `w_i` of the last step (Σ = 1; 0 for a sequence without tokens). */
  readonly weights: readonly number[];
  readonly spread: SampleWeightSpread;
}

/** Spread statistics of weights over the active sequences (internal, exported for tests). */
export function weightSpread(weights: readonly number[], active: readonly boolean[]): SampleWeightSpread {
  const kept = weights.filter((_, i) => active[i] === true);
  if (kept.length === 0) return { min: Number.NaN, max: Number.NaN, maxOverMin: Number.NaN, std: Number.NaN, effectiveSampleSize: 0 };
  const min = Math.min(...kept);
  const max = Math.max(...kept);
  const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
  const std = Math.sqrt(kept.reduce((a, w) => a + (w - mean) ** 2, 0) / kept.length);
  const squares = kept.reduce((a, w) => a + w * w, 0);
  return { min, max, maxOverMin: max / min, std, effectiveSampleSize: squares > 0 ? 1 / squares : 0 };
}

/**
 * One training run of loss-based sample reweighting (Sow et al., ICLR 2025): counts steps, averages plainly for the
 * first `warmupSteps` steps (the reference trainer's `burnout_steps`, default 1000), then reweights with the
 * configured strategy and temperature, and reports the weights and their spread after every step.
 *
 *     const reweighter = new SampleReweighter({ strategy: 'linUpper', temperature: 0.4 });
 *     const loss = () => reweighter.loss(targets, model(inputs), { mask });   // inside the gradient closure
 *     optimizer.minimize(loss);
 *     log(reweighter.report().spread);
 *
 * Each call reads the `[B]` losses and weights back (one small sync) to record the report. The returned loss is
 * {@link sampleReweightedLoss} (same options); the weights carry no gradient.
 */
export class SampleReweighter {
  private readonly options: SampleReweightedLossOptions;
  readonly warmupSteps: number;
  private step = 0;
  private last: SampleReweightingReport = {
    step: 0,
    reweighted: false,
    losses: [],
    weights: [],
    spread: weightSpread([], []),
  };

  constructor(options: SampleReweighterOptions = {}) {
    const { warmupSteps = 1000, ...rest } = options;
    if (!Number.isInteger(warmupSteps) || warmupSteps < 0) {
      throw new LossArgumentError(NAME, 'options.warmupSteps', `must be an integer >= 0, got ${String(warmupSteps)}`);
    }
    // Checks every other option once, on a batch of one two-token sequence, so a bad option fails at construction.
    tf.tidy(() => void sampleReweightedLoss([[0, 0]], [[[0, 0], [0, 0]]], rest));
    this.options = rest;
    this.warmupSteps = warmupSteps;
  }

  /** Whether the next call reweights (the warm-up is over). */
  get reweighting(): boolean {
    return this.step >= this.warmupSteps;
  }

  /**
   * The step's loss (a scalar): {@link sampleReweightedLoss} with strategy `uniform` during warm-up. `mask` `[B, T]`
   * (token mask) and `weights` `[B]` are per batch. Records the report, then advances the step.
   */
  loss(targets: TensorInput, logits: TensorInput, batch: { readonly mask?: TensorInput; readonly weights?: TensorInput } = {}): tf.Scalar {
    const reweighted = this.reweighting;
    const options: SampleReweightedLossOptions = {
      ...this.options,
      ...(reweighted ? {} : { strategy: 'uniform' as const }),
      ...(batch.mask === undefined ? {} : { mask: batch.mask }),
      ...(batch.weights === undefined ? {} : { weights: batch.weights }),
    };
    let read: { losses: number[]; weights: number[]; tokens: number[] } = { losses: [], weights: [], tokens: [] };
    const value = tf.tidy(() => {
      const parts = sampleReweightedParts(targets, logits, options, NAME);
      read = { losses: Array.from(parts.losses.dataSync()), weights: Array.from(parts.weights.dataSync()), tokens: Array.from(parts.tokens.dataSync()) };
      return parts.loss as tf.Scalar;
    });
    const { losses, weights, tokens } = read;
    this.step += 1;
    this.last = { step: this.step, reweighted, losses, weights, spread: weightSpread(weights, tokens.map((n) => n > 0)) };
    return value;
  }

  /** Weights, losses and spread of the last step. */
  report(): SampleReweightingReport {
    return { ...this.last, losses: [...this.last.losses], weights: [...this.last.weights], spread: { ...this.last.spread } };
  }
}
