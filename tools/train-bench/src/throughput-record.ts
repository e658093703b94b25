import type { ThroughputSample } from './measure.js';
import type { Workload } from './workload.js';

/**
 * How a tfjs measurement computed its steps: `single` (one thread), `data-parallel` (the runtime's worker pool, one
 * replica per extra core) or `threaded` (one process whose wasm backend runs tfjs-backend-wasm's threaded SIMD build,
 * its XNNPACK operators split over `threads` compute threads).
 */
export type TrainingMode = 'single' | 'data-parallel' | 'threaded';

/** `value` rounded to `digits` decimals. */
export function roundTo(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** Whole samples/s from 100 up, two decimals below (the cpu backend trains the gpt at under one sequence/s). */
export function roundRate(samplesPerSec: number): number {
  return samplesPerSec >= 100 ? Math.round(samplesPerSec) : roundTo(samplesPerSec, 2);
}

/**
 * The bench's JSON record of one throughput measurement: the workload, backend, thread count, mode and loss, the
 * batch size, samples/s ({@link roundRate}; plus tokens/s for sequence workloads: samples/s × tokens per row), the
 * step time (ms, 2 decimals), the repetitions, batches per epoch, the spread (3 decimals) and the first and last
 * epoch's mean loss (4 decimals).
 */
export function throughputRecord(
  workload: Workload,
  backend: string,
  threads: number,
  loss: string,
  sample: ThroughputSample,
  mode: TrainingMode = 'single',
): Record<string, unknown> {
  return {
    workload: workload.name,
    backend,
    threads,
    mode,
    loss,
    batchSize: workload.batchSize,
    samplesPerSec: roundRate(sample.samplesPerSec),
    ...(workload.tokensPerRow > 1 ? { tokensPerSec: Math.round(sample.samplesPerSec * workload.tokensPerRow) } : {}),
    stepMs: roundTo(sample.stepMs, 2),
    repetitions: sample.repetitions,
    batchesPerEpoch: workload.data.size / workload.batchSize,
    spread: roundTo(sample.spread, 3),
    firstLoss: roundTo(sample.firstLoss, 4),
    lastLoss: roundTo(sample.lastLoss, 4),
  };
}
