import { createOptimizer } from '../training/optimizers.js';
import { train, type LossFunction } from '../training/trainer.js';
import type { Workload } from './workloads.js';

/** Step throughput of one loss on one workload. */
export interface ThroughputSample {
  readonly samplesPerSec: number;
  readonly stepMs: number;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Trains `workload` for one epoch per repetition with each loss, alternating the losses repetition by repetition so
 * that drift on a shared machine affects them alike, after one untimed warm-up epoch per loss (kernel compilation,
 * optimizer slots). Throughput is the trainer's own count of training rows per second (validation excluded).
 * @returns per loss, the median over `repetitions`.
 */
export async function measureLosses(
  workload: Workload,
  losses: Readonly<Record<string, LossFunction>>,
  options: { repetitions: number; seed: number },
): Promise<Record<string, ThroughputSample>> {
  const optimizer = createOptimizer({ name: 'adam', learningRate: 1e-3 });
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(losses).map((name) => [name, []]));
  try {
    for (let rep = -1; rep < options.repetitions; rep += 1) {
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
        });
        if (rep >= 0) samples[name]?.push(history.epochs[0]?.samplesPerSecond ?? Number.NaN);
      }
    }
  } finally {
    optimizer.dispose();
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => {
      const samplesPerSec = median(values);
      return [name, { samplesPerSec, stepMs: (1000 * workload.batchSize) / samplesPerSec }];
    }),
  );
}
