import { median } from '@counterweight/bench-kit';
import { ConfigError, GradientWorkerPool, activeBackend, createDataset, createOptimizer, train, type InMemoryDataset } from '@counterweight/runtime';

import { createGpt, type GptConfig, type GptModel } from '../models/index.js';
import { createObjective } from '../objectives/index.js';
import { benchTokenWindows } from './bench-token-windows.js';
import { BENCH_GPT_REPLICA_MODULE, type BenchGptReplicaOptions } from './gpt-replica.js';

/** AdamW settings of the bench (the app's defaults, nanoGPT's Shakespeare-char configuration). */
export interface BenchAdamW {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly weightDecay: number;
}

/** The bench's AdamW: lr 1e-3, betas 0.9/0.99, weight decay 0.1 on the matrices (nanoGPT's `train_shakespeare_char`). */
export const BENCH_ADAMW: BenchAdamW = { learningRate: 1e-3, beta1: 0.9, beta2: 0.99, weightDecay: 0.1 };

/** Options of {@link measureGptTraining}. */
export interface GptTrainingOptions {
  readonly config: GptConfig;
  /** Sequences per step (nanoGPT's CPU configuration: 12). */
  readonly batchSize: number;
  /** Steps per timed repetition (one epoch of `steps · batchSize` synthetic rows). */
  readonly steps: number;
  /** Timed repetitions at most, after one untimed warm-up epoch. */
  readonly repetitions: number;
  /** Seconds of timed repetitions at most, estimated from the warm-up epoch (at least one runs). Default: no budget. */
  readonly budgetSeconds?: number;
  /** Seeds the weights, the rows and the shuffles. */
  readonly seed: number;
  /**
   * Worker threads for data-parallel steps (the runtime's `train({ parallel })`, replicas from
   * {@link BENCH_GPT_REPLICA_MODULE}): every batch is split into `workers + 1` shards. Default 0: no worker pool.
   * Not with a threaded wasm backend (its threads already take the cores).
   */
  readonly workers?: number;
  readonly adamw?: BenchAdamW;
}

/**
 * How a measurement computed its steps: `single` (one compute thread), `data-parallel` (the runtime's worker pool,
 * one replica per extra thread) or `threaded` (one process whose wasm backend runs tfjs-backend-wasm's threaded SIMD
 * build, every XNNPACK operator split over `threads` compute threads; no worker pool).
 */
export type GptTrainingMode = 'single' | 'data-parallel' | 'threaded';

/** Training throughput of the GPT on the active backend. */
export interface GptTraining {
  readonly backend: string;
  /** `single`; `data-parallel` over `threads` threads; `threaded` on a wasm backend with `threads` compute threads. */
  readonly mode: GptTrainingMode;
  /** Threads that computed a step (the backend's own threads, plus the workers). */
  readonly threads: number;
  /** Median over the timed repetitions of the trainer's training tokens (rows × context) per second of its steps. */
  readonly tokensPerSec: number;
  /** Milliseconds per step at the median throughput. */
  readonly stepMs: number;
  readonly repetitions: number;
  readonly stepsPerRepetition: number;
  /** `(max − min) / median` of the per-repetition throughputs: a noise indicator. */
  readonly spread: number;
  /** Mean training loss of the warm-up epoch and of the last timed epoch. */
  readonly firstLoss: number;
  readonly lastLoss: number;
  readonly parameterCount: number;
}

function positive(name: string, value: number, minimum = 1): void {
  if (!Number.isSafeInteger(value) || value < minimum) throw new ConfigError(name, `must be an integer >= ${minimum}, got ${String(value)}`);
}

/** The data set of `rows` synthetic training rows ({@link benchTokenWindows}). */
export function benchDataset(config: GptConfig, rows: number, seed: number): InMemoryDataset {
  const windows = benchTokenWindows({ vocabularySize: config.vocabularySize, context: config.context, rows, seed });
  return createDataset({ inputs: { values: windows.inputs, shape: [config.context] }, targets: { values: windows.targets, shape: [config.context] } });
}

/**
 * Tokens/s of training the app's GPT (`createGpt(config, seed)`) with plain next-token cross-entropy (the `uniform`
 * objective) and AdamW (decay on the matrices) through the runtime's `train`, as the experiments train it: one untimed
 * warm-up epoch (kernel set-up, AdamW slots), then one epoch of `steps` steps per repetition with the optimiser carried
 * over. Throughput is the trainer's own count — rows per second of its steps (batch gather, forward, backward, AdamW
 * update, the loss read-back of every step) — times the context. With `workers > 0` the steps are data-parallel over
 * a `GradientWorkerPool` started once for the data set and closed at the end (`mode: 'data-parallel'`); on a wasm
 * backend started with more than one compute thread (`initBackend('wasm', { threads })`) the mode is `threaded`.
 * Leaves no tensors behind.
 * @throws ConfigError naming `batchSize`, `steps`, `repetitions` or `workers` for a bad count or for workers on a
 *   threaded backend, or when no backend is initialised (`backend`); the model's and trainer's own errors.
 */
export async function measureGptTraining(options: GptTrainingOptions): Promise<GptTraining> {
  const { config, batchSize, steps, seed } = options;
  const workers = options.workers ?? 0;
  positive('batchSize', batchSize);
  positive('steps', steps);
  positive('repetitions', options.repetitions);
  positive('workers', workers, 0);
  const backend = activeBackend();
  if (backend === undefined) throw new ConfigError('backend', 'no backend is initialised; call initBackend first');
  const threaded = backend.name === 'wasm' && backend.threads > 1;
  if (threaded && workers > 0) {
    throw new ConfigError('workers', `must be 0 on the threaded wasm backend (${backend.threads} compute threads already take the cores), got ${workers}`);
  }
  const adamw = options.adamw ?? BENCH_ADAMW;
  const data = benchDataset(config, steps * batchSize, seed);
  let gpt: GptModel | undefined;
  let pool: GradientWorkerPool | undefined;
  const optimizer = createOptimizer({ name: 'adamw', ...adamw, decay: 'matrices' });
  try {
    gpt = createGpt(config, seed);
    if (workers > 0) {
      const replicaOptions: BenchGptReplicaOptions = { config, seed };
      pool = await GradientWorkerPool.start({
        replica: { module: BENCH_GPT_REPLICA_MODULE, export: 'benchGptReplica', options: replicaOptions },
        dataset: data,
        workers,
        backend: backend.name,
        model: gpt.model,
        seed,
      });
    }
    const loss = createObjective('uniform').loss(0);
    const rates: number[] = [];
    let firstLoss = Number.NaN;
    let lastLoss = Number.NaN;
    let repetitions = options.repetitions;
    for (let rep = -1; rep < repetitions; rep += 1) {
      const started = performance.now();
      const history = await train({
        model: gpt.model,
        loss,
        train: data,
        epochs: 1,
        batchSize,
        optimizer,
        seed: seed + rep + 1,
        progress: { quiet: true },
        ...(pool === undefined ? {} : { parallel: { pool } }),
      });
      const epoch = history.epochs[0];
      if (rep < 0) {
        firstLoss = epoch?.loss ?? Number.NaN;
        if (options.budgetSeconds !== undefined) {
          const warmup = (performance.now() - started) / 1000;
          repetitions = Math.max(1, Math.min(repetitions, Math.floor(options.budgetSeconds / warmup)));
        }
      } else {
        rates.push((epoch?.samplesPerSecond ?? Number.NaN) * config.context);
      }
      lastLoss = epoch?.loss ?? Number.NaN;
    }
    const tokensPerSec = median(rates);
    return {
      backend: backend.name,
      mode: workers > 0 ? 'data-parallel' : threaded ? 'threaded' : 'single',
      threads: backend.threads + workers,
      tokensPerSec,
      stepMs: (1000 * batchSize * config.context) / tokensPerSec,
      repetitions: rates.length,
      stepsPerRepetition: steps,
      spread: (Math.max(...rates) - Math.min(...rates)) / tokensPerSec,
      firstLoss,
      lastLoss,
      parameterCount: gpt.parameterCount,
    };
  } finally {
    await pool?.close();
    gpt?.dispose();
    optimizer.dispose();
  }
}
