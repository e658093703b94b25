import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { assertFinite, checkNumberOption, toFloatTensor, type TensorInput } from './validation.js';

const NAME = 'featureNormPenalty';

/** Options of {@link featureNormPenalty}. */
export interface FeatureNormPenaltyOptions {
  /** λ, the penalty's coefficient. Default 1e-2 (Hasegawa & Sato's CIFAR configurations, `features_regularization`). */
  readonly lambda?: number;
  /** Check the features for NaN/Inf (reads their values; default true). */
  readonly validate?: boolean;
}

function featureNormPenalty_(features: TensorInput, options: FeatureNormPenaltyOptions = {}): tf.Scalar {
  const lambda = checkNumberOption(options.lambda ?? 1e-2, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0', 'options.lambda', NAME);
  const h = toFloatTensor(features, 'features', NAME);
  if (h.rank < 2) {
    throw new LossArgumentError(NAME, 'features', `must have rank >= 2 ([batch, features, ...]), got rank ${h.rank} (shape [${h.shape.join(',')}])`);
  }
  if (h.shape[0] === 0) throw new LossArgumentError(NAME, 'features', 'must hold at least one sample');
  if (options.validate ?? true) assertFinite(h, 'features', NAME);
  const axes = Array.from({ length: h.rank - 1 }, (_, i) => i + 1);
  const squaredNorms = tf.sum(tf.square(h), axes);
  return tf.mul(lambda / 2, tf.mean(squaredNorms));
}

/**
 * Penultimate-feature norm penalty of the one-stage weight-balancing recipe (feature regularisation, "FR"; Hasegawa &
 * Sato, ICLR 2024, `HN410/Exploring-Weight-Balancing-on-Long-Tailed-Recognition-Problem` @021c0bd,
 * `set_features_regularization` in `utils/regularizers.py`):
 *
 *     penalty = λ · mean_i ‖h_i‖₂² / 2          default λ = 1e-2
 *
 * `features` are the penultimate activations `h` (`[batch, d]`; for higher ranks the norm runs over every axis but
 * the batch axis). Add it to the classification loss: `tf.add(ce, featureNormPenalty(h))`. The reference pairs it
 * with weight decay written as a loss term (`λ_wd · Σ‖W‖²/2`, λ_wd = 5e-3) and a fixed {@link simplexEtf} classifier.
 * Returns a scalar; differentiable (`∂/∂h_i = λ h_i / B`).
 * @throws LossArgumentError for a rank below 2, an empty batch, NaN/Inf features (unless `validate: false`), or λ
 *   not finite or negative.
 */
export const featureNormPenalty = tf.op({ featureNormPenalty_ });
