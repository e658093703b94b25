import { ConfigError } from '@counterweight/runtime';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Checks the two tensors a language-model objective receives: `predictions` logits `[B, T, V]` and `targets` token
 * ids `[B, T]` (`-100` = not scored). Shape checks only (no data read back, so no sync in the training path).
 * @throws ConfigError naming `<objective>.predictions` or `<objective>.targets` with the shape it got.
 */
export function checkTokenBatch(objective: string, predictions: tf.Tensor, targets: tf.Tensor): void {
  if (predictions.rank !== 3) {
    throw new ConfigError(`${objective}.predictions`, `must be logits [B, T, V], got shape [${predictions.shape.join(', ')}]`);
  }
  const [b, t] = predictions.shape;
  if (targets.rank !== 2 || targets.shape[0] !== b || targets.shape[1] !== t) {
    throw new ConfigError(`${objective}.targets`, `must be token ids [${b}, ${t}] (the logits without the vocabulary axis), got [${targets.shape.join(', ')}]`);
  }
}
