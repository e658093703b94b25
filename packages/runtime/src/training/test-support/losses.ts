import { sigmoidCrossEntropy as coreSigmoidCrossEntropy } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

import { withExtras, type LossInputs } from '../loss-inputs.js';

/**
 * Sigmoid cross-entropy on logits from `@counterweight/core-losses`, averaged over the batch; with sample weights,
 * `mean(w * loss)` (Keras' `sample_weight` semantics, the loss's `mean` reduction).
 */
export function sigmoidCrossEntropy({ targets, predictions, sampleWeights }: LossInputs): tf.Scalar {
  return tf.tidy(
    () =>
      coreSigmoidCrossEntropy(tf.reshape(targets, [-1]), tf.reshape(predictions, [-1]), {
        reduction: 'mean',
        ...(sampleWeights === undefined ? {} : { weights: sampleWeights }),
      }) as tf.Scalar,
  );
}

/** Mean squared error (weighted as `mean(w * err^2)`). */
export function meanSquaredError({ targets, predictions, sampleWeights }: LossInputs): tf.Scalar {
  return tf.tidy(() => {
    const perRow = tf.mean(tf.square(tf.sub(tf.reshape(predictions, targets.shape), targets)), -1);
    const flat = tf.reshape(perRow, [-1]);
    return tf.mean(sampleWeights === undefined ? flat : tf.mul(flat, sampleWeights));
  });
}

/** Accuracy of logits against 0/1 targets at threshold 0 (probability 0.5). */
export function binaryAccuracy({ targets, predictions }: LossInputs): number {
  const hits = tf.equal(tf.cast(tf.greater(tf.reshape(predictions, [-1]), 0), 'float32'), tf.reshape(targets, [-1]));
  return tf.mean(tf.cast(hits, 'float32')).dataSync()[0] as number;
}

/** Mean predicted probability `mean(sigmoid(logits))`. */
export function meanProbability({ predictions }: LossInputs): number {
  return tf.mean(tf.sigmoid(predictions)).dataSync()[0] as number;
}

/**
 * {@link sigmoidCrossEntropy} with each row weighted by the data set's `mask` extra column (`[B]`) instead of its
 * sample weights: the same arithmetic as the weighted loss on a data set whose weights are the mask.
 */
export const maskedSigmoidCrossEntropy = withExtras(
  { lossName: 'maskedSigmoidCrossEntropy', extras: ['mask'] },
  ({ targets, predictions, extras }: LossInputs<'mask'>): tf.Scalar =>
    sigmoidCrossEntropy({ targets, predictions, sampleWeights: extras.mask as tf.Tensor1D, extras: {} }),
);

/** Fraction of rows whose `mask` extra is 1 (a metric reading an extra column). */
export const maskedFraction = withExtras(
  { lossName: 'maskedFraction', extras: ['mask'] },
  ({ extras }: LossInputs<'mask'>): number => tf.mean(extras.mask).dataSync()[0] as number,
);
