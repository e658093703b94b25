import * as tf from '@tensorflow/tfjs-core';

import type { FlatCtrInputs } from './inputs.js';

/** Latent factors of an FM: `categorical [R, k]` (one row per bucket), `numeric [d, k]` (one row per dense feature). */
export interface FmFactors {
  readonly categorical: tf.Tensor | undefined;
  readonly numeric: tf.Tensor | undefined;
}

/**
 * The pairwise part of a factorization machine (Rendle, "Factorization Machines", ICDM 2010):
 *
 *   `Σ_{i<j} ⟨v_i, v_j⟩ x_i x_j = ½ Σ_k [ (Σ_i v_ik x_i)² − Σ_i v_ik² x_i² ]`   (O(n·k) instead of O(n²·k))
 *
 * over all fields: each categorical field contributes its bucket's factor row with `x = 1`, each dense feature `j`
 * its factor `u_j` scaled by its value `x_j`. So `Σ_i v_i x_i = Σ_f V[offset_f + c_f] + x·U` and
 * `Σ_i v_i² x_i² = Σ_f V[offset_f + c_f]² + x²·U²`. Returns `[N]`; the FM logit is this plus `logisticLogits`.
 */
export function fmInteractions(inputs: FlatCtrInputs, factors: FmFactors): tf.Tensor1D {
  return tf.tidy(() => {
    const sums: tf.Tensor[] = [];
    const squares: tf.Tensor[] = [];
    if (inputs.rows !== undefined && factors.categorical !== undefined) {
      const v = tf.gather(factors.categorical, inputs.rows); // [N, F, k]
      sums.push(tf.sum(v, 1));
      squares.push(tf.sum(tf.square(v), 1));
    }
    if (inputs.numeric !== undefined && factors.numeric !== undefined) {
      const u = factors.numeric as tf.Tensor2D;
      sums.push(tf.matMul(inputs.numeric, u));
      squares.push(tf.matMul(tf.square(inputs.numeric), tf.square(u)));
    }
    const sum = sums.length === 1 ? (sums[0] as tf.Tensor) : tf.addN(sums);
    const square = squares.length === 1 ? (squares[0] as tf.Tensor) : tf.addN(squares);
    return tf.mul<tf.Tensor1D>(tf.sum(tf.sub(tf.square(sum), square), 1), 0.5);
  });
}
