import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions {
  /** Mask the future: position i attends to positions ≤ i only (default true). */
  readonly causal?: boolean;
}

/**
 * Scaled dot-product attention (Vaswani et al., 2017): `softmax(q·kᵀ/√d_h + M)·v` per batch row and head, with `M`
 * the causal mask (−∞ above the diagonal) when `causal`. `q`, `k`, `v` `[B, H, T, d_h]` → `[B, H, T, d_h]`.
 */
export function scaledDotProductAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: AttentionOptions = {}): tf.Tensor4D {
  const causal = options.causal ?? true;
  return tf.tidy(() => {
    const t = q.shape[2];
    const headWidth = q.shape[3];
    let scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(headWidth)), k, false, true);
    if (causal) {
      const mask = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
      scores = tf.add(scores, tf.mul(tf.sub(1, mask), -1e9));
    }
    return tf.matMul(tf.softmax(scores), v);
  });
}
