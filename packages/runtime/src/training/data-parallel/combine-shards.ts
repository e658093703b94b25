import * as tf from '@tensorflow/tfjs-core';

import { tensorValues } from './shared-arena.js';

/** One shard's result: its loss, its gradients (one per trainable variable) and its row count. */
export interface ShardResult<G> {
  readonly loss: number;
  readonly grads: readonly G[];
  readonly rows: number;
}

/**
 * Combines shard results into the full-batch loss and gradients: `Σ_k (n_k / N)·g_k`, with `n_k` the rows of shard k
 * and `N = Σ n_k`, summed in float32 in the order local shard, then the workers' shards (shards without rows are
 * left out). For a loss that is a mean over rows (the `mean` reduction, unweighted or with per-sample weights) this
 * equals the gradient of the whole batch; for losses normalised by a batch-dependent quantity (a sum of weights, a
 * count of positives) it is the average of the shards' normalised losses instead, and for losses that couple the rows
 * (declared with `withRowCoupling`) `train()` refuses data-parallel steps.
 *
 * The sum runs in JavaScript over the values (bitwise the float32 result of `tf.add(tf.mul(g_0, n_0/N), tf.mul(g_1,
 * n_1/N))`, since a float32 product or sum computed in float64 and rounded once is the float32 result), so a step
 * costs one tensor upload per variable instead of several kernel calls. Returns new tensors; the caller disposes them.
 */
export function combineShards(
  local: ShardResult<tf.Tensor>,
  remote: ReadonlyArray<ShardResult<Float32Array> | undefined>,
  variables: readonly tf.Variable[],
): { loss: number; grads: tf.Tensor[] } {
  const parts = [local, ...remote].filter((p): p is NonNullable<typeof p> => p !== undefined && p.rows > 0);
  const total = parts.reduce((sum, p) => sum + p.rows, 0);
  const loss = parts.reduce((sum, p) => sum + (p.loss * p.rows) / total, 0);
  const scales = parts.map((p) => Math.fround(p.rows / total));
  const grads = variables.map((variable, i) => {
    if (parts.length === 0) return tf.zerosLike(variable);
    const sum = new Float32Array(variable.size);
    parts.forEach((part, k) => {
      // Read the local gradient right here: a view of the wasm heap stays valid only until the next tensor allocation.
      const values = part === local ? tensorValues(local.grads[i] as tf.Tensor) : ((part.grads[i] as Float32Array | undefined) ?? new Float32Array(0));
      if (values.length !== sum.length) {
        throw new RangeError(`shard ${k}: gradient ${i} has ${values.length} values, variable "${variable.name}" ${sum.length}`);
      }
      const scale = scales[k] ?? 0;
      if (k === 0) for (let j = 0; j < sum.length; j += 1) sum[j] = (values[j] as number) * scale;
      else for (let j = 0; j < sum.length; j += 1) sum[j] = (sum[j] as number) + Math.fround((values[j] as number) * scale);
    });
    return tf.tensor(sum, variable.shape, 'float32');
  });
  return { loss, grads };
}
