// Worker-thread entry of the comparison's run pool: prepares the comparison's data once (deterministic from the
// source and seed), then trains the runs the main thread sends, one at a time, on its own tfjs backend.
import { workerData } from 'node:worker_threads';

import { initBackend, serveTasks, type BackendName } from '@counterweight/runtime';

import { prepareData, type DataSource } from './prepare-data.js';
import { runOne, type RunResult, type RunSpec } from './run-one.js';

/** What the pool sends per run: the spec and, for the teacher-calibrated loss, the teacher's training CTRs. */
export interface RunTask {
  readonly spec: RunSpec;
  readonly teacher?: Float32Array;
}

/** `workerData` of a run worker. */
export interface RunWorkerData {
  readonly backend: BackendName;
  readonly source: DataSource;
  readonly seed: number;
}

const { backend, source, seed } = workerData as RunWorkerData;
const ready = initBackend(backend, { log: null }).then(() => prepareData(source, seed));

serveTasks<RunTask, RunResult>(async (task) => {
  const data = await ready;
  return runOne(data, task.spec, { ...(task.teacher === undefined ? {} : { teacher: task.teacher }), quiet: true });
});
