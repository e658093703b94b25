import { dense, type DenseLayer, type VariableBuilder } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * The shared trunk of the MLP forecaster: `layers` dense layers of `hidden` ReLU units over the flattened window,
 * `h₀ = x ∈ ℝ^{history·features}`, `hᵢ = relu(hᵢ₋₁·Wᵢ + bᵢ)`. Glorot-uniform kernels, zero biases; variables named
 * `trunk/dense<i>/kernel` (`[in, hidden]`) and `trunk/dense<i>/bias` (`[hidden]`), i from 0.
 */
export interface MlpTrunk {
  readonly kind: 'mlp';
  /** Width of the flattened window, `history·features`. */
  readonly inputSize: number;
  readonly layers: readonly DenseLayer[];
  /** Width of the trunk's output (`hidden`). */
  readonly outputSize: number;
}

/** Creates the variables of an {@link MlpTrunk} with `init` (in layer order, kernel before bias). */
export function createMlpTrunk(init: VariableBuilder, inputSize: number, hidden: number, layers: number): MlpTrunk {
  const built: DenseLayer[] = [];
  let fanIn = inputSize;
  for (let i = 0; i < layers; i += 1) {
    built.push({
      kernel: init.glorotUniform(`trunk/dense${i}/kernel`, [fanIn, hidden], fanIn, hidden) as tf.Variable<tf.Rank.R2>,
      bias: init.constant(`trunk/dense${i}/bias`, [hidden], 0) as tf.Variable<tf.Rank.R1>,
    });
    fanIn = hidden;
  }
  return { kind: 'mlp', inputSize, layers: built, outputSize: hidden };
}

/** Runs the trunk on flattened windows `[B, history·features]` → `[B, hidden]`; intermediates are the caller's to tidy. */
export function applyMlpTrunk(trunk: MlpTrunk, x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (const layer of trunk.layers) h = dense(h, layer.kernel, layer.bias, true);
  return h;
}
