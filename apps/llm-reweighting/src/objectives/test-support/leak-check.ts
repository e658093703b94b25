// Test-only: tf.memory().numTensors before and after a step, counted outside tf.tidy.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Runs `step` outside any tidy, disposes what it returns, and expects the tensor count to be back where it was. */
export function expectNoLeak(step: () => tf.TensorContainer): void {
  if (tf.engine().state.scopeStack.length > 0) throw new Error('expectNoLeak: called inside tf.tidy, where a leak could not be seen');
  const before = tf.memory().numTensors;
  tf.dispose(step());
  expect(tf.memory().numTensors, 'tensors left behind by the step').toBe(before);
}
