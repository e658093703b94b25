import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { computeWeightedLoss, prepareWeights, resolveReduction, type WeightingOptions } from './reduction.js';
import { focusingPow, log1p, sigmoid, softplus, stopGradient } from './stable-math.js';
import { assertFinite, assertInRange, assertSameShape, checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

const LOSS = 'asymmetricLoss';

/** Options of {@link asymmetricLoss}. Defaults are the paper's recommended setting (ASL `train.py`). */
export interface AsymmetricLossOptions extends WeightingOptions {
  /**
   * Focusing exponent γ+ ≥ 0 of the positives. Default 0: the paper's recommendation and what ASL's `train.py`
   * uses. (The `AsymmetricLoss` class signature says 1 — pass `gammaPos: 1` to get the class default.)
   */
  readonly gammaPos?: number;
  /** Focusing exponent γ− ≥ 0 of the negatives. Default 4. */
  readonly gammaNeg?: number;
  /**
   * Probability shift m ∈ [0, 1) of the negatives (`clip` in the reference): `p_m = max(p − m, 0)`, so negatives
   * with `p < m` contribute exactly zero loss and zero gradient. Default 0.05; 0 or null disables the shift.
   */
  readonly clip?: number | null;
  /** Lower clamp of both log arguments (`log(max(p, eps))`), in [0, 1). Default 1e-8. */
  readonly eps?: number;
  /**
   * `true` (default, `AsymmetricLoss` with its default `disable_torch_grad_focal_loss=True`): the focusing weight
   * is a constant in backprop (a stop-gradient). `false` (`AsymmetricLossOptimized`'s default): the gradient also
   * flows through the weight. The two give the same value and different gradients.
   */
  readonly detachFocusingWeight?: boolean;
}

function asymmetricLoss_(targets: TensorInput, logits: TensorInput, options: AsymmetricLossOptions = {}): tf.Tensor {
  const reduction = resolveReduction(options, 'sum', LOSS);
  const validate = options.validate ?? true;
  const x = toFloatTensor(logits, 'logits', LOSS);
  const y = toFloatTensor(targets, 'targets', LOSS);
  if (x.rank < 1) throw new LossArgumentError(LOSS, 'logits', 'must have rank >= 1, got a scalar');
  assertSameShape(y, x, 'targets', 'logits', LOSS);
  if (validate) {
    assertFinite(x, 'logits', LOSS);
    assertInRange(y, 0, 1, 'targets', LOSS);
  }
  const isGamma = (v: number): boolean => v >= 0 && Number.isFinite(v);
  const gammaPos = checkNumberOption(options.gammaPos ?? 0, isGamma, 'a finite number >= 0', 'options.gammaPos', LOSS);
  const gammaNeg = checkNumberOption(options.gammaNeg ?? 4, isGamma, 'a finite number >= 0', 'options.gammaNeg', LOSS);
  const clip = checkNumberOption(
    options.clip === undefined ? 0.05 : (options.clip ?? 0),
    (v) => v >= 0 && v < 1,
    'in [0, 1) (0 or null disables the shift)',
    'options.clip',
    LOSS,
  );
  const eps = checkNumberOption(options.eps ?? 1e-8, (v) => v >= 0 && v < 1, 'in [0, 1)', 'options.eps', LOSS);
  const detach = options.detachFocusingWeight ?? true;
  if (typeof detach !== 'boolean') {
    throw new LossArgumentError(LOSS, 'options.detachFocusingWeight', `must be true or false, got ${String(detach)}`);
  }

  const antiY = tf.sub(1, y);
  const p = sigmoid(x);
  // log max(p, eps) with log p = −softplus(−x): exact at any logit.
  let logP = tf.neg(softplus(tf.neg(x)));
  // q = min(1 − p + m, 1) = 1 − max(p − m, 0); 1 − q is the negatives' focusing base.
  let logQ: tf.Tensor;
  let oneMinusQ: tf.Tensor;
  if (clip > 0) {
    // 1 − q = max(p − m, 0) (p − m is exact to ulp(m), not ulp(1)); log q = log1p(−(1 − q)): exactly 0 with a zero
    // gradient where p ≤ m.
    oneMinusQ = tf.relu(tf.sub(p, clip));
    logQ = log1p(tf.neg(oneMinusQ));
  } else {
    logQ = tf.neg(softplus(x));
    oneMinusQ = p;
  }
  if (eps > 0) {
    // The clamp of the reference: zero gradient where p < eps (positives) or q < eps (negatives, without a shift).
    const logEps = tf.scalar(Math.log(eps));
    logP = tf.maximum(logP, logEps);
    logQ = tf.maximum(logQ, logEps);
  }
  let losses = tf.neg(tf.add(tf.mul(y, logP), tf.mul(antiY, logQ)));
  if (gammaPos > 0 || gammaNeg > 0) {
    // 1 − p_t = y·(1 − p) + (1 − y)·(1 − q) with 1 − p = σ(−x) (no cancellation), exponent γ+·y + γ−·(1 − y): the
    // reference's one_sided_w, also for soft targets.
    const base = tf.add(tf.mul(y, sigmoid(tf.neg(x))), tf.mul(antiY, oneMinusQ));
    const exponent = gammaPos === gammaNeg ? tf.scalar(gammaPos) : tf.add(tf.mul(y, gammaPos), tf.mul(antiY, gammaNeg));
    const focusing = focusingPow(base, exponent);
    losses = tf.mul(losses, detach ? stopGradient(focusing) : focusing);
  }
  const weights = prepareWeights(options.weights, losses.shape, LOSS, validate);
  return computeWeightedLoss(losses, weights, reduction, options.avgFactor);
}

/**
 * Asymmetric loss for multi-label classification (Ridnik, Ben-Baruch, Zamir, Noy, Friedman, Protter, Zelnik-Manor,
 * ICCV 2021), element by element:
 *
 *     p = σ(x),  p_m = max(p − m, 0)  (m = clip; no shift when m = 0)
 *     L = −[ y·log(max(p, eps)) + (1 − y)·log(max(1 − p_m, eps)) ] · w
 *     w = (1 − p_t)^{γ+·y + γ−·(1 − y)},   1 − p_t = y·(1 − p) + (1 − y)·p_m
 *
 * **Default reduction `sum`: the reference returns `−loss.sum()` over batch AND classes, with no mean and no
 * reduction argument.** The value grows with B·C; a port that takes the mean shrinks the gradients by B·C (about
 * 10⁴ on COCO), which is why the paper's Adam lr of 1e-4 goes with the sum. `reduction: 'mean'` is there if you
 * want it (then scale the learning rate); `none` gives the `[..., C]` per-element losses.
 *
 * Gradients: with `detachFocusingWeight: true` (default) `w` is a constant in backprop (the reference's
 * `disable_torch_grad_focal_loss=True`, default of `AsymmetricLoss`); with `false` the gradient flows through `w`
 * (`AsymmetricLossOptimized`'s default). Exact zero gradients where the reference clamps: negatives with `p < m`
 * (loss exactly 0) and positives with `p < eps` (e.g. a logit of −30). Values and gradients stay finite and keep
 * their relative precision at logits of ±50 (`log p = −softplus(−x)`, `1 − p = σ(−x)`, `log(1 − p_m)` by a
 * cancellation-free log1p).
 *
 * Shapes: `targets` and `logits` the same shape, typically `[B, C]` (any rank ≥ 1); targets in [0, 1] (multi-hot;
 * soft targets follow the reference formula). Defaults: `gammaPos` 0, `gammaNeg` 4, `clip` 0.05, `eps` 1e-8 (the
 * paper's recommended setting and ASL's `train.py`; the class signature has `gamma_pos=1`).
 *
 * Reference: `AsymmetricLoss` and `AsymmetricLossOptimized` in Alibaba-MIIL/ASL `src/loss_functions/losses.py`
 * (commit 8c9e0bd); parity vectors `asl.json` and `asl_optimized.json`.
 *
 * @throws LossArgumentError naming the argument for shape mismatches, targets outside [0, 1], NaN/Inf logits,
 *   negative weights, negative or non-finite `gammaPos`/`gammaNeg`, `clip` or `eps` outside [0, 1).
 */
export const asymmetricLoss = tf.op({ asymmetricLoss_ });
