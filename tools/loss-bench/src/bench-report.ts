import { availableParallelism, cpus, loadavg } from 'node:os';

import { writeJsonAtomic } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The workloads of the loss bench: the CNN classifier (against cross-entropy), the forecasting MLP (against MAE) and
 * the GPT language model (against token cross-entropy).
 */
export const LOSS_BENCH_WORKLOADS = ['cnn', 'regression', 'gpt'] as const;
/** One of {@link LOSS_BENCH_WORKLOADS}. */
export type LossBenchWorkload = (typeof LOSS_BENCH_WORKLOADS)[number];

/** The JSON file a loss-bench run writes. */
export interface LossBenchReport {
  readonly benchmark: 'loss-bench';
  readonly workload: LossBenchWorkload;
  /** ISO time the report was written. */
  readonly date: string;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly node: string;
    readonly tfjs: string;
    readonly backend: string;
    /** 1-, 5- and 15-minute load averages when the run ended (a busy shared machine shows here). */
    readonly loadAverage: readonly number[];
  };
  /** Wall-clock seconds of the run. */
  readonly seconds: number;
  readonly results: readonly Record<string, unknown>[];
}

/** Writes a run's results with the date and a description of the machine to `path` (a temporary file renamed into place). */
export async function writeBenchReport(
  path: string,
  run: { workload: LossBenchWorkload; backend: string; seconds: number; results: readonly Record<string, unknown>[] },
): Promise<LossBenchReport> {
  const report: LossBenchReport = {
    benchmark: 'loss-bench',
    workload: run.workload,
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      node: process.version,
      tfjs: tf.version_core,
      backend: run.backend,
      loadAverage: loadavg().map((v) => Number(v.toFixed(2))),
    },
    seconds: Number(run.seconds.toFixed(1)),
    results: run.results,
  };
  await writeJsonAtomic(path, report);
  return report;
}
