import * as tf from '@tensorflow/tfjs-core';

/**
 * The optimiser tests' problem, in float64: f(x) = f0 + ½ Σ a_i (x_i − b_i)² over two variables, w = x[0..2]
 * (shape [1, 3]) and u = x[3..4] (shape [2]), so every inner product and norm of an optimiser has to run over both
 * variables jointly.
 */
export const A = [1.5, 0.5, 2, 1, 0.8];
export const B = [0.3, -1, 0.5, 2, -0.4];
export const X0 = [1, 0.5, -1, 0.2, 1.5];
export const SHAPES: number[][] = [[1, 3], [2]];

/** Value and gradient of the quadratic at `x`. */
export function quadratic64(x: readonly number[], f0: number): { f: number; g: number[] } {
  let f = f0;
  const g = x.map((xi, i) => {
    const r = xi - (B[i] as number);
    f += 0.5 * (A[i] as number) * r * r;
    return (A[i] as number) * r;
  });
  return { f, g };
}

/** Inner product in float64. */
export const dot64 = (a: readonly number[], b: readonly number[]): number => a.reduce((s, ai, i) => s + ai * (b[i] as number), 0);

/** The float64 reference trajectory of a loss-aware optimiser: iterates, lower bounds and step sizes per step. */
export interface Reference {
  readonly x: number[][];
  readonly lowerBound: number[];
  readonly tau: number[];
  readonly resets: number;
}

/** Variables holding `values` split as w [1, 3] and u [2]. */
export function makeVariables(values: readonly number[]): tf.Variable[] {
  // tidy releases the initial-value tensors; variables survive it.
  return tf.tidy(() => [tf.variable(tf.tensor(values.slice(0, 3), SHAPES[0]), true), tf.variable(tf.tensor(values.slice(3), SHAPES[1]), true)]);
}

/** The variables' values, flattened in order. */
export const readVariables = (variables: readonly tf.Variable[]): number[] => variables.flatMap((v) => Array.from(v.dataSync()));

/** What the loss-aware optimisers under test share: a step that takes the loss with the gradients. */
export interface LossAwareStep {
  step(loss: number, gradients: ReadonlyArray<{ readonly variable: tf.Variable; readonly gradient: tf.Tensor }>): void;
}

/** One step: the float64 loss and gradient at the variables' current values, handed to the optimiser. */
export function quadraticStep(optimizer: LossAwareStep, variables: readonly tf.Variable[], f0 = 0): number {
  const { f, g } = quadratic64(readVariables(variables), f0);
  const gradients = [tf.tensor(g.slice(0, 3), SHAPES[0]), tf.tensor(g.slice(3), SHAPES[1])];
  optimizer.step(f, variables.map((variable, i) => ({ variable, gradient: gradients[i] as tf.Tensor })));
  tf.dispose(gradients);
  return f;
}

/** The bytes of a tensor as hex, for bitwise comparisons. */
export const tensorBits = (t: tf.Tensor): string => Buffer.from(t.dataSync().buffer).toString('hex');

