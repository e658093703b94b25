import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';

/**
 * What {@link samGradients} and {@link awpGradients} return. Every tensor belongs to the caller, who disposes it
 * (`tf.dispose([r.loss, r.perturbedLoss, ...r.grads])`), typically after `optimizer.applyGradients`.
 */
export interface PerturbedGradients {
  /** `L(w)`: the loss at the unperturbed weights, from the first (ascent) pass. The value to report. */
  readonly loss: tf.Scalar;
  /** `L(w + ε)`: the loss at the perturbed weights, from the second pass (what Rangwani et al.'s script logs). */
  readonly perturbedLoss: tf.Scalar;
  /**
   * `∇L(w + ε)`, one tensor per variable in the order given (zeros for a variable the loss does not reach), to be
   * applied at the restored weights `w` by any optimiser.
   */
  readonly grads: tf.Tensor[];
}

/**
 * Called once per step while the weights sit at `w + ε`, before the second forward pass: `perturbations[i]` is
 * `ε_i` for `variables[i]`, or `null` for a variable left in place. The tensors are only valid during the call.
 * For tests, logging and diagnostics (e.g. the norm of `ε`); it must not modify the variables.
 */
export type PerturbationCallback = (perturbations: readonly (tf.Tensor | null)[]) => void;

/** Checks the arguments shared by the perturbed-gradient functions. */
export function checkPerturbationArguments(
  loss: unknown,
  variables: readonly tf.Variable[],
  name: string,
): void {
  if (typeof loss !== 'function') throw new LossArgumentError(name, 'loss', 'must be a function returning a scalar');
  const list: unknown = variables;
  if (!Array.isArray(list) || list.length === 0) {
    throw new LossArgumentError(name, 'variables', 'must be a non-empty array of tf.Variable');
  }
  const seen = new Set<tf.Variable>();
  variables.forEach((v, i) => {
    if (!((v as unknown) instanceof tf.Variable)) throw new LossArgumentError(name, `variables[${i}]`, 'is not a tf.Variable');
    if (v.isDisposed) throw new LossArgumentError(name, `variables[${i}]`, `("${v.name}") is disposed`);
    if (!v.trainable) throw new LossArgumentError(name, `variables[${i}]`, `("${v.name}") is not trainable`);
    if (v.dtype !== 'float32') {
      throw new LossArgumentError(name, `variables[${i}]`, `("${v.name}") must be float32, got ${v.dtype}`);
    }
    if (seen.has(v)) throw new LossArgumentError(name, `variables[${i}]`, `("${v.name}") is listed twice`);
    seen.add(v);
  });
}

/** `f()` and its gradients for `variables`, aligned with them (`null` where `f` does not reach a variable). */
export function gradientsOf(
  f: () => tf.Scalar,
  variables: readonly tf.Variable[],
): { value: tf.Scalar; grads: (tf.Tensor | null)[] } {
  const { value, grads } = tf.variableGrads(f, [...variables]);
  return { value, grads: variables.map((v) => grads[v.name] ?? null) };
}

/**
 * Moves every variable with a perturbation to `w + ε`, runs `body`, then puts every moved variable back to the exact
 * tensor it held before (a kept copy, not `w + ε − ε`, which rounds), also when `body` throws.
 */
export function withPerturbation<T>(
  variables: readonly tf.Variable[],
  perturbations: readonly (tf.Tensor | null)[],
  body: () => T,
): T {
  const saved: Array<{ variable: tf.Variable; original: tf.Tensor }> = [];
  try {
    variables.forEach((variable, i) => {
      const e = perturbations[i];
      if (e === null || e === undefined) return;
      // tf.clone shares (or copies) the current buffer; assign() below points the variable at a new one.
      const original = tf.clone(variable);
      saved.push({ variable, original });
      const moved = tf.add(variable, e);
      try {
        variable.assign(moved);
      } finally {
        moved.dispose();
      }
    });
    return body();
  } finally {
    for (const { variable, original } of saved) {
      variable.assign(original);
      original.dispose();
    }
  }
}

/** Disposes the non-null tensors of a list. */
export function disposeAll(tensors: readonly (tf.Tensor | null)[]): void {
  for (const t of tensors) t?.dispose();
}

/**
 * The second pass shared by SAM and AWP: moves the variables to `w + ε`, reports `ε` to `onPerturbed`, computes the
 * loss and gradients there, restores `w` exactly, and returns the result with the first pass's loss. Disposes the
 * perturbations in every case, and `firstLoss` when the second pass fails.
 */
export function secondPass(
  loss: () => tf.Scalar,
  variables: readonly tf.Variable[],
  perturbations: readonly (tf.Tensor | null)[],
  firstLoss: tf.Scalar,
  onPerturbed: PerturbationCallback | undefined,
): PerturbedGradients {
  let second: { value: tf.Scalar; grads: (tf.Tensor | null)[] };
  try {
    second = withPerturbation(variables, perturbations, () => {
      onPerturbed?.(perturbations);
      return gradientsOf(loss, variables);
    });
  } catch (error) {
    firstLoss.dispose();
    throw error;
  } finally {
    disposeAll(perturbations);
  }
  return {
    loss: firstLoss,
    perturbedLoss: second.value,
    grads: second.grads.map((g, i) => g ?? tf.zerosLike(variables[i] as tf.Variable)),
  };
}
