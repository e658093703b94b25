import { dense, type DenseLayer, type VariableBuilder } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * One task head of the multi-task forecaster (AirCast's structure: a shared trunk, one head for the weather targets
 * and one for the pollutants; Nedungadi et al., 2024, research note papers-regression §1.3):
 * `y = relu(h·W₁ + b₁)·W₂ + b₂`, a hidden layer of `headHidden` ReLU units and a linear output layer.
 * Variables `<name>/hidden/kernel` `[in, headHidden]`, `<name>/hidden/bias`, `<name>/output/kernel`
 * `[headHidden, outputs]`, `<name>/output/bias`; Glorot-uniform kernels, zero biases.
 */
export interface TaskHead {
  /** `weather` or `pollutant`. */
  readonly name: string;
  readonly hidden: DenseLayer;
  readonly output: DenseLayer;
  /** Columns of the head's output. */
  readonly outputs: number;
}

function denseLayer(init: VariableBuilder, name: string, fanIn: number, units: number): DenseLayer {
  return {
    kernel: init.glorotUniform(`${name}/kernel`, [fanIn, units], fanIn, units) as tf.Variable<tf.Rank.R2>,
    bias: init.constant(`${name}/bias`, [units], 0) as tf.Variable<tf.Rank.R1>,
  };
}

/** Creates the variables of a {@link TaskHead} named `name` over `inputSize` trunk features. */
export function createTaskHead(init: VariableBuilder, name: string, inputSize: number, headHidden: number, outputs: number): TaskHead {
  const hidden = denseLayer(init, `${name}/hidden`, inputSize, headHidden);
  const output = denseLayer(init, `${name}/output`, headHidden, outputs);
  return { name, hidden, output, outputs };
}

/** Runs a head on trunk features `[B, in]` → `[B, outputs]`; intermediates are the caller's to tidy. */
export function applyTaskHead(head: TaskHead, features: tf.Tensor2D): tf.Tensor2D {
  return dense(dense(features, head.hidden.kernel, head.hidden.bias, true), head.output.kernel, head.output.bias);
}
