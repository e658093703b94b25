// Test-only worker for task-pool.test.ts: squares numbers, reports progress, fails on negative input.
import { workerData } from 'node:worker_threads';

import { serveTasks } from '../task-pool.js';

const { offset } = workerData as { offset: number };

serveTasks<number, number, string>(async (task, report) => {
  report(`start ${task}`);
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (task < 0) throw new RangeError(`negative task ${task}`);
  return task * task + offset;
});
