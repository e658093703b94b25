import { median } from '@counterweight/bench-kit';
import { createOptimizer, train, type GradientWorkerPool, type LossFunction } from '@counterweight/runtime';

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

/**
 * The {@link ThroughputSample} of per-repetition throughputs (training rows per second, one per timed repetition) of
 * steps of `batchSize` rows: the median throughput, the step time at that median (`1000 · batchSize / median` ms),
 * the number of repetitions and the spread `(max − min) / median`. No repetitions give NaN throughput and spread.
 */
export function summarizeThroughput(samplesPerSecond: readonly number[], batchSize: number, firstLoss: number, lastLoss: number): ThroughputSample {
  const samplesPerSec = median(samplesPerSecond);
  return {
    samplesPerSec,
    stepMs: (1000 * batchSize) / samplesPerSec,
    repetitions: samplesPerSecond.length,
    spread: samplesPerSecond.length === 0 ? Number.NaN : (Math.max(...samplesPerSecond) - Math.min(...samplesPerSecond)) / samplesPerSec,
    firstLoss,
    lastLoss,
  };
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
    names.map((name) => [name, summarizeThroughput(samples[name] ?? [], workload.batchSize, firstLoss[name] ?? Number.NaN, lastLoss[name] ?? Number.NaN)]),
  );
}

/** Throughput of a workload with its own loss: {@link measureLosses} with `{ [workload.lossName]: workload.loss }`. */
export async function measureWorkload(workload: Workload, options: MeasureOptions): Promise<ThroughputSample> {
  const measured = await measureLosses(workload, { [workload.lossName]: workload.loss }, options);
  const sample = measured[workload.lossName];
  if (sample === undefined) throw new Error(`no measurement for ${workload.lossName}`);
  return sample;
}
