import { availableParallelism } from 'node:os';

import * as tf from '@tensorflow/tfjs-core';

import { activeBackend, type BackendName } from '../../backend.js';
import { TrainingError } from '../../errors.js';
import type { InMemoryDataset } from '../dataset.js';
import type { GradientStrategy } from '../gradient-strategy.js';
import type { TrainableModel } from '../model.js';
import type { ReplicaSpec } from './replica.js';
import { GradientWorkerPool, combineShards, splitRows } from './worker-pool.js';

/** `TrainOptions.parallel`: a replica spec (the pool lives for one `train()` call) or a pool started by the caller. */
export type DataParallelOptions =
  | { readonly replica: ReplicaSpec; readonly workers?: number }
  | { readonly pool: GradientWorkerPool };

/**
 * Data-parallel steps: every batch is split into contiguous shards, one per worker thread and one for this thread
 * (computed with `local`, meanwhile); the workers' replicas read the current trainable weights from shared memory and
 * write their shard's gradients into it, and the main thread combines them weighted by shard size
 * ({@link combineShards}). With `{ replica }` the pool
 * is started here (`workers` default: cores − 1) and closed by `close()`; a `{ pool }` stays open for its owner.
 * @throws TrainingError when a given pool was started for another data set, or a replica does not match the model.
 */
export async function dataParallelGradients(
  options: DataParallelOptions,
  context: { readonly model: TrainableModel; readonly train: InMemoryDataset; readonly seed: number; readonly local: GradientStrategy },
): Promise<GradientStrategy> {
  const { model, train, local } = context;
  const own = !('pool' in options);
  const pool =
    'pool' in options
      ? options.pool
      : await GradientWorkerPool.start({
          replica: options.replica,
          dataset: train,
          workers: options.workers ?? Math.max(1, availableParallelism() - 1),
          backend: (activeBackend()?.name ?? tf.getBackend()) as BackendName,
          model,
          seed: context.seed,
        });
  if (pool.dataset !== train) {
    throw new TrainingError('parallel.pool', 'was started for another data set; start it with this `train` data set');
  }
  const trainable = [...model.trainableVariables];
  let closed = false;
  return {
    gradients: async (request) => {
      const [mine = new Int32Array(0), ...shards] = splitRows(request.rows, pool.size + 1);
      // The pool copies the weights into shared memory before it posts the shards, so they may change afterwards.
      const remote = pool.computeShards(trainable, shards);
      const part = await local.gradients({ ...request, rows: mine });
      try {
        const results = await remote;
        const combined = combineShards(
          part,
          results.map((r, k) => (r === undefined ? undefined : { ...r, rows: shards[k]?.length ?? 0 })),
          trainable,
        );
        return { ...combined, rows: request.rows.length };
      } finally {
        tf.dispose(part.grads);
      }
    },
    close: async () => {
      if (own && !closed) {
        closed = true;
        await pool.close();
      }
    },
  };
}
