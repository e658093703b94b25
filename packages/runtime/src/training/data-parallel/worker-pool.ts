import type { Worker } from 'node:worker_threads';

import type * as tf from '@tensorflow/tfjs-core';

import type { BackendName } from '../../backend.js';
import { TrainingError } from '../../errors.js';
import { startModuleWorker } from '../../parallel/task-pool.js';
import type { InMemoryDataset } from '../dataset.js';
import type { TrainableModel } from '../model.js';
import type { FromWorker, ToWorker } from './messages.js';
import { trainableSignature, type ReplicaSpec } from './replica.js';
import { rowCouplingError } from './row-coupling.js';
import { SharedArena } from './shared-arena.js';
import { sharedDatasetSpec } from './shared-dataset.js';

export { combineShards, type ShardResult } from './combine-shards.js';

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

/** One worker's part of a step: the loss of its shard and its gradients (views of its shared gradient arena). */
export interface WorkerShardResult {
  readonly loss: number;
  /** One per trainable variable; valid until the next {@link GradientWorkerPool.computeShards}, which overwrites them. */
  readonly grads: readonly Float32Array[];
}

interface Pending {
  resolve(loss: number): void;
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
 * The main thread keeps the only optimizer and the authoritative weights. Weights and gradients travel through
 * shared memory ({@link SharedArena}): each step the main thread writes the current trainable weights into one arena
 * that every worker reads, posts each worker only its shard's rows, computes its own shard meanwhile, and combines
 * the gradients the workers wrote into their own arenas weighted by shard size ({@link combineShards}). A step
 * therefore posts a few bytes per worker and allocates nothing proportional to the model.
 */
export class GradientWorkerPool {
  /** The training data the workers hold; `train()` accepts the pool only for this data set. */
  readonly dataset: InMemoryDataset;
  private readonly workers: Worker[];
  private readonly weights: SharedArena;
  private readonly gradients: SharedArena[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private busy = false;

  private constructor(workers: Worker[], dataset: InMemoryDataset, sizes: readonly number[]) {
    this.workers = workers;
    this.dataset = dataset;
    this.weights = new SharedArena(sizes);
    this.gradients = workers.map(() => new SharedArena(sizes));
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
   * @throws ConfigError naming the loss and the reason when the replica's loss couples the rows of a batch
   *   (`withRowCoupling`), whose gradient shards cannot be combined by size.
   */
  static async start(options: GradientWorkerPoolOptions): Promise<GradientWorkerPool> {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new TrainingError('parallel.workers', `must be an integer >= 1, got ${options.workers}`);
    }
    const dataset = sharedDatasetSpec(options.dataset);
    const expected = trainableSignature(options.model);
    const workers = Array.from({ length: options.workers }, () => startWorker());
    const pool = new GradientWorkerPool(workers, options.dataset, options.model.trainableVariables.map((v) => v.size));
    try {
      await Promise.all(
        workers.map(
          (worker, index) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (message: FromWorker): void => {
                if (message.kind === 'ready') {
                  worker.off('message', onMessage);
                  const mismatch = firstMismatch(expected, message.signature);
                  if (mismatch !== undefined) reject(new TrainingError('parallel.replica', `worker ${index + 1}: ${mismatch}`));
                  else if (message.rowCoupling !== undefined) reject(rowCouplingError('parallel.replica', message.rowCoupling));
                  else resolve();
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
                weights: pool.weights.buffer,
                gradients: pool.gradients[index]?.buffer ?? new SharedArrayBuffer(0),
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
   * Writes `weights` (the trainable variables, in the model's order) into the shared weight arena and gives each
   * worker one shard of rows; resolves with their losses and gradients in worker order. Workers given an empty shard
   * are skipped (their result is undefined). The gradients are views of the workers' arenas, valid until the next
   * call; one step at a time.
   */
  async computeShards(weights: readonly tf.Tensor[], shards: readonly Int32Array[]): Promise<Array<WorkerShardResult | undefined>> {
    if (this.failure !== undefined) throw this.failure;
    if (this.busy) throw new TrainingError('parallel.pool', 'is computing another step; one train() call at a time may use a pool');
    this.busy = true;
    try {
      this.weights.write(weights);
      return await Promise.all(
        this.workers.map(async (worker, index) => {
          const rows = shards[index];
          const arena = this.gradients[index];
          if (rows === undefined || rows.length === 0 || arena === undefined) return undefined;
          const id = this.nextId;
          this.nextId += 1;
          const loss = await new Promise<number>((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            const message: ToWorker = { kind: 'step', id, rows: Int32Array.from(rows) };
            worker.postMessage(message);
          });
          return { loss, grads: Array.from({ length: arena.count }, (_, i) => arena.view(i)) };
        }),
      );
    } finally {
      this.busy = false;
    }
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
    else pending.resolve(message.loss);
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
