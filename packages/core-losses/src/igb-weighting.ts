import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { BaseTaskWeighter, taskNumbers, type TaskWeighterOptions, type TaskWeightingMethod } from './task-weighting.js';

/** Options of {@link ImprovableGapWeighter}. */
export interface ImprovableGapWeighterOptions extends TaskWeighterOptions {
  /**
   * The 0-based epoch whose mean training task losses become the base losses (set once, at the end of that epoch,
   * by {@link ImprovableGapWeighter.onEpochEnd}). Default 1 — the second epoch — as `--base_epoch` in
   * YanqiDai/IGB4MTL (`experiments/utils.py`, lines 90–95).
   */
  readonly baseEpoch?: number;
  /** Base losses to start from instead (length T, positive); then no epoch is averaged. */
  readonly baseLosses?: readonly number[];
}

/**
 * Improvable gap balancing, heuristic version IGBv1 (Dai, Fei & Lu, UAI 2023), as coded in YanqiDai/IGB4MTL
 * (`methods/loss_weight_methods.py`, class `ImprovableGapBalancing_v1`, lines 254–270; base losses set in
 * `experiments/nyuv2/trainer.py`, lines 194–197):
 *
 *     before base losses exist:   w_t = 1
 *     afterwards:                 w = K · softmax(L(t) / L_base)     (L(t) detached, temperature 1, Σ w = K)
 *     total = Σ_t w_t · ln L_t(t)
 *
 * `L_base` is the mean training loss of each task over epoch `baseEpoch` (default 1), taken once; `L(t)/L_base` is the
 * share of the gap still to close, so tasks that improved least get the most weight. The weights are constants for
 * the gradient (detached), and they multiply the **log**-losses (the scale-invariant scalarisation), as in the
 * reference; before the base epoch the total is the plain `Σ ln L_t` ("SI" baseline). Reports `w` (the weight on
 * `ln L_t`; the effective factor on `L_t` is `w_t / L_t`).
 *
 * Shapes: task losses `[T]`, each > 0 → scalar. No variables. K = T.
 * @throws LossArgumentError for a non-positive task loss (its log is undefined), a bad `baseEpoch` or `baseLosses`.
 */
export class ImprovableGapWeighter extends BaseTaskWeighter {
  readonly method: TaskWeightingMethod = 'igb';
  readonly baseEpoch: number;
  private base: number[] | undefined;
  private epochSums: number[];
  private epochSteps = 0;

  constructor(options: ImprovableGapWeighterOptions) {
    super(options, 'ImprovableGapWeighter');
    const baseEpoch = options.baseEpoch ?? 1;
    if (!Number.isInteger(baseEpoch) || baseEpoch < 0) {
      throw new LossArgumentError(this.weighterName, 'options.baseEpoch', `must be an integer >= 0, got ${String(baseEpoch)}`);
    }
    this.baseEpoch = baseEpoch;
    this.base = options.baseLosses === undefined ? undefined : this.checkBase(options.baseLosses, 'options.baseLosses');
    this.epochSums = new Array<number>(this.taskNames.length).fill(0);
  }

  /** The base losses, once set (undefined before). */
  get baseLosses(): readonly number[] | undefined {
    return this.base === undefined ? undefined : [...this.base];
  }

  /** Sets the base losses explicitly (length T, positive), e.g. from a resumed run. */
  setBaseLosses(values: readonly number[]): void {
    this.assertUsable();
    this.base = this.checkBase(values, 'values');
  }

  /** At the end of epoch `baseEpoch`, the mean task losses of that epoch's steps become the base losses. */
  override onEpochEnd(epoch: number): void {
    super.onEpochEnd(epoch);
    if (epoch === this.baseEpoch && this.base === undefined && this.epochSteps > 0) {
      this.base = this.epochSums.map((sum) => sum / this.epochSteps);
    }
    this.epochSums.fill(0);
    this.epochSteps = 0;
  }

  protected weigh(losses: tf.Tensor1D, values: readonly number[]): { total: tf.Scalar; weights: number[] } {
    values.forEach((v, t) => {
      if (!(v > 0)) {
        throw new LossArgumentError(this.weighterName, 'taskLosses', `must be > 0 (IGB weighs log-losses), got ${v} for task '${this.taskNames[t] ?? t}'`);
      }
    });
    values.forEach((v, t) => {
      this.epochSums[t] = (this.epochSums[t] ?? 0) + v;
    });
    this.epochSteps += 1;
    const weights = this.weightsFor(values);
    return { total: tf.sum<tf.Scalar>(tf.mul(tf.tensor1d(weights), tf.log(losses))), weights };
  }

  protected currentWeights(): number[] {
    return new Array<number>(this.taskNames.length).fill(1);
  }

  /** `K·softmax(L/L_base)` in float64 (the weights are constants for the gradient). */
  private weightsFor(values: readonly number[]): number[] {
    const base = this.base;
    if (base === undefined) return this.currentWeights();
    const ratios = values.map((v, t) => v / (base[t] ?? 1));
    const max = Math.max(...ratios);
    const exps = ratios.map((r) => Math.exp(r - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => (values.length * e) / sum);
  }

  private checkBase(values: readonly number[], argument: string): number[] {
    return taskNumbers(values, 1, this.taskNames.length, argument, this.weighterName, true);
  }
}
