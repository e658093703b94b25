import { FUSED_ATTENTION_SOFTMAX, FUSED_ATTENTION_SOFTMAX_GRAD } from '@counterweight/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';

import { fusedKernelAvailable, runFusedKernel, withFusedGradient } from './fused-kernel.js';

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions {
  /** Mask the future: position i attends to positions ≤ i only (default true). */
  readonly causal?: boolean;
}

function composedAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, causal: boolean): tf.Tensor4D {
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

/** `softmax(scale·scores + M)` over the last axis through the fused kernel and its fused gradient. */
function fusedAttentionSoftmax(scores: tf.Tensor, scale: number, causal: boolean): tf.Tensor {
  const attrs = { scale, causal };
  return withFusedGradient(
    [scores],
    ([s]) => {
      const [p] = runFusedKernel(FUSED_ATTENTION_SOFTMAX, { scores: s as tf.Tensor }, attrs) as [tf.Tensor];
      return { value: p, saved: [p] };
    },
    (dp, [p]) => runFusedKernel(FUSED_ATTENTION_SOFTMAX_GRAD, { dp, p: p as tf.Tensor }, attrs),
  );
}

/**
 * Scaled dot-product attention (Vaswani et al., 2017): `softmax(q·kᵀ/√d_h + M)·v` per batch row and head, with `M`
 * the causal mask (−∞ above the diagonal) when `causal`. `q`, `k`, `v` `[B, H, T, d_h]` → `[B, H, T, d_h]`.
 * On wasm the scale, mask and softmax (and their backward) are one fused kernel each way
 * (`@counterweight/wasm-kernels`' `CounterweightAttentionSoftmax`) between the two matrix products; other backends
 * compose tfjs ops (masked weights are exactly 0 either way).
 */
export function scaledDotProductAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: AttentionOptions = {}): tf.Tensor4D {
  const causal = options.causal ?? true;
  if (q.dtype !== 'float32' || !fusedKernelAvailable(FUSED_ATTENTION_SOFTMAX)) return composedAttention(q, k, v, causal);
  return tf.tidy(() => {
    const scores = tf.matMul(q, k, false, true);
    return tf.matMul(fusedAttentionSoftmax(scores, 1 / Math.sqrt(q.shape[3]), causal), v);
  });
}
