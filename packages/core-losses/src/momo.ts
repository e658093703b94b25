import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import {
  MomoBase,
  checkBeta,
  ema,
  resolveCommonOptions,
  sumAll,
  type MomoGradient,
  type MomoMoments,
} from './momo-common.js';

export { MOMO_GLOBAL_STATE, type MomoGradient, type MomoStateTensor } from './momo-common.js';

const NAME = 'Momo';

/** Options of {@link Momo}; every default is the reference's (`fabian-sp/MoMo`, `momo/momo.py`). */
export interface MomoOptions {
  /** α: the cap of the step size, τ_k ≤ α/ρ_k. Default 1 (the reference recommends 1 with a constant schedule). */
  readonly learningRate?: number;
  /** β ∈ [0, 1) of the moving averages (weight 1 − β on the new value). Default 0.9. */
  readonly beta?: number;
  /** λ ≥ 0, applied proximally: x ← (x − τ·d) / (1 + αλ). Default 0. */
  readonly weightDecay?: number;
  /** f*: a lower bound of the loss (with `adaptLowerBound`, the floor of the estimate). Default 0. */
  readonly lowerBound?: number;
  /**
   * Averages start at zero with ρ_k = 1 − β^k (reference `bias_correction=True`) instead of at the first observed
   * values with ρ_k = 1. Default false.
   */
  readonly biasCorrection?: boolean;
  /** Estimate f* online, starting from `lowerBound` and never below it (reference `use_fstar=True`). Default false. */
  readonly adaptLowerBound?: boolean;
}

/**
 * MoMo, SGD with momentum and a model-based adaptive step (Schaipp, Ohana, Eickenberg, Defazio, Gower, "MoMo:
 * Momentum Models for Adaptive Learning Rates", ICML 2024, arXiv 2305.07583; reference `fabian-sp/MoMo`,
 * `momo/momo.py`, class `Momo`). Each step takes the batch loss f(x_k) and its gradient g_k at the current weights x_k:
 *
 *     f̄_k = β·f̄_{k−1} + (1−β)·f(x_k)          d_k = β·d_{k−1} + (1−β)·g_k          γ_k = β·γ_{k−1} + (1−β)·⟨g_k, x_k⟩
 *     c   = 1 + α_k·λ
 *     τ_k = min( α_k/ρ_k , max(c·(f̄_k − ρ_k·f*) + ⟨d_k, x_k⟩ − c·γ_k, 0) / ‖d_k‖² )
 *     x_{k+1} = (x_k − τ_k·d_k) / c
 *
 * ⟨·,·⟩ and ‖·‖ run over all variables jointly. Without bias correction (default) the averages start at the first
 * values (f̄_1 = f(x_1), d_1 = g_1, γ_1 = ⟨g_1, x_1⟩) and ρ_k = 1; with `biasCorrection` they start at 0 and
 * ρ_k = 1 − β^k. α only caps the step: it is a Polyak step on a truncated model of the loss.
 *
 * With `adaptLowerBound`, f* is estimated online (floor: `lowerBound`). Before the step, with
 * cap = c·f̄_k + ⟨d_k, x_k⟩ − c·γ_k: if cap < c·ρ_k·f*, then f* ← max(cap / (2·c·ρ_k), floor). After τ_k:
 * f* ← max((f̄_k + ⟨d_k, x_k⟩ − γ_k − ½·τ_k·‖d_k‖²) / ρ_k, floor).
 *
 * Defaults (the reference's): learningRate 1, beta 0.9, weightDecay 0, lowerBound 0, no bias correction, fixed f*.
 * Where ‖d_k‖² = 0 (d_k = 0, nothing moves) τ_k is α_k/ρ_k, which is what the reference's `min` yields too.
 * Scalars are float32 tensors on the device (as the reference's); the state is exact through
 * {@link MomoBase.getState} / {@link MomoBase.setState}. Leaves no tensors behind after the first step (which
 * creates the slots `<variable>/gradientAverage`).
 *
 * @example
 * const momo = new Momo();                                    // α = 1, β = 0.9, f* = 0
 * const { value, grads } = tf.variableGrads(loss, [w, b]);   // loss: () => tf.Scalar at the current w, b
 * const f = (await value.data())[0];
 * momo.step(f, [{ variable: w, gradient: grads[w.name] }, { variable: b, gradient: grads[b.name] }]);
 * @throws LossArgumentError for an option outside its domain (`learningRate`, `weightDecay` ≥ 0, `beta` in [0, 1),
 *   `lowerBound` finite).
 */
export class Momo extends MomoBase {
  protected readonly errorName = NAME;
  protected readonly slotNames = ['gradientAverage'] as const;
  /** β of the moving averages. */
  readonly beta: number;
  /** Whether the averages start at zero with ρ_k = 1 − β^k. */
  readonly biasCorrection: boolean;

  constructor(options: MomoOptions = {}) {
    const settings = resolveCommonOptions(options, 1, NAME);
    const beta = checkBeta(options.beta ?? 0.9, 'options.beta', NAME);
    const biasCorrection = options.biasCorrection ?? false;
    if (typeof biasCorrection !== 'boolean') {
      throw new LossArgumentError(NAME, 'options.biasCorrection', `must be a boolean, got ${String(biasCorrection)}`);
    }
    super(settings);
    this.beta = beta;
    this.biasCorrection = biasCorrection;
  }

  protected averagingBeta(): number {
    return this.beta;
  }

  protected startsAtFirstValues(): boolean {
    return !this.biasCorrection;
  }

  protected biasFactor(k: number): number {
    return this.biasCorrection ? 1 - this.beta ** k : 1;
  }

  protected updateMoments(gradients: readonly MomoGradient[], slots: readonly tf.Variable[][], k: number): MomoMoments {
    const averages = slots[0] as tf.Variable[];
    const dots: tf.Tensor[] = [];
    const squares: tf.Tensor[] = [];
    gradients.forEach(({ variable, gradient }, i) => {
      const d = averages[i] as tf.Variable;
      if (k === 1 && !this.biasCorrection) d.assign(gradient);
      d.assign(ema(d, gradient, this.beta));
      dots.push(tf.sum(tf.mul(variable, d)));
      squares.push(tf.sum(tf.square(d)));
    });
    return { dot: sumAll(dots), norm: sumAll(squares), directions: averages };
  }

  protected updatedValue(x: tf.Tensor, direction: tf.Tensor, tau: tf.Scalar, _alpha: number, c: number): tf.Tensor {
    const moved = tf.sub(x, tf.mul(direction, tau));
    return c === 1 ? moved : tf.div(moved, c);
  }
}
