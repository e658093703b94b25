import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { checkNumberOption } from './validation.js';
import {
  checkPerturbationArguments,
  disposeAll,
  gradientsOf,
  secondPass,
  type PerturbationCallback,
  type PerturbedGradients,
} from './weight-perturbation.js';

const NAME = 'samGradients';

/** Options of {@link samGradients}. */
export interface SamOptions {
  /**
   * Radius ρ of the ascent step, `‖ε‖₂ = ρ` over all variables jointly. Default 0.05 (Foret et al.'s usual value).
   * Rangwani et al. 2022 use much larger radii for long-tailed data: CIFAR-10-LT CE 0.1, CE+DRW 0.5, LDAM+DRW 0.8;
   * CIFAR-100-LT CE 0.2, CE+DRW 0.8, LDAM+DRW 0.8 (constant for all epochs); on ImageNet-LT / iNat ρ steps up at the
   * DRW switch (e.g. 0.05 → 0.1 → 0.5). ρ = 0 gives `ε = 0`.
   */
  readonly rho?: number;
  /**
   * Adaptive SAM (Kwon et al. 2021, ASAM), in the form of `davda54/sam` (`adaptive=True`): with `T_w = |w| + eta`,
   * `ε = ρ · T_w² ⊙ g / ‖T_w ⊙ g‖₂`. Default false (as in every run of Rangwani et al.). ASAM's paper uses a larger
   * ρ (e.g. 0.5) with it.
   */
  readonly adaptive?: boolean;
  /** `eta` of adaptive SAM (`T_w = |w| + eta`). Default 0 (`davda54/sam`); the ASAM reference code uses 0.01. */
  readonly eta?: number;
  /** Added to the gradient norm in `ρ / (‖g‖ + epsilon)`. Default 1e-12 (both reference implementations). */
  readonly epsilon?: number;
  /** Observes `ε` while the weights are perturbed; see {@link PerturbationCallback}. */
  readonly onPerturbed?: PerturbationCallback;
}

/**
 * Gradients of one sharpness-aware minimisation step (SAM; Foret, Kleiner, Mobahi, Neyshabur, ICLR 2021; as used for
 * long-tailed recognition by Rangwani, Aithal, Mishra, Babu, NeurIPS 2022, `val-iisc/Saddle-LongTail` @152ce31,
 * `sam.py` / `cifar_train_sam.py`; the same step as `davda54/sam`):
 *
 *     g  = ∇L(w)
 *     ε  = ρ · g / (‖g‖₂ + 1e-12)          ‖g‖₂ = sqrt(Σ_variables Σ g²), ONE norm over all variables
 *     g' = ∇L(w + ε)                       same loss closure, same batch
 *     w  ← w exactly (restored from a kept copy), then the caller's optimiser applies g' at w
 *
 * With `adaptive`, `ε = ρ · T_w² ⊙ g / (‖T_w ⊙ g‖₂ + 1e-12)`, `T_w = |w| + eta`. Defaults: ρ = 0.05, not adaptive,
 * eta = 0, epsilon = 1e-12.
 *
 * It wraps any tfjs optimiser: `optimizer.applyGradients` with the returned `grads` is SAM's `second_step` (weight
 * decay, momentum and clipping belong to that optimiser and act on `g'` only). `loss` is called twice per step, so
 * anything stateful in the forward pass runs twice: dropout draws two masks, batch-norm moving averages are
 * updated twice (as in the reference training script, which does not freeze them for the second pass). Variables the
 * loss does not reach are not perturbed and get zero gradients. Cost: two forward and backward passes.
 *
 * Memory: one extra copy of the weights plus `ε` live during the second pass; every intermediate is disposed, also
 * when `loss` throws (the weights are restored first). The returned tensors belong to the caller.
 *
 * @param loss the objective as a closure over the variables (as for `tf.variableGrads`); must return a scalar.
 * @param variables trainable float32 variables to perturb and differentiate, in the optimiser's order.
 * @throws LossArgumentError for an empty or invalid variable list or an option outside its domain
 *   (`rho` and `eta` must be finite and ≥ 0, `epsilon` > 0).
 */
export function samGradients(
  loss: () => tf.Scalar,
  variables: readonly tf.Variable[],
  options: SamOptions = {},
): PerturbedGradients {
  checkPerturbationArguments(loss, variables, NAME);
  const rho = checkNumberOption(options.rho ?? 0.05, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0', 'options.rho', NAME);
  const eta = checkNumberOption(options.eta ?? 0, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0', 'options.eta', NAME);
  const epsilon = checkNumberOption(options.epsilon ?? 1e-12, (v) => Number.isFinite(v) && v > 0, 'a finite number > 0', 'options.epsilon', NAME);
  const adaptive = options.adaptive ?? false;
  if (typeof adaptive !== 'boolean') {
    throw new LossArgumentError(NAME, 'options.adaptive', `must be a boolean, got ${String(adaptive)}`);
  }

  const first = gradientsOf(loss, variables);
  let perturbations: (tf.Tensor | null)[] = [];
  try {
    const present = first.grads.flatMap((g, i) => (g === null ? [] : [i]));
    const eps = tf.tidy(() => {
      const grads = present.map((i) => first.grads[i] as tf.Tensor);
      const scales = adaptive ? present.map((i) => tf.add(tf.abs(variables[i] as tf.Variable), eta)) : undefined;
      const scaled = grads.map((g, k) => (scales === undefined ? g : tf.mul(g, scales[k] as tf.Tensor)));
      const norm = tf.sqrt(tf.addN(scaled.map((s) => tf.sum(tf.square(s)))));
      const factor = tf.div(rho, tf.add(norm, epsilon));
      // ε = ρ g / ‖g‖, or ρ T² g / ‖T g‖ = ρ T (T g) / ‖T g‖
      return scaled.map((s, k) => tf.mul(scales === undefined ? s : tf.mul(s, scales[k] as tf.Tensor), factor));
    });
    perturbations = variables.map(() => null);
    present.forEach((i, k) => (perturbations[i] = eps[k] as tf.Tensor));
  } catch (error) {
    first.value.dispose();
    throw error;
  } finally {
    disposeAll(first.grads);
  }

  return secondPass(loss, variables, perturbations, first.value, options.onPerturbed);
}
