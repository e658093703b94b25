// Test-only: the project's leak check — tf.memory().numTensors before and after a step, counted outside tf.tidy.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs `step` outside any `tf.tidy`, disposes exactly the tensors it returns (the results and gradients the test
 * received), and expects `tf.memory().numTensors` to be back at its count from before the step. Inputs the test made
 * before calling are not counted and stay alive. Throws when called inside a tidy scope, where a leak is swept away
 * and the check could not fail.
 */
export function expectNoLeak(step: () => tf.TensorContainer): void {
  if (tf.engine().state.scopeStack.length > 0) {
    throw new Error('expectNoLeak: called inside tf.tidy, which would dispose a leaked tensor; call it outside');
  }
  const before = tf.memory().numTensors;
  tf.dispose(step());
  expect(tf.memory().numTensors, 'tensors left behind by the step').toBe(before);
}

/**
 * A training step and an evaluation of `loss` at `x`: the value and gradient with respect to `x`
 * (`tf.valueAndGrad`) and a plain forward call, returned in that order for `expectNoLeak` to dispose (a test may read
 * them first). The forward call is the part
 * that catches a leaked intermediate: tfjs runs the forward and backward passes of a gradient inside its own tidy,
 * so there only a kept tensor or a variable made by the loss can leak.
 */
export function stepAndEvaluation(loss: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): [value: tf.Tensor, grad: tf.Tensor, evaluation: tf.Tensor] {
  const { value, grad } = tf.valueAndGrad(loss)(x);
  return [value, grad, loss(x)];
}

/**
 * `expectNoLeak` over `stepAndEvaluation(loss, x)` and the tensors `more()` makes (further evaluations of the same
 * loss, say); returns the step's value and gradient, read before they are disposed.
 */
export function valueAndGradientWithoutLeak(
  loss: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  more: () => tf.Tensor[] = () => [],
): { value: number; gradient: number[] } {
  let value = Number.NaN;
  let gradient: number[] = [];
  expectNoLeak(() => {
    const step = stepAndEvaluation(loss, x);
    value = step[0].dataSync()[0] ?? Number.NaN;
    gradient = Array.from(step[1].dataSync());
    return [...step, ...more()];
  });
  return { value, gradient };
}
