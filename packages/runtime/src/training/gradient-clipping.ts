import * as tf from '@tensorflow/tfjs-core';

import { TrainingError } from '../errors.js';

/** Gradient clipping applied in each training step: by value first, then by global norm (either may be omitted). */
export interface ClipConfig {
  /** Rescale all gradients together so that their joint L2 norm is at most this (TF `clip_by_global_norm`). */
  readonly globalNorm?: number;
  /** Clamp every gradient element to [-value, value]. */
  readonly value?: number;
}

function checkLimit(limit: number, argument: string): void {
  if (!(Number.isFinite(limit) && limit > 0)) {
    throw new TrainingError(argument, `must be a finite number > 0, got ${limit}`);
  }
}

/** Checks a {@link ClipConfig}; throws a TrainingError naming `clip.globalNorm` or `clip.value`. */
export function validateClipConfig(config: ClipConfig): void {
  if (config.globalNorm !== undefined) checkLimit(config.globalNorm, 'clip.globalNorm');
  if (config.value !== undefined) checkLimit(config.value, 'clip.value');
}

/** The joint L2 norm `sqrt(sum_i ||g_i||^2)` of the gradients, as a new scalar. */
export function globalNorm(gradients: readonly tf.Tensor[]): tf.Scalar {
  if (gradients.length === 0) throw new TrainingError('gradients', 'must not be empty');
  return tf.tidy(() => tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
}

/**
 * Scales every gradient by `maxNorm / max(globalNorm, maxNorm)` (so nothing changes when the norm is within bounds).
 * Returns new tensors in the same order; the inputs are left untouched (the caller disposes both).
 */
export function clipByGlobalNorm(gradients: readonly tf.Tensor[], maxNorm: number): tf.Tensor[] {
  checkLimit(maxNorm, 'maxNorm');
  return tf.tidy(() => {
    const norm = globalNorm(gradients);
    const scale = tf.div(tf.scalar(maxNorm), tf.maximum(norm, tf.scalar(maxNorm)));
    return gradients.map((g) => tf.mul(g, scale));
  });
}

/** Clamps every element to `[-limit, limit]`; returns new tensors in the same order (inputs untouched). */
export function clipByValue(gradients: readonly tf.Tensor[], limit: number): tf.Tensor[] {
  checkLimit(limit, 'limit');
  return tf.tidy(() => gradients.map((g) => tf.clipByValue(g, -limit, limit)));
}

/** Applies a {@link ClipConfig} (value, then global norm); returns new tensors, inputs untouched. */
export function clipGradients(gradients: readonly tf.Tensor[], config: ClipConfig): tf.Tensor[] {
  validateClipConfig(config);
  return tf.tidy(() => {
    let out: readonly tf.Tensor[] = gradients;
    if (config.value !== undefined) out = clipByValue(out, config.value);
    if (config.globalNorm !== undefined) out = clipByGlobalNorm(out, config.globalNorm);
    // Without any limit, still return copies so the caller's ownership rule is the same in every case.
    return out === gradients ? gradients.map((g) => tf.clone(g)) : [...out];
  });
}
