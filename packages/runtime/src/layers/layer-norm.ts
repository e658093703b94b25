import * as tf from '@tensorflow/tfjs-core';

/** LayerNorm epsilon of PyTorch's `nn.LayerNorm` (the default of {@link layerNorm}). */
export const LAYER_NORM_EPSILON = 1e-5;

/**
 * Layer normalisation over the last axis (Ba, Kiros and Hinton, 2016): `(x − mean) / √(var + ε) · gain + bias` with
 * the biased (population) variance, as PyTorch's `nn.LayerNorm`. `x` `[..., d]`, `gain` and `bias` `[d]`.
 */
export function layerNorm(x: tf.Tensor, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon = LAYER_NORM_EPSILON): tf.Tensor {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), gain), bias);
  });
}
