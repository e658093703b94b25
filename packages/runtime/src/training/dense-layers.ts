import * as tf from '@tensorflow/tfjs-core';

import type { VariableBuilder } from './variable-builder.js';

/**
 * A dense layer `x·W + b` with an optional ReLU, as one fused matMul (the `_FusedMatMul` kernel). `x` must be 2-D
 * `[rows, fanIn]`; `kernel` is `[fanIn, units]`, `bias` `[units]`; the result is `[rows, units]`. Default: no ReLU.
 */
export function dense(x: tf.Tensor, kernel: tf.Tensor2D, bias: tf.Tensor1D, relu = false): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: kernel, bias, activation: relu ? 'relu' : 'linear' }) as tf.Tensor2D;
}

/** Kernel and bias of one dense layer. */
export interface DenseLayer {
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1>;
}

/**
 * Dense layers `widths[0] → widths[1] → … → widths[n]` with Glorot-uniform kernels and zero biases, created by `init`
 * in order and named `dense<i>/kernel` and `dense<i>/bias` (i from 0).
 */
export function denseLayers(init: VariableBuilder, widths: readonly number[]): DenseLayer[] {
  return widths.slice(1).map((units, i) => {
    const fanIn = widths[i] ?? 0;
    return {
      kernel: init.glorotUniform(`dense${i}/kernel`, [fanIn, units], fanIn, units) as tf.Variable<tf.Rank.R2>,
      bias: init.constant(`dense${i}/bias`, [units], 0) as tf.Variable<tf.Rank.R1>,
    };
  });
}

/** Applies dense layers in order, ReLU after every layer but the last (which returns logits): `[rows, widths[n]]`. */
export function denseStack(x: tf.Tensor, layers: readonly DenseLayer[]): tf.Tensor2D {
  let h = x as tf.Tensor2D;
  layers.forEach(({ kernel, bias }, i) => {
    h = dense(h, kernel, bias, i < layers.length - 1);
  });
  return h;
}
