import { Worker } from 'node:worker_threads';

import { TrainingError, activeBackend, type BackendName } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { RunSpec } from './options.js';
import type { FromRunWorker, ToRunWorker } from './run-messages.js';
import { runOne, type RunProgress, type RunResult } from './run-one.js';
import type { ExperimentData } from './prepare-data.js';

const WORKER_URL = new URL(`./run-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * A worker on {@link WORKER_URL}. From the TypeScript sources (tests, tsx) it registers tsx's loader first and
 * inherits the `@counterweight/source` condition; from `dist/` it runs the `.js` file directly.
 */
function startWorker(backend: BackendName): Worker {
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL, { workerData: { backend } });
  const code = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(WORKER_URL.href)});`;
  return new Worker(code, { eval: true, workerData: { backend }, execArgv: ['--conditions=@counterweight/source'] });
}

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
  const results = new Array<RunResult | undefined>(specs.length);
  let next = 0;
  let failure: RunFailedError | undefined;
  const drive = (worker: Worker): Promise<void> =>
    new Promise<void>((resolve) => {
      let current = -1;
      const give = (): void => {
        if (failure !== undefined || next >= specs.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        current = next;
        next += 1;
        worker.postMessage({ kind: 'run', spec: specs[current] as RunSpec } satisfies ToRunWorker);
      };
      worker.on('message', (message: FromRunWorker) => {
        if (message.kind === 'epoch') options.onEpoch?.(message.progress);
        else if (message.kind === 'done') {
          results[current] = message.result;
          options.onDone?.(message.result);
          give();
        } else {
          failure ??= new RunFailedError(specs[current] as RunSpec, message.message);
          give();
        }
      });
      worker.on('error', (error) => {
        failure ??= new RunFailedError(specs[current] as RunSpec, `worker crashed: ${error.message}`);
        resolve();
      });
      give();
    });
  const workers = Array.from({ length: Math.min(options.jobs, specs.length) }, () => startWorker(backend));
  await Promise.all(workers.map(drive));
  if (failure !== undefined) throw failure;
  return results.map((r, i) => {
    if (r === undefined) throw new TrainingError('runs', `run ${specs[i]?.recipe ?? ''} produced no result`);
    return r;
  });
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
