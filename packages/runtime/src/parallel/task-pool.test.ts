import { describe, expect, it } from 'vitest';

import { runTaskPool, TaskFailedError } from './task-pool.js';

const URL_OF_WORKER = new URL('./test-support/square-worker.ts', import.meta.url);

describe('runTaskPool', () => {
  it('runs tasks on several workers and returns results in task order, with progress', async () => {
    const progress: string[] = [];
    const done: number[] = [];
    const results = await runTaskPool<number, number, string>({
      url: URL_OF_WORKER,
      workerData: { offset: 1 },
      jobs: 2,
      tasks: [1, 2, 3, 4, 5],
      onProgress: (p, i) => progress.push(`${i}:${p}`),
      onDone: (i, r) => done.push(i * 100 + r),
    });
    expect(results).toEqual([2, 5, 10, 17, 26]);
    expect(progress.sort()).toEqual(['0:start 1', '1:start 2', '2:start 3', '3:start 4', '4:start 5']);
    expect(done.sort((a, b) => a - b)).toEqual([2, 105, 210, 317, 426]);
  }, 30_000);

  it('throws the failing task with the worker’s error, after running tasks finish', async () => {
    const run = runTaskPool<number, number, string>({ url: URL_OF_WORKER, workerData: { offset: 0 }, jobs: 2, tasks: [1, -2, 3] });
    await expect(run).rejects.toThrow(TaskFailedError);
    await expect(runTaskPool({ url: URL_OF_WORKER, workerData: { offset: 0 }, jobs: 1, tasks: [-7] })).rejects.toThrow(/task 0 failed: RangeError: negative task -7/);
  }, 30_000);
});
