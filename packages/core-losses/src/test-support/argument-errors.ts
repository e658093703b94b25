// Test-only: which argument a loss's LossArgumentError names.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

import { LossArgumentError } from '../errors.js';

/**
 * Runs `call` inside `tf.tidy` (so the tensors of a call that fails half-way are released) and returns the
 * `argument` of the `LossArgumentError` it throws, or undefined when it does not throw; expects any other error to
 * be a `LossArgumentError`.
 */
export function argumentOf(call: () => unknown): string | undefined {
  try {
    tf.tidy(() => void call());
  } catch (error) {
    expect(error).toBeInstanceOf(LossArgumentError);
    return (error as LossArgumentError).argument;
  }
  return undefined;
}
