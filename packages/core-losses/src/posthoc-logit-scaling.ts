import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

const NAME = 'posthocLogitScaling';

/** Options of {@link posthocLogitScaling}. */
export interface PosthocLogitScalingOptions {
  /**
   * τ ≥ 0, the strength of the scaling; 0 leaves the logits unchanged. No default: it is tuned on a validation split
   * (Hasegawa & Sato's CIFAR-100-LT configuration uses 0.65).
   */
  readonly tau: number;
}

/** π_j^{−τ} in float64 from counts or priors (normalised to sum 1). */
function priorFactors(classPriors: ArrayLike<number>, tau: number): Float32Array {
  if (classPriors === null || typeof classPriors !== 'object' || typeof classPriors.length !== 'number' || classPriors.length === 0) {
    throw new LossArgumentError(NAME, 'classPriors', 'must be a non-empty array of class counts or priors');
  }
  let total = 0;
  for (let j = 0; j < classPriors.length; j += 1) {
    const p = classPriors[j] ?? Number.NaN;
    if (!(Number.isFinite(p) && p > 0)) {
      throw new LossArgumentError(NAME, 'classPriors', `holds ${p} for class ${j}; every count or prior must be finite and > 0 (π^-τ of a class with no samples is infinite)`);
    }
    total += p;
  }
  return Float32Array.from({ length: classPriors.length }, (_, j) => Math.exp(-tau * Math.log((classPriors[j] as number) / total)));
}

function posthocLogitScaling_(
  logits: TensorInput,
  classPriors: ArrayLike<number>,
  options: PosthocLogitScalingOptions,
): tf.Tensor {
  const tau = checkNumberOption(options?.tau, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0', 'options.tau', NAME);
  const z = toFloatTensor(logits, 'logits', NAME);
  const factors = priorFactors(classPriors, tau);
  const classes = z.shape[z.rank - 1];
  if (z.rank < 1 || classes !== factors.length) {
    throw new LossArgumentError(
      NAME,
      'logits',
      `must have ${factors.length} classes (one per entry of 'classPriors') on the last axis, got shape [${z.shape.join(',')}]`,
    );
  }
  return tf.mul(z, tf.tensor1d(factors, 'float32'));
}

/**
 * Post-hoc multiplicative logit scaling by the class prior, the test-time step of Hasegawa & Sato's one-stage weight
 * balancing (ICLR 2024, `HN410/Exploring-Weight-Balancing-on-Long-Tailed-Recognition-Problem` @021c0bd, `LogitAdjuster` with
 * `use_additive = False`, applied when `tau > 0`):
 *
 *     z'_j = z_j · π_j^{−τ} = z_j · exp(−τ log π_j),     π_j = n_j / Σ_k n_k
 *
 * Tail classes (small π_j) get their logits enlarged. `classPriors` are training counts `n_j` or priors π_j (either
 * way they are normalised to sum 1, in float64); `logits` have the classes on the last axis. Use it for prediction
 * only, never inside the training loss (the reference trains with τ = 0). Unlike the additive post-hoc adjustment
 * `z_j − τ log π_j` (Menon et al. 2021), the multiplication is not shift-invariant: it is meant for the logits of the
 * recipe's model (fixed ETF classifier plus bias), and it enlarges negative logits too.
 * @throws LossArgumentError for a count or prior that is not finite and positive, a class-count mismatch, or τ not
 *   finite or negative.
 */
export const posthocLogitScaling = tf.op({ posthocLogitScaling_ });
