import * as tf from '@tensorflow/tfjs-core';

import { BaseTaskWeighter, taskNumbers, type TaskWeighterOptions, type TaskWeightingMethod } from './task-weighting.js';

/** Options of {@link SoftmaxTaskWeighter}. */
export interface SoftmaxTaskWeighterOptions extends TaskWeighterOptions {
  /**
   * Prior weight of each task (positive, length T); the logits start at `λ_t = ln(prior_t)`, so the first weights
   * are `prior / Σ prior`. Default all 1 (equal weights 1/T), the reference scripts' setting (`prior_loss_w=[1.]`).
   */
  readonly priorWeights?: readonly number[];
  /** Fixed manual multiplier `m_t` of each task loss (positive, length T). Default all 1. */
  readonly manualWeights?: readonly number[];
}

/**
 * Learned softmax task weights, the "uncertainty weighting" layer of DDMR (Pérez de Frutos et al., PLOS ONE 2023;
 * jpdefrutos/DDMR `ddmr/layers/uncertainty_weighting.py`, class `UncertaintyWeighting`: logits initialised to
 * `ln(prior)` at line 40, `softmax` of them at line 77, the weighted sum returned at line 123):
 *
 *     α = softmax(λ),   total = Σ_t α_t · m_t · L_t
 *
 * with trainable logits `λ` (`[T]`, one `tf.Variable`). The weights lie on the simplex (Σ α = 1); there is no
 * `ln σ` penalty as in Kendall et al., so trained on its own the optimiser moves weight towards the task with the
 * smallest loss (the gradient of λ_t is `α_t·(m_t L_t − Σ_k α_k m_k L_k)`). Reports `α` at every step.
 *
 * Departure: the reference's separate regularisation terms (weight `exp(λ_reg)` for one regulariser, a second
 * softmax for several) are not part of this weighter; add a regulariser to the total yourself, or give it its own
 * weighter.
 *
 * Shapes: task losses `[T]` → scalar.
 */
export class SoftmaxTaskWeighter extends BaseTaskWeighter {
  readonly method: TaskWeightingMethod = 'softmax';
  /** The logits λ, `[T]`. */
  readonly logits: tf.Variable;
  private readonly manual: number[];

  constructor(options: SoftmaxTaskWeighterOptions) {
    super(options, 'SoftmaxTaskWeighter');
    const numTasks = this.taskNames.length;
    const priors = taskNumbers(options.priorWeights, 1, numTasks, 'options.priorWeights', this.weighterName, true);
    this.manual = taskNumbers(options.manualWeights, 1, numTasks, 'options.manualWeights', this.weighterName, true);
    this.logits = tf.tidy(() => tf.variable(tf.tensor1d(priors.map(Math.log)), true));
  }

  override get variables(): readonly tf.Variable[] {
    return [this.logits];
  }

  protected weigh(losses: tf.Tensor1D): { total: tf.Scalar; weights: number[] } {
    const alpha = tf.softmax(this.logits);
    const total = tf.sum<tf.Scalar>(tf.mul(tf.mul(alpha, tf.tensor1d(this.manual)), losses));
    return { total, weights: this.currentWeights() };
  }

  protected currentWeights(): number[] {
    const lambda = Array.from(this.logits.dataSync());
    const max = Math.max(...lambda);
    const exps = lambda.map((l) => Math.exp(l - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / sum);
  }
}
