import * as tf from '@tensorflow/tfjs-core';

import type { FlatCtrInputs } from './inputs.js';

/** Weights of the logistic part: `bias [1]`, `numeric [d]`, `categorical [R]` (one scalar per bucket of every field). */
export interface LinearWeights {
  readonly bias: tf.Tensor;
  readonly numeric: tf.Tensor | undefined;
  readonly categorical: tf.Tensor | undefined;
}

/**
 * Logistic regression on hashed features: `z = b + Σ_j w_j·x_j + Σ_f t[offset_f + c_f]`, one scalar weight per
 * bucket of each categorical field (a dimension-1 embedding), all fields in one concatenated table `t [R]` read with
 * `gather` (its gradient is an `UnsortedSegmentSum`, which the runtime registers for the wasm backend). Returns the
 * logits `[N]`. Also the "wide" part of wide & deep and the linear part of the FM.
 */
export function logisticLogits(inputs: FlatCtrInputs, weights: LinearWeights): tf.Tensor1D {
  return tf.tidy(() => {
    const terms: tf.Tensor[] = [];
    if (inputs.numeric !== undefined && weights.numeric !== undefined) {
      const d = weights.numeric.shape[0] ?? 0;
      terms.push(tf.reshape(tf.matMul(inputs.numeric, tf.reshape(weights.numeric, [d, 1])), [inputs.count]));
    }
    if (inputs.rows !== undefined && weights.categorical !== undefined) {
      terms.push(tf.sum(tf.gather(weights.categorical, inputs.rows), 1));
    }
    const sum = terms.length === 1 ? (terms[0] as tf.Tensor) : tf.addN(terms);
    return tf.add<tf.Tensor1D>(sum, weights.bias);
  });
}
