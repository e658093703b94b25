// Test-only: the project's leak check (as in core-losses' test support): tensor count before and after, outside tf.tidy.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Runs `step` outside tf.tidy, disposes what it returns and expects `tf.memory().numTensors` back at its count before. */
export async function expectNoLeak(step: () => tf.TensorContainer | Promise<tf.TensorContainer>): Promise<void> {
  if (tf.engine().state.scopeStack.length > 0) throw new Error('expectNoLeak: called inside tf.tidy, where a leak could not be seen');
  const before = tf.memory().numTensors;
  tf.dispose(await step());
  expect(tf.memory().numTensors, 'tensors left behind by the step').toBe(before);
}
