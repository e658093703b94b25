import { FUSED_LAYER_NORM, FUSED_LAYER_NORM_GRAD } from '@counterweight/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';

import { fusedKernelAvailable, runFusedKernel, withFusedGradient } from './fused-kernel.js';

/** LayerNorm epsilon of PyTorch's `nn.LayerNorm` (the default of {@link layerNorm}). */
export const LAYER_NORM_EPSILON = 1e-5;

function composedLayerNorm(x: tf.Tensor, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), -1, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), gain), bias);
  });
}

function fusedLayerNorm(x: tf.Tensor, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): tf.Tensor {
  return withFusedGradient(
    [x, gain, bias],
    ([xs, g, b]) => {
      const [y, mean, rstd] = runFusedKernel(FUSED_LAYER_NORM, { x: xs as tf.Tensor, gain: g as tf.Tensor, bias: b as tf.Tensor }, { epsilon }) as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      return { value: y, saved: [xs as tf.Tensor, mean, rstd, g as tf.Tensor] };
    },
    (dy, [sx, mean, rstd, g]) =>
      runFusedKernel(FUSED_LAYER_NORM_GRAD, { dy, x: sx as tf.Tensor, mean: mean as tf.Tensor, rstd: rstd as tf.Tensor, gain: g as tf.Tensor }),
  );
}

/**
 * Layer normalisation over the last axis (Ba, Kiros and Hinton, 2016): `(x − mean) / √(var + ε) · gain + bias` with
 * the biased (population) variance, as PyTorch's `nn.LayerNorm`. `x` `[..., d]`, `gain` and `bias` `[d]`.
 * On wasm it runs one fused kernel forward and one backward (`@counterweight/wasm-kernels`' `CounterweightLayerNorm`,
 * saving the row means and reciprocal standard deviations); other backends compose tfjs ops (same values within
 * float32 rounding).
 */
export function layerNorm(x: tf.Tensor, gain: tf.Tensor1D, bias: tf.Tensor1D, epsilon = LAYER_NORM_EPSILON): tf.Tensor {
  if (x.dtype === 'float32' && fusedKernelAvailable(FUSED_LAYER_NORM)) return fusedLayerNorm(x, gain, bias, epsilon);
  return composedLayerNorm(x, gain, bias, epsilon);
}
