import { workerData } from 'node:worker_threads';

import { initBackend, serveTasks } from '@counterweight/runtime';

import { runAndRecord, type EpochProgress, type Runner, type RunTask, type RunWorkerData } from './comparison.js';

/**
 * The worker side of {@link runComparison} with `jobs` > 1. An app's worker module is one line,
 * `serveRunner(myRunner)`: each worker starts the main thread's tfjs backend, loads the comparison's data once with
 * `runner.prepare(settings)`, then trains the runs it is sent, one at a time, writing each run's result.json.
 * @throws Error when not called in a worker thread started by runComparison.
 */
export function serveRunner<S extends object, O, D, R>(runner: Runner<S, O, D, R>): void {
  const { backend, settings } = workerData as RunWorkerData;
  // Runs trained at the same time take one core each: one wasm compute thread per worker, whatever the environment asks.
  const ready = initBackend(backend, { log: null, threads: 1 }).then(() => runner.prepare(settings as S));
  serveTasks<RunTask<S, O>, R, EpochProgress>(async (task, report) => runAndRecord(runner, task, await ready, { report }));
}
