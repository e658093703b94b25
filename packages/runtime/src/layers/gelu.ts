import { FUSED_GELU_TANH, FUSED_GELU_TANH_GRAD } from '@counterweight/wasm-kernels';
import * as tf from '@tensorflow/tfjs-core';

import { fusedKernelAvailable, runFusedKernel, withFusedGradient } from './fused-kernel.js';

const GELU_C = Math.sqrt(2 / Math.PI);

function composedGeluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), GELU_C);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}

function fusedGeluTanh(x: tf.Tensor): tf.Tensor {
  return withFusedGradient(
    [x],
    ([xs]) => {
      const [y, s] = runFusedKernel(FUSED_GELU_TANH, { x: xs as tf.Tensor }) as [tf.Tensor, tf.Tensor];
      return { value: y, saved: [xs as tf.Tensor, s] };
    },
    (dy, [sx, s]) => runFusedKernel(FUSED_GELU_TANH_GRAD, { dy, x: sx as tf.Tensor, s: s as tf.Tensor }),
  );
}

/**
 * GELU (Hendrycks and Gimpel, 2016), tanh form: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`, as PyTorch's
 * `gelu(approximate='tanh')` and GPT-2. Elementwise, any shape. On wasm one fused kernel forward and one backward
 * (`@counterweight/wasm-kernels`' `CounterweightGeluTanh`); other backends compose tfjs ops.
 */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && fusedKernelAvailable(FUSED_GELU_TANH)) return fusedGeluTanh(x);
  return composedGeluTanh(x);
}
