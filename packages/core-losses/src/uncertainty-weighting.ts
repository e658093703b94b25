import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { BaseTaskWeighter, taskNumbers, type TaskWeighterOptions, type TaskWeightingMethod } from './task-weighting.js';
import { assertFinite, toFloatTensor, type TensorInput } from './validation.js';

const LOSS = 'uncertaintyWeightedLoss';

/**
 * The three forms of uncertainty weighting in use, with `s_t = ln σ_t²` (learned) and task loss `L_t`:
 *
 * | variant | term of task t | stationary point |
 * |---|---|---|
 * | `kendallEq7` (default) | regression `½e^{−s}L + ½s`, classification `e^{−s}L + ½s` (Kendall et al. 2018, eq. 7) | `e^{s} = L` (regression), `2L` (classification) |
 * | `plain` | `e^{−s}L + s` (common re-implementations) | `e^{s} = L` |
 * | `galCriterion` | `e^{−s}L + D_t·s`, `D_t` = output dimensions of the task (Gal's example notebook) | `e^{s} = L/D_t` |
 *
 * `kendallEq7` with every task a regression is the `Uncertainty` method of YanqiDai/IGB4MTL
 * (`methods/loss_weight_methods.py`, line 67: `losses / (2·e^{s}) + s/2`). `galCriterion` is the `criterion` of
 * yaringal/multi-task-learning-example (PyTorch notebook), which sums `e^{−s}(ŷ − y)² + s` over every output
 * dimension and averages over the batch: pass `L_t = mean_b Σ_d (ŷ − y)²` and `taskDims`.
 */
export type UncertaintyVariant = 'kendallEq7' | 'plain' | 'galCriterion';

/** Every {@link UncertaintyVariant}, for validation and CLIs. */
export const UNCERTAINTY_VARIANTS: readonly UncertaintyVariant[] = ['kendallEq7', 'plain', 'galCriterion'];

/** The likelihood a task's loss comes from, for `kendallEq7`. */
export type UncertaintyTaskKind = 'regression' | 'classification';

/** Options of {@link uncertaintyWeightedLoss} (and of {@link UncertaintyTaskWeighter}). */
export interface UncertaintyOptions {
  /** See {@link UncertaintyVariant}. Default `kendallEq7`. */
  readonly variant?: UncertaintyVariant;
  /** Per task, for `kendallEq7`: `regression` (Gaussian, ½ factor) or `classification` (softmax). Default all `regression`. */
  readonly taskKinds?: readonly UncertaintyTaskKind[];
  /** Per task, for `galCriterion`: the number of output dimensions D_t ≥ 1 (how often `s_t` is added). Default all 1. */
  readonly taskDims?: readonly number[];
  /** Check the losses and log-variances for NaN/Inf (reads values; default true). */
  readonly validate?: boolean;
}

/** Per-task factors `c_t` (on `e^{−s}L`) and `r_t` (on `s`) of a variant (internal). */
export function uncertaintyFactors(numTasks: number, options: UncertaintyOptions, loss: string): { c: number[]; r: number[] } {
  const variant = options.variant ?? 'kendallEq7';
  if (!UNCERTAINTY_VARIANTS.includes(variant)) {
    throw new LossArgumentError(loss, 'options.variant', `must be one of ${UNCERTAINTY_VARIANTS.map((v) => `'${v}'`).join(', ')}, got '${String(variant)}'`);
  }
  if (options.taskKinds !== undefined && variant !== 'kendallEq7') {
    throw new LossArgumentError(loss, 'options.taskKinds', `only applies to variant 'kendallEq7', not '${variant}'`);
  }
  if (options.taskDims !== undefined && variant !== 'galCriterion') {
    throw new LossArgumentError(loss, 'options.taskDims', `only applies to variant 'galCriterion', not '${variant}'`);
  }
  if (variant === 'plain') return { c: new Array<number>(numTasks).fill(1), r: new Array<number>(numTasks).fill(1) };
  if (variant === 'galCriterion') {
    const dims = taskNumbers(options.taskDims, 1, numTasks, 'options.taskDims', loss, true);
    dims.forEach((d, t) => {
      if (!Number.isInteger(d)) throw new LossArgumentError(loss, 'options.taskDims', `must hold integers >= 1, got ${d} for task ${t}`);
    });
    return { c: new Array<number>(numTasks).fill(1), r: dims };
  }
  const kinds = options.taskKinds ?? new Array<UncertaintyTaskKind>(numTasks).fill('regression');
  if (!Array.isArray(kinds) || kinds.length !== numTasks) {
    throw new LossArgumentError(loss, 'options.taskKinds', `must name the kind of each of the ${numTasks} tasks`);
  }
  const c = kinds.map((kind, t) => {
    if (kind === 'regression') return 0.5;
    if (kind === 'classification') return 1;
    throw new LossArgumentError(loss, 'options.taskKinds', `must hold 'regression' or 'classification', got '${String(kind)}' for task ${t}`);
  });
  return { c, r: new Array<number>(numTasks).fill(0.5) };
}

function uncertaintyWeightedLoss_(
  taskLosses: TensorInput,
  logVariances: TensorInput,
  options: UncertaintyOptions = {},
): tf.Tensor {
  const losses = toFloatTensor(taskLosses, 'taskLosses', LOSS);
  const s = toFloatTensor(logVariances, 'logVariances', LOSS);
  if (losses.rank !== 1 || losses.shape[0] === 0) {
    throw new LossArgumentError(LOSS, 'taskLosses', `must have shape [T] (one loss per task), got [${losses.shape.join(',')}]`);
  }
  const numTasks = losses.shape[0] ?? 0;
  if (s.rank !== 1 || s.shape[0] !== numTasks) {
    throw new LossArgumentError(LOSS, 'logVariances', `must have shape [${numTasks}] (one per task), got [${s.shape.join(',')}]`);
  }
  const { c, r } = uncertaintyFactors(numTasks, options, LOSS);
  if (options.validate ?? true) {
    assertFinite(losses, 'taskLosses', LOSS);
    assertFinite(s, 'logVariances', LOSS);
  }
  const precisionTerms = tf.mul(tf.mul(tf.tensor1d(c), tf.exp(tf.neg(s))), losses);
  return tf.sum(tf.add(precisionTerms, tf.mul(tf.tensor1d(r), s)));
}

/**
 * Homoscedastic uncertainty weighting of task losses (Kendall, Gal & Cipolla, CVPR 2018), with learned log-variances
 * `s_t = ln σ_t²`:
 *
 *     total = Σ_t c_t·e^{−s_t}·L_t + r_t·s_t
 *
 * with `(c_t, r_t)` = `(½, ½)` for regression and `(1, ½)` for classification tasks (`kendallEq7`, default), `(1, 1)`
 * (`plain`) or `(1, D_t)` (`galCriterion`, Gal's notebook, which adds `s_t` once per output dimension); see
 * {@link UncertaintyVariant}. Minimising over `s_t` gives `e^{s_t} = c_t·L_t/r_t`, so the effective weight
 * `c_t·e^{−s_t}` of a task is `r_t/L_t`: tasks with larger loss scales are down-weighted.
 *
 * Shapes: `taskLosses` `[T]`, `logVariances` `[T]` → scalar (the sum over tasks; no reduction option). Differentiable
 * with respect to both. Parity: `kendall_uncertainty.json` (all three variants, values and gradients).
 *
 * @throws LossArgumentError naming the argument for mismatched shapes, NaN/Inf, an unknown variant or task kind,
 *   or options that do not belong to the variant.
 */
export const uncertaintyWeightedLoss = tf.op({ uncertaintyWeightedLoss_ });

/** Options of {@link UncertaintyTaskWeighter}. */
export interface UncertaintyTaskWeighterOptions extends TaskWeighterOptions, Omit<UncertaintyOptions, 'validate'> {
  /** Initial `s_t = ln σ_t²` (length T). Default all 0 (σ² = 1), as the reference code. */
  readonly initialLogVariances?: readonly number[];
}

/**
 * {@link uncertaintyWeightedLoss} as a {@link TaskWeighter}: owns the trainable log-variances `s` (`[T]`, one
 * `tf.Variable`, initialised to `initialLogVariances`, default 0) and reports `c_t·e^{−s_t}`, the factor on `L_t`
 * (IGB4MTL reports `e^{−s}`, without `c_t`). Give `variables` to the optimizer with the model's; the reference trains
 * them with the model's optimizer in their own parameter group (`--method_params_lr`).
 */
export class UncertaintyTaskWeighter extends BaseTaskWeighter {
  readonly method: TaskWeightingMethod = 'uncertainty';
  /** `s_t = ln σ_t²`, `[T]`. */
  readonly logVariances: tf.Variable;
  private readonly options: UncertaintyOptions;
  private readonly factors: { c: number[]; r: number[] };

  constructor(options: UncertaintyTaskWeighterOptions) {
    super(options, 'UncertaintyTaskWeighter');
    const numTasks = this.taskNames.length;
    this.options = { variant: options.variant, taskKinds: options.taskKinds, taskDims: options.taskDims };
    this.factors = uncertaintyFactors(numTasks, this.options, this.weighterName);
    const init = taskNumbers(options.initialLogVariances, 0, numTasks, 'options.initialLogVariances', this.weighterName, false);
    this.logVariances = tf.tidy(() => tf.variable(tf.tensor1d(init), true));
  }

  override get variables(): readonly tf.Variable[] {
    return [this.logVariances];
  }

  protected weigh(losses: tf.Tensor1D): { total: tf.Scalar; weights: number[] } {
    const total = uncertaintyWeightedLoss(losses, this.logVariances, { ...this.options, validate: false }) as tf.Scalar;
    return { total, weights: this.currentWeights() };
  }

  protected currentWeights(): number[] {
    const s = this.logVariances.dataSync();
    return this.factors.c.map((c, t) => c * Math.exp(-(s[t] ?? 0)));
  }
}
