// Test-only replica factory for the data-parallel tests: the hand-written MLP of the training tests.
import * as tf from '@tensorflow/tfjs-core';

import type { LossInputs } from '../../loss-inputs.js';
import type { Replica } from '../replica.js';
import { withRowCoupling } from '../row-coupling.js';
import { handWrittenMlp } from '../../test-support/fixtures.js';
import { maskedSigmoidCrossEntropy, sigmoidCrossEntropy } from '../../test-support/losses.js';

export function mlpReplica(options: { features: number; hidden: number; seed: number }): Replica {
  return { model: handWrittenMlp(options.features, options.hidden, options.seed), loss: sigmoidCrossEntropy };
}

/** {@link mlpReplica} with the loss that reads the `mask` extra column (the data set must carry it). */
export function maskedMlpReplica(options: { features: number; hidden: number; seed: number }): Replica {
  return { model: handWrittenMlp(options.features, options.hidden, options.seed), loss: maskedSigmoidCrossEntropy };
}

/**
 * A loss that couples the rows of a batch, in the manner of loss-based sample reweighting: per-row sigmoid
 * cross-entropy `l`, weights `softmax((l − min l)/(max l − min l))` over the batch (constants: no gradient through
 * them), loss `Σ w·l`. Declared with {@link withRowCoupling}.
 */
export const lossWeightedSigmoidCrossEntropy = withRowCoupling(
  { lossName: 'lossWeightedSigmoidCrossEntropy', reason: 'per-row losses are min–max normalised over the whole batch' },
  ({ targets, predictions }: LossInputs): tf.Scalar =>
    tf.tidy(() => {
      const y = tf.reshape(targets, [-1]);
      const z = tf.reshape(predictions, [-1]);
      // max(z, 0) − z·y + log(1 + e^−|z|)
      const l = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
      // A new tensor from the values: the weights are constants for the gradient.
      const fixed = tf.tensor1d(l.dataSync() as Float32Array);
      const spread = tf.maximum(tf.sub(tf.max(fixed), tf.min(fixed)), 1e-6);
      const w = tf.softmax(tf.div(tf.sub(fixed, tf.min(fixed)), spread));
      return tf.sum(tf.mul(w, l));
    }),
);

/** {@link mlpReplica} with {@link lossWeightedSigmoidCrossEntropy}, a loss that couples rows. */
export function rowCoupledMlpReplica(options: { features: number; hidden: number; seed: number }): Replica {
  return { model: handWrittenMlp(options.features, options.hidden, options.seed), loss: lossWeightedSigmoidCrossEntropy };
}
