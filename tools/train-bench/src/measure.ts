import type { GradientWorkerPool } from '../parallel/worker-pool.js';
import { createOptimizer } from '../training/optimizers.js';
import { train, type LossFunction } from '../training/trainer.js';
import type { Workload } from './workload.js';

/** Step throughput of one loss on one workload. */
export interface ThroughputSample {
  /** Median over the timed repetitions of training rows per second. */
  readonly samplesPerSec: number;
  /** Milliseconds per step of `batchSize` rows at the median throughput. */
  readonly stepMs: number;
  /** Timed repetitions (each one epoch of the workload's data set). */
  readonly repetitions: number;
  /** `(max − min) / median` of the per-repetition throughputs: a noise indicator. */
  readonly spread: number;
  /** Mean training loss of the warm-up epoch and of the last timed epoch. */
  readonly firstLoss: number;
  readonly lastLoss: number;
}

/** Options of {@link measureLosses} and {@link measureWorkload}. */
export interface MeasureOptions {
  /** Timed repetitions at most (default 5). */
  readonly repetitions?: number;
  /**
   * Time budget in seconds for the timed repetitions, estimated from the warm-up epoch: fewer repetitions (at least
   * one) are run when `repetitions` epochs would take longer. Default: no budget.
   */
  readonly budgetSeconds?: number;
  /** Seeds the shuffles (repetition `r` uses `seed + r`). */
  readonly seed: number;
  /** Adam learning rate (default 1e-3). */
  readonly learningRate?: number;
  /** Data-parallel steps over this worker pool (started for `workload.data`); the caller closes it. */
  readonly pool?: GradientWorkerPool;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Trains `workload` with Adam for one epoch per repetition with each loss, alternating the losses repetition by
 * repetition so that drift on a shared machine affects them alike, after one untimed warm-up epoch per loss (kernel
 * compilation, optimizer slots). Throughput is the trainer's own count of training rows per second of the training
 * steps (batch assembly, forward, backward, update and the loss read-back of every step).
 * @returns per loss, the median over the repetitions.
 */
export async function measureLosses(
  workload: Workload,
  losses: Readonly<Record<string, LossFunction>>,
  options: MeasureOptions,
): Promise<Record<string, ThroughputSample>> {
  const optimizer = createOptimizer({ name: 'adam', learningRate: options.learningRate ?? 1e-3 });
  const names = Object.keys(losses);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const firstLoss: Record<string, number> = {};
  const lastLoss: Record<string, number> = {};
  let repetitions = options.repetitions ?? 5;
  try {
    for (let rep = -1; rep < repetitions; rep += 1) {
      const started = performance.now();
      for (const [name, loss] of Object.entries(losses)) {
        const history = await train({
          model: workload.model,
          loss,
          train: workload.data,
          epochs: 1,
          batchSize: workload.batchSize,
          optimizer,
          seed: options.seed + rep,
          progress: { quiet: true },
          ...(options.pool === undefined ? {} : { parallel: { pool: options.pool } }),
        });
        const epoch = history.epochs[0];
        if (rep < 0) firstLoss[name] = epoch?.loss ?? Number.NaN;
        else samples[name]?.push(epoch?.samplesPerSecond ?? Number.NaN);
        lastLoss[name] = epoch?.loss ?? Number.NaN;
      }
      if (rep < 0 && options.budgetSeconds !== undefined) {
        const warmupSeconds = (performance.now() - started) / 1000;
        repetitions = Math.max(1, Math.min(repetitions, Math.floor(options.budgetSeconds / warmupSeconds)));
      }
    }
  } finally {
    optimizer.dispose();
  }
  return Object.fromEntries(
    names.map((name) => {
      const values = samples[name] ?? [];
      const samplesPerSec = median(values);
      const sample: ThroughputSample = {
        samplesPerSec,
        stepMs: (1000 * workload.batchSize) / samplesPerSec,
        repetitions: values.length,
        spread: (Math.max(...values) - Math.min(...values)) / samplesPerSec,
        firstLoss: firstLoss[name] ?? Number.NaN,
        lastLoss: lastLoss[name] ?? Number.NaN,
      };
      return [name, sample];
    }),
  );
}

/** Throughput of a workload with its own loss: {@link measureLosses} with `{ [workload.lossName]: workload.loss }`. */
export async function measureWorkload(workload: Workload, options: MeasureOptions): Promise<ThroughputSample> {
  const measured = await measureLosses(workload, { [workload.lossName]: workload.loss }, options);
  const sample = measured[workload.lossName];
  if (sample === undefined) throw new Error(`no measurement for ${workload.lossName}`);
  return sample;
}

/**
 * Median milliseconds per call of an async `call`: two warm-up calls (kernel compilation, onnxruntime's first-run
 * allocations), then the number of calls per repetition doubled until one repetition lasts `minSeconds`, then
 * `repetitions` timed repetitions; the median of their per-call times. Used by the inference benches of the apps.
 */
export async function medianCallMilliseconds(call: () => Promise<void>, minSeconds: number, repetitions: number): Promise<number> {
  await call();
  await call();
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i += 1) await call();
    if ((performance.now() - start) / 1000 >= minSeconds || calls >= 1 << 16) break;
    calls *= 2;
  }
  const perCall: number[] = [];
  for (let r = 0; r < repetitions; r += 1) {
    const start = performance.now();
    for (let i = 0; i < calls; i += 1) await call();
    perCall.push((performance.now() - start) / calls);
  }
  return median(perCall);
}
