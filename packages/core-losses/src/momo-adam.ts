import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { MomoBase, checkBeta, ema, resolveCommonOptions, sumAll, type MomoGradient, type MomoMoments } from './momo-common.js';
import { checkNumberOption } from './validation.js';

const NAME = 'MomoAdam';

/**
 * How {@link MomoAdam} applies weight decay λ: `proximal` divides after the step, x ← (x − τ·d ⊘ D) / (1 + αλ)
 * (reference `divide=True`, the default); `decoupled` multiplies before it, x ← (1 − αλ)·x − τ·d ⊘ D (reference
 * `divide=False`, as AdamW). Both use c = 1 + αλ in the step size.
 */
export type MomoWeightDecayMode = 'proximal' | 'decoupled';

/** Options of {@link MomoAdam}; every default is the reference's (`fabian-sp/MoMo`, `momo/momo_adam.py`). */
export interface MomoAdamOptions {
  /** α: the cap of the step size, τ_k ≤ α/ρ_k. Default 1e-2. */
  readonly learningRate?: number;
  /** β1 ∈ [0, 1) of the gradient, loss and ⟨g, x⟩ averages. Default 0.9. */
  readonly beta1?: number;
  /** β2 ∈ [0, 1) of the squared-gradient average. Default 0.999. */
  readonly beta2?: number;
  /** ε > 0 added to the preconditioner, D = sqrt(v / (1 − β2^k)) + ε. Default 1e-8. */
  readonly epsilon?: number;
  /** λ ≥ 0. Default 0. */
  readonly weightDecay?: number;
  /** See {@link MomoWeightDecayMode}. Default `proximal`. */
  readonly weightDecayMode?: MomoWeightDecayMode;
  /** f*: a lower bound of the loss (with `adaptLowerBound`, the floor of the estimate). Default 0. */
  readonly lowerBound?: number;
  /** Estimate f* online, starting from `lowerBound` and never below it (reference `use_fstar=True`). Default false. */
  readonly adaptLowerBound?: boolean;
}

/**
 * MoMo-Adam, Adam with a model-based adaptive step (Schaipp, Ohana, Eickenberg, Defazio, Gower, "MoMo: Momentum
 * Models for Adaptive Learning Rates", ICML 2024, arXiv 2305.07583; reference `fabian-sp/MoMo`, `momo/momo_adam.py`,
 * class `MomoAdam`). Each step takes the batch loss f(x_k) and its gradient g_k at the current weights x_k; all
 * averages start at zero:
 *
 *     d_k = β1·d_{k−1} + (1−β1)·g_k       v_k = β2·v_{k−1} + (1−β2)·g_k⊙g_k
 *     f̄_k = β1·f̄_{k−1} + (1−β1)·f(x_k)   γ_k = β1·γ_{k−1} + (1−β1)·⟨g_k, x_k⟩
 *     D_k = sqrt(v_k / (1 − β2^k)) + ε     ρ_k = 1 − β1^k       c = 1 + α_k·λ
 *     τ_k = min( α_k/ρ_k , max(c·(f̄_k − ρ_k·f*) + ⟨d_k, x_k⟩ − c·γ_k, 0) / ⟨d_k, d_k ⊘ D_k⟩ )
 *     x_{k+1} = (x_k − τ_k·d_k ⊘ D_k) / c                 (weightDecayMode 'proximal', default)
 *     x_{k+1} = (1 − α_k·λ)·x_k − τ_k·d_k ⊘ D_k           (weightDecayMode 'decoupled')
 *
 * ⟨·,·⟩ runs over all variables jointly. With `adaptLowerBound`, f* is estimated online (floor: `lowerBound`):
 * before the step, with cap = c·f̄_k + ⟨d_k, x_k⟩ − c·γ_k, if cap < c·ρ_k·f* then f* ← max(cap / (2·c·ρ_k), floor);
 * after τ_k, f* ← max((f̄_k + ⟨d_k, x_k⟩ − γ_k − ½·τ_k·⟨d_k, d_k ⊘ D_k⟩) / ρ_k, floor).
 *
 * Defaults (the reference's): learningRate 1e-2, beta1 0.9, beta2 0.999, epsilon 1e-8, weightDecay 0 (proximal),
 * lowerBound 0, fixed f*. Where ⟨d_k, d_k ⊘ D_k⟩ = 0 (d_k = 0, nothing moves) τ_k is α_k/ρ_k, as the reference's `min`
 * yields. Scalars are float32 tensors on the device (as the reference's); the state is exact through
 * {@link MomoBase.getState} / {@link MomoBase.setState}. Leaves no tensors behind after the first step (which creates
 * the slots `<variable>/gradientAverage` and `<variable>/squaredGradientAverage`).
 *
 * @example
 * const opt = new MomoAdam({ learningRate: 1e-2 });
 * opt.step(lossValue, [{ variable: w, gradient: gw }]);       // lossValue: f at the current w, gw its gradient
 * @throws LossArgumentError for an option outside its domain (`learningRate`, `weightDecay` ≥ 0, `beta1`/`beta2` in
 *   [0, 1), `epsilon` > 0, `lowerBound` finite, `weightDecayMode` one of the two names).
 */
export class MomoAdam extends MomoBase {
  protected readonly errorName = NAME;
  protected readonly slotNames = ['gradientAverage', 'squaredGradientAverage'] as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecayMode: MomoWeightDecayMode;

  constructor(options: MomoAdamOptions = {}) {
    const settings = resolveCommonOptions(options, 1e-2, NAME);
    const beta1 = checkBeta(options.beta1 ?? 0.9, 'options.beta1', NAME);
    const beta2 = checkBeta(options.beta2 ?? 0.999, 'options.beta2', NAME);
    const epsilon = checkNumberOption(options.epsilon ?? 1e-8, (v) => Number.isFinite(v) && v > 0, 'a finite number > 0', 'options.epsilon', NAME);
    const mode = options.weightDecayMode ?? 'proximal';
    if (mode !== 'proximal' && mode !== 'decoupled') {
      throw new LossArgumentError(NAME, 'options.weightDecayMode', `must be "proximal" or "decoupled", got "${String(mode)}"`);
    }
    super(settings);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecayMode = mode;
  }

  protected averagingBeta(): number {
    return this.beta1;
  }

  protected startsAtFirstValues(): boolean {
    return false;
  }

  protected biasFactor(k: number): number {
    return 1 - this.beta1 ** k;
  }

  protected updateMoments(gradients: readonly MomoGradient[], slots: readonly tf.Variable[][], k: number): MomoMoments {
    const [averages, squares] = slots as [tf.Variable[], tf.Variable[]];
    const secondCorrection = 1 - this.beta2 ** k;
    const dots: tf.Tensor[] = [];
    const norms: tf.Tensor[] = [];
    const directions = gradients.map(({ variable, gradient }, i) => {
      const d = averages[i] as tf.Variable;
      const v = squares[i] as tf.Variable;
      d.assign(ema(d, gradient, this.beta1));
      v.assign(ema(v, tf.square(gradient), this.beta2));
      const preconditioner = tf.add(tf.sqrt(tf.div(v, secondCorrection)), this.epsilon);
      const direction = tf.div(d, preconditioner);
      dots.push(tf.sum(tf.mul(variable, d)));
      norms.push(tf.sum(tf.mul(d, direction)));
      return direction;
    });
    return { dot: sumAll(dots), norm: sumAll(norms), directions };
  }

  protected updatedValue(x: tf.Tensor, direction: tf.Tensor, tau: tf.Scalar, alpha: number, c: number): tf.Tensor {
    if (c === 1) return tf.sub(x, tf.mul(direction, tau));
    if (this.weightDecayMode === 'decoupled') return tf.sub(tf.mul(x, 1 - alpha * this.weightDecay), tf.mul(direction, tau));
    return tf.div(tf.sub(x, tf.mul(direction, tau)), c);
  }
}
