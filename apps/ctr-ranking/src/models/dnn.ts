import * as tf from '@tensorflow/tfjs-core';

import type { FlatCtrInputs } from './inputs.js';

/** A dense layer's kernel `[in, out]` and bias `[out]`. */
export interface DenseWeights {
  readonly kernel: tf.Tensor;
  readonly bias: tf.Tensor;
}

/** Weights of the DNN: the shared embedding table `[R, k]`, ReLU hidden layers, and the output layer `[last, 1]`. */
export interface DnnWeights {
  readonly embedding: tf.Tensor | undefined;
  readonly hidden: readonly DenseWeights[];
  readonly output: DenseWeights;
}

/**
 * A small embedding + MLP CTR model: `h₀ = [E[offset_1 + c_1] ‖ … ‖ E[offset_F + c_F] ‖ x]` (`[N, F·k + d]`,
 * field embeddings concatenated in field order, then the dense features), `h_{i+1} = ReLU(h_i W_i + b_i)`,
 * logit `= h_L w_o + b_o`. Returns `[N]`. Wide & deep (Cheng et al. 2016) adds `logisticLogits` to this.
 */
export function dnnLogits(inputs: FlatCtrInputs, weights: DnnWeights): tf.Tensor1D {
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    if (inputs.rows !== undefined && weights.embedding !== undefined) {
      const [, fields = 0] = inputs.rows.shape;
      const k = weights.embedding.shape[1] ?? 0;
      parts.push(tf.reshape(tf.gather(weights.embedding, inputs.rows), [inputs.count, fields * k]));
    }
    if (inputs.numeric !== undefined) parts.push(inputs.numeric);
    let h: tf.Tensor2D = parts.length === 1 ? (parts[0] as tf.Tensor2D) : tf.concat(parts, 1);
    for (const layer of weights.hidden) {
      h = tf.fused.matMul({ a: h, b: layer.kernel, bias: layer.bias, activation: 'relu' }) as tf.Tensor2D;
    }
    const out = tf.fused.matMul({ a: h, b: weights.output.kernel, bias: weights.output.bias });
    return tf.reshape(out, [inputs.count]);
  });
}
