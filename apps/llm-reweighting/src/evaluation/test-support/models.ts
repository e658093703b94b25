// Test-only: tiny models for the evaluation functions.
import { fromVariables, type TrainableModel } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** A bigram model: logits of token x are row x of `table` `[rows, V]` (rows ≥ V + 1 to accept a mask id V). */
export function bigramModel(table: number[][], name: string): { model: TrainableModel; dispose: () => void } {
  const variable = tf.variable(tf.tensor2d(table), false, name);
  return { model: fromVariables({ variables: { table: variable }, forward: (x) => tf.gather(variable, x as tf.Tensor) }), dispose: () => variable.dispose() };
}

/** A model whose logits are all zero (the uniform distribution over V tokens). */
export function uniformModel(V: number): TrainableModel {
  return { trainableVariables: [], variables: [], predict: (x) => tf.zeros([...(x as tf.Tensor).shape, V]) };
}
