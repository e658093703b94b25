import * as tf from '@tensorflow/tfjs-core';

const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * GELU (Hendrycks and Gimpel, 2016), tanh form: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`, as PyTorch's
 * `gelu(approximate='tanh')` and GPT-2. Elementwise, any shape.
 */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), GELU_C);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}
