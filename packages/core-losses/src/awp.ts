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

const NAME = 'awpGradients';

/** Options of {@link awpGradients}. */
export interface AwpOptions {
  /**
   * Relative size γ of the perturbation: `‖δ_l‖₂ = γ·‖w_l‖₂` for every perturbed variable `l`. Default 0.01 (the
   * reference's adversarial-training script `AT_AWP/train_cifar10.py`; its TRADES script uses 5e-3). γ = 0 gives
   * `δ = 0`.
   */
  readonly gamma?: number;
  /**
   * Which variables are perturbed: a subset of `variables`, or a predicate. Default: every variable of rank ≥ 2
   * (dense and convolution kernels, embeddings), so biases and normalisation scales/offsets (rank 1) are left alone,
   * as in the reference (parameters named `weight` with more than one dimension).
   */
  readonly kernels?: readonly tf.Variable[] | ((variable: tf.Variable, index: number) => boolean);
  /** Added to `‖g_l‖` in the rescaling. Default 1e-20 (the reference's `EPS`). */
  readonly epsilon?: number;
  /** Observes `δ` while the weights are perturbed (`null` for variables left in place); see {@link PerturbationCallback}. */
  readonly onPerturbed?: PerturbationCallback;
}

/** Indices of the variables to perturb. */
function kernelIndices(variables: readonly tf.Variable[], kernels: AwpOptions['kernels']): number[] {
  if (kernels === undefined) return variables.flatMap((v, i) => (v.rank >= 2 ? [i] : []));
  if (typeof kernels === 'function') return variables.flatMap((v, i) => (kernels(v, i) ? [i] : []));
  if (!Array.isArray(kernels)) {
    throw new LossArgumentError(NAME, 'options.kernels', 'must be an array of variables or a predicate');
  }
  const list: readonly tf.Variable[] = kernels;
  return list.map((k, j) => {
    const i = variables.indexOf(k);
    if (i < 0) {
      const label = k instanceof tf.Variable ? `("${k.name}") ` : '';
      throw new LossArgumentError(NAME, `options.kernels[${j}]`, `${label}is not one of 'variables'`);
    }
    return i;
  });
}

/**
 * Gradients of one adversarial-weight-perturbation step (AWP; Wu, Xia, Wang, NeurIPS 2020, `csdongxian/AWP`,
 * `AdvWeightPerturb` in `utils_awp.py`): a layer-wise relative perturbation of the kernels along the loss gradient.
 *
 *     g_l = ∇_{w_l} L(w)                          kernels only
 *     δ_l = γ · ‖w_l‖₂ / (‖g_l‖₂ + 1e-20) · g_l    so ‖δ_l‖₂ = γ·‖w_l‖₂ (per layer, not one global norm)
 *     g'  = ∇L(w + δ)                             every variable (kernels, biases, norm parameters)
 *     w   ← w exactly (restored from a kept copy), then the caller's optimiser applies g' at w
 *
 * Defaults: γ = 0.01, kernels = variables of rank ≥ 2, epsilon = 1e-20.
 *
 * The reference builds the direction from one SGD ascent step (lr 0.01) of a proxy copy of the model:
 * `d_l = lr·g_l`, rescaled to `‖w_l‖/‖d_l‖·d_l`, the same direction and size as here (the learning rate cancels).
 * It applies the optimiser step at the perturbed weights and subtracts `δ` afterwards; here `w` is restored exactly
 * first and the optimiser step is taken there. The two agree up to float rounding for any optimiser whose update
 * depends on the weights only through the gradient; with weight decay inside the optimiser the reference decays
 * `w + δ` (a difference of order lr·wd·γ‖w‖). The reference ascends the loss on its adversarial examples; pass that
 * loss as `loss` for adversarial training, or the plain training loss otherwise (a pure weight-space regulariser).
 * `loss` runs twice per step (dropout and batch-norm statistics see two passes). Variables the loss does not reach get
 * zero gradients and are not perturbed.
 *
 * Memory: one extra copy of the perturbed kernels plus `δ` live during the second pass; every intermediate is
 * disposed, also when `loss` throws (the weights are restored first). The returned tensors belong to the caller.
 *
 * @param loss the objective as a closure over the variables (as for `tf.variableGrads`); must return a scalar.
 * @param variables trainable float32 variables to differentiate, in the optimiser's order.
 * @throws LossArgumentError for an invalid variable list, `kernels` naming a variable not in `variables` or
 *   selecting none, `gamma` not finite or negative, `epsilon` not positive.
 */
export function awpGradients(
  loss: () => tf.Scalar,
  variables: readonly tf.Variable[],
  options: AwpOptions = {},
): PerturbedGradients {
  checkPerturbationArguments(loss, variables, NAME);
  const gamma = checkNumberOption(options.gamma ?? 0.01, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0', 'options.gamma', NAME);
  const epsilon = checkNumberOption(options.epsilon ?? 1e-20, (v) => Number.isFinite(v) && v > 0, 'a finite number > 0', 'options.epsilon', NAME);
  const selected = kernelIndices(variables, options.kernels);
  if (selected.length === 0) {
    throw new LossArgumentError(
      NAME,
      'options.kernels',
      options.kernels === undefined
        ? 'selects no variable: none of the variables has rank >= 2; pass the kernels explicitly'
        : 'selects no variable to perturb',
    );
  }
  const kernels = selected.map((i) => variables[i] as tf.Variable);

  const first = gradientsOf(loss, kernels);
  const perturbations: (tf.Tensor | null)[] = variables.map(() => null);
  try {
    tf.tidy(() => {
      first.grads.forEach((g, k) => {
        if (g === null) return;
        const w = kernels[k] as tf.Variable;
        const factor = tf.div(tf.mul(gamma, tf.norm(w)), tf.add(tf.norm(g), epsilon));
        perturbations[selected[k] as number] = tf.keep(tf.mul(g, factor));
      });
    });
  } catch (error) {
    disposeAll(perturbations);
    first.value.dispose();
    throw error;
  } finally {
    disposeAll(first.grads);
  }

  return secondPass(loss, variables, perturbations, first.value, options.onPerturbed);
}
