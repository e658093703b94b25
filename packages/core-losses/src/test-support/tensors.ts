// Test-only: reading tensors back.
import type * as tf from '@tensorflow/tfjs-core';

/** The first value of a tensor (a scalar loss), NaN when empty. */
export const scalarOf = (t: tf.Tensor): number => t.dataSync()[0] ?? Number.NaN;
