import type { Md4ScheduleOptions, NumberTokenLossVariant } from '@counterweight/core-losses';

import type { WeightRecorder } from './weight-recorder.js';

/**
 * Options of {@link createObjective}, one flat record for every method of a comparison: each objective reads the
 * fields it uses and ignores the others (so one record can serve a whole `compare` run). Every field is checked when
 * the objective that reads it is built; a bad value raises a `ConfigError` naming `options.<field>`.
 */
export interface ObjectiveOptions {
  /** The tokenizer's vocabulary size V: when given, the NTL objectives check their digit ids lie in [0, V). */
  readonly vocabularySize?: number;
  /**
   * Reweighting (`linupper`, `quadratic`, `extremes`): temperature r > 0 of `softmax(f(h)/r)`. Default per method:
   * 1 for `quadratic` (`ours_nodr`), 0.4 for `linupper` and `extremes` (the larger configs; papers-llm.md §1).
   */
  readonly temperature?: number;
  /**
   * Reweighting: steps of plain averaging before reweighting starts (integer ≥ 0). Default 0; the reference trainer
   * uses 1000 of its 20,000 steps (`burnout_steps`), so a run of the same shape would pass 5 % of its steps.
   */
  readonly warmupSteps?: number;
  /**
   * Reweighting: the recorder of weights and losses for the report (exposed as `objective.recorder`). Default: a new
   * `WeightRecorder` sampling every 10th step (an extra cross-entropy pass and a `[B]` read-back on those steps only).
   */
  readonly recorder?: WeightRecorder;
  /** `ntl-was`, `ntl-mse`: the tokenizer's `digitTokenIds` (required; `digitTokenIds[d]` = id of digit d). */
  readonly digitTokenIds?: readonly number[] | null;
  /** `ntl-was`, `ntl-mse`: weight λ ≥ 0 of the number token loss in `CE + λ·NTL`. Default 0.3. */
  readonly lambda?: number;
  /** `z-loss`: sharpness a > 0 of the softplus. Default 1. */
  readonly a?: number;
  /** `z-loss`: offset b (standard deviations). Default 0. */
  readonly b?: number;
  /** `log-partition`: coefficient c ≥ 0 of `c·(log Z)²`. Default 1e-4 (PaLM). */
  readonly coef?: number;
  /** `md4`: the masking schedule (default linear, ε = 1e-4). Only the data (md4-batch) uses it; listed for the report. */
  readonly schedule?: Md4ScheduleOptions;
}

/** The NTL variant of each NTL method name. */
export const NTL_VARIANTS: Readonly<Record<'ntl-was' | 'ntl-mse', NumberTokenLossVariant>> = { 'ntl-was': 'was', 'ntl-mse': 'mse' };
