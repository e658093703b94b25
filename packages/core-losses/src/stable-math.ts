import * as tf from '@tensorflow/tfjs-core';

/**
 * `log(1 + z)` for z ≥ 0, accurate on every backend. tfjs-backend-wasm 4.22 evaluates `log1p` as `log(1 + z)`,
 * which is off by 1e-3 relative at z = 1e-5; Goldberg's identity `log1p(z) = log(u)·z / (u − 1)` with
 * `u = 1 + z` (and `z` itself where `u` rounds to 1) is correct to a few float32 ulps. Forward only.
 */
function log1pNonNegative(z: tf.Tensor): tf.Tensor {
  const u = tf.add(1, z);
  return tf.where(tf.equal(u, 1), z, tf.mul(tf.log(u), tf.div(z, tf.sub(u, 1))));
}

const softplusWithGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  const value = tf.add(tf.relu(x), log1pNonNegative(tf.exp(tf.neg(tf.abs(x)))));
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.sigmoid(saved[0] as tf.Tensor))],
  };
});

/**
 * `softplus(x) = log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(−|x|))`: accurate to float32 precision for
 * every x on every backend (tfjs' own `softplus` forms `1 + exp(x)` and loses up to 1e-3 relative precision for x
 * in [−14, −3]), never overflows, and has the exact gradient `σ(x)` everywhere. (Differentiating the max/abs form
 * instead would give 0 rather than ½ at x = 0, where zero-initialised output layers start.)
 *
 * Shape: elementwise, any shape. Reference: the identity `log(1 + e^x) = max(x, 0) + log(1 + e^{−|x|})`.
 */
export function softplus(x: tf.Tensor): tf.Tensor {
  return softplusWithGrad(x);
}
