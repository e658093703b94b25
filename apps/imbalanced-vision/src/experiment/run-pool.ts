import { TaskFailedError, activeBackend, runTaskPool, type BackendName } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { RunSpec } from './options.js';
import { runOne, type RunProgress, type RunResult } from './run-one.js';
import type { ExperimentData } from './prepare-data.js';

const WORKER_URL = new URL(`./run-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** Options of {@link runAll}. */
export interface RunAllOptions {
  /** Runs trained at the same time (worker threads; 1 = in this thread). */
  readonly jobs: number;
  /** The comparison's data, used by runs in this thread (workers load their own). */
  readonly data?: ExperimentData;
  readonly onEpoch?: (progress: RunProgress) => void;
  readonly onDone?: (result: RunResult) => void;
}

/** A run that failed, named by recipe and seed. */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
  constructor(
    readonly spec: RunSpec,
    reason: string,
  ) {
    super(`run ${spec.recipe} (seed ${spec.seed}) failed: ${reason}; its checkpoints in ${spec.dir} are kept, so the same command resumes it`);
  }
}

/** Trains runs in a thread of their own, `jobs` at a time; one worker trains its runs one after another. */
async function runInWorkers(specs: readonly RunSpec[], options: RunAllOptions): Promise<RunResult[]> {
  const backend = (activeBackend()?.name ?? tf.getBackend()) as BackendName;
  try {
    return await runTaskPool<RunSpec, RunResult, RunProgress>({
      url: WORKER_URL,
      workerData: { backend },
      jobs: options.jobs,
      tasks: specs,
      ...(options.onEpoch === undefined ? {} : { onProgress: options.onEpoch }),
      ...(options.onDone === undefined ? {} : { onDone: (_index: number, result: RunResult) => options.onDone?.(result) }),
    });
  } catch (error) {
    if (error instanceof TaskFailedError) throw new RunFailedError(specs[error.index] as RunSpec, error.reason);
    throw error;
  }
}

/**
 * Trains every run (skipping runs already finished with the same spec; resuming interrupted ones from their
 * checkpoints) and returns their results in the order of `specs`. With `jobs > 1` the runs train in worker threads,
 * each on its own tfjs backend instance — on wasm, which computes on one thread, that is how a comparison uses every
 * core. Results do not depend on `jobs`.
 * @throws RunFailedError naming the first run that failed (runs already started are finished first).
 */
export async function runAll(specs: readonly RunSpec[], options: RunAllOptions): Promise<RunResult[]> {
  if (options.jobs > 1 && specs.length > 1) return runInWorkers(specs, options);
  const results: RunResult[] = [];
  for (const spec of specs) {
    try {
      const result = await runOne(spec, {
        ...(options.data === undefined ? {} : { data: options.data }),
        ...(options.onEpoch === undefined ? {} : { onEpoch: options.onEpoch }),
      });
      options.onDone?.(result);
      results.push(result);
    } catch (error) {
      throw new RunFailedError(spec, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  }
  return results;
}
