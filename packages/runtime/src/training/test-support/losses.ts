import { sigmoidCrossEntropy as coreSigmoidCrossEntropy } from '@counterweight/core-losses';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Sigmoid cross-entropy on logits from `@counterweight/core-losses`, averaged over the batch; with sample weights,
 * `mean(w * loss)` (Keras' `sample_weight` semantics, the loss's `mean` reduction).
 */
export function sigmoidCrossEntropy(targets: tf.Tensor, logits: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(
    () =>
      coreSigmoidCrossEntropy(tf.reshape(targets, [-1]), tf.reshape(logits, [-1]), {
        reduction: 'mean',
        ...(weights === undefined ? {} : { weights }),
      }) as tf.Scalar,
  );
}

/** Mean squared error (weighted as `mean(w * err^2)`). */
export function meanSquaredError(targets: tf.Tensor, predictions: tf.Tensor, weights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const perRow = tf.mean(tf.square(tf.sub(tf.reshape(predictions, targets.shape), targets)), -1);
    const flat = tf.reshape(perRow, [-1]);
    return tf.mean(weights === undefined ? flat : tf.mul(flat, weights));
  });
}

/** Accuracy of logits against 0/1 targets at threshold 0 (probability 0.5). */
export function binaryAccuracy(targets: tf.Tensor, logits: tf.Tensor): number {
  const hits = tf.equal(tf.cast(tf.greater(tf.reshape(logits, [-1]), 0), 'float32'), tf.reshape(targets, [-1]));
  return tf.mean(tf.cast(hits, 'float32')).dataSync()[0] as number;
}

/** Mean predicted probability `mean(sigmoid(logits))`. */
export function meanProbability(_targets: tf.Tensor, logits: tf.Tensor): number {
  return tf.mean(tf.sigmoid(logits)).dataSync()[0] as number;
}
