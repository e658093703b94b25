import type { Worker } from 'node:worker_threads';

import * as tf from '@tensorflow/tfjs-core';

import type { BackendName } from '../../backend.js';
import { TrainingError } from '../../errors.js';
import { startModuleWorker } from '../../parallel/task-pool.js';
import type { InMemoryDataset } from '../dataset.js';
import type { TrainableModel } from '../model.js';
import type { FromWorker, ToWorker } from './messages.js';
import { trainableSignature, type ReplicaSpec } from './replica.js';
import { sharedDatasetSpec } from './shared-dataset.js';

const WORKER_URL = new URL(`./gradient-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

function startWorker(): Worker {
  return startModuleWorker(WORKER_URL);
}

/** Options of {@link GradientWorkerPool.start}. */
export interface GradientWorkerPoolOptions {
  /** How each worker rebuilds the model and loss. */
  readonly replica: ReplicaSpec;
  /** The training data; copied once into shared memory that every worker reads. */
  readonly dataset: InMemoryDataset;
  /** Worker threads besides the main thread (at least 1). */
  readonly workers: number;
  /** Backend the workers use; the main thread's backend. */
  readonly backend: BackendName;
  /** The main thread's model; replicas must have the same trainable variables (order and shapes). */
  readonly model: TrainableModel;
  readonly seed: number;
}

interface Pending {
  resolve(result: { loss: number; grads: Float32Array[] }): void;
  reject(error: Error): void;
}

/** Splits `rows` into `parts` contiguous shards whose sizes differ by at most one (empty shards at the end). */
export function splitRows(rows: Int32Array, parts: number): Int32Array[] {
  const shards: Int32Array[] = [];
  const base = Math.floor(rows.length / parts);
  const extra = rows.length % parts;
  let start = 0;
  for (let k = 0; k < parts; k += 1) {
    const size = base + (k < extra ? 1 : 0);
    shards.push(rows.subarray(start, start + size));
    start += size;
  }
  return shards;
}

/**
 * Worker threads that each hold a replica of the model and compute loss gradients on a shard of every batch, so a
 * training step uses every core: tfjs-backend-wasm computes on one thread in Node, so a second core otherwise idles.
 * The main thread keeps the only optimizer and the authoritative weights; each step it sends the current trainable
 * weights to the workers with their shard rows, computes its own shard meanwhile, and combines the gradients weighted
 * by shard size ({@link combineShards}).
 */
export class GradientWorkerPool {
  /** The training data the workers hold; `train()` accepts the pool only for this data set. */
  readonly dataset: InMemoryDataset;
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(workers: Worker[], dataset: InMemoryDataset) {
    this.workers = workers;
    this.dataset = dataset;
    workers.forEach((worker, index) => {
      worker.on('message', (message: FromWorker) => this.receive(message));
      worker.on('error', (error: Error) => this.fail(new TrainingError('parallel', `worker ${index + 1} crashed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new TrainingError('parallel', `worker ${index + 1} exited with code ${code}`));
      });
    });
  }

  /** Number of worker threads (the main thread computes one more shard). */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Starts the workers, builds a replica in each and checks it against the main model.
   * @throws TrainingError naming the worker and the first variable whose name or shape differs.
   */
  static async start(options: GradientWorkerPoolOptions): Promise<GradientWorkerPool> {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new TrainingError('parallel.workers', `must be an integer >= 1, got ${options.workers}`);
    }
    const dataset = sharedDatasetSpec(options.dataset);
    const expected = trainableSignature(options.model);
    const workers = Array.from({ length: options.workers }, () => startWorker());
    const pool = new GradientWorkerPool(workers, options.dataset);
    try {
      await Promise.all(
        workers.map(
          (worker, index) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (message: FromWorker): void => {
                if (message.kind === 'ready') {
                  worker.off('message', onMessage);
                  const mismatch = firstMismatch(expected, message.signature);
                  if (mismatch === undefined) resolve();
                  else reject(new TrainingError('parallel.replica', `worker ${index + 1}: ${mismatch}`));
                } else if (message.kind === 'error' && message.id === null) {
                  worker.off('message', onMessage);
                  reject(new TrainingError('parallel.replica', `worker ${index + 1} failed to start: ${message.message}`));
                }
              };
              worker.on('message', onMessage);
              worker.once('error', reject);
              const init: ToWorker = {
                kind: 'init',
                backend: options.backend,
                replica: options.replica,
                dataset,
                seed: options.seed,
                worker: index + 1,
              };
              worker.postMessage(init);
            }),
        ),
      );
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /**
   * Sends `weights` and one shard of rows to each worker; resolves with their losses and gradients in worker order.
   * Workers given an empty shard are skipped (their result is undefined).
   */
  computeShards(
    weights: readonly Float32Array[],
    shards: readonly Int32Array[],
  ): Promise<Array<{ loss: number; grads: Float32Array[] } | undefined>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return Promise.all(
      this.workers.map((worker, index) => {
        const rows = shards[index];
        if (rows === undefined || rows.length === 0) return Promise.resolve(undefined);
        const id = this.nextId;
        this.nextId += 1;
        return new Promise<{ loss: number; grads: Float32Array[] }>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          const message: ToWorker = { kind: 'step', id, weights, rows: Int32Array.from(rows) };
          worker.postMessage(message);
        });
      }),
    );
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.fail(new TrainingError('parallel', 'the worker pool is closed'));
  }

  private receive(message: FromWorker): void {
    if (message.kind === 'ready') return;
    if (message.id === null) return;
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    if (message.kind === 'error') pending.reject(new TrainingError('parallel', `worker step failed: ${message.message}`));
    else pending.resolve({ loss: message.loss, grads: message.grads });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

function firstMismatch(expected: Array<[string, number[]]>, actual: Array<[string, number[]]>): string | undefined {
  if (expected.length !== actual.length) {
    return `the replica has ${actual.length} trainable variables, the main model ${expected.length}`;
  }
  for (let i = 0; i < expected.length; i += 1) {
    const [name, shape] = expected[i] ?? ['', []];
    const [otherName, otherShape] = actual[i] ?? ['', []];
    if (shape.join(',') !== otherShape.join(',')) {
      return `trainable variable ${i} ("${name}") has shape [${shape.join(',')}] in the main model but [${otherShape.join(',')}] ("${otherName}") in the replica`;
    }
  }
  return undefined;
}

/**
 * Combines shard results into the full-batch loss and gradients: `Σ_k (n_k / N)·g_k`, with `n_k` the rows of shard k
 * and `N = Σ n_k`. For a loss that is a mean over rows (the `mean` reduction, unweighted or with per-sample weights)
 * this equals the gradient of the whole batch; for losses normalised by a batch-dependent quantity (a sum of weights,
 * a count of positives) it is the average of the shards' normalised losses instead. Returns new tensors.
 */
export function combineShards(
  local: { loss: number; grads: readonly tf.Tensor[]; rows: number },
  remote: ReadonlyArray<{ loss: number; grads: readonly Float32Array[]; rows: number } | undefined>,
  variables: readonly tf.Variable[],
): { loss: number; grads: tf.Tensor[] } {
  const parts = [local, ...remote].filter((p): p is NonNullable<typeof p> => p !== undefined && p.rows > 0);
  const total = parts.reduce((sum, p) => sum + p.rows, 0);
  const loss = parts.reduce((sum, p) => sum + (p.loss * p.rows) / total, 0);
  const grads = variables.map((variable, i) =>
    tf.tidy(() => {
      let sum: tf.Tensor | undefined;
      for (const part of parts) {
        const g = part === local ? (local.grads[i] as tf.Tensor) : tf.tensor(part.grads[i] as Float32Array, variable.shape, 'float32');
        const scaled = tf.mul(g, part.rows / total);
        sum = sum === undefined ? scaled : tf.add(sum, scaled);
      }
      return sum ?? tf.zerosLike(variable);
    }),
  );
  return { loss, grads };
}
