// Worker-thread entry of the run pool: trains the runs the main thread sends, one at a time, on its own backend.
import { workerData } from 'node:worker_threads';

import { initBackend, serveTasks, type BackendName } from '@counterweight/runtime';

import type { RunSpec } from './options.js';
import { runOne, type RunProgress, type RunResult } from './run-one.js';

const { backend } = workerData as { backend: BackendName };
const ready = initBackend(backend, { log: null });

serveTasks<RunSpec, RunResult, RunProgress>(async (spec, report) => {
  await ready;
  return runOne(spec, { onEpoch: report });
});
