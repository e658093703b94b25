import type { RunSpec } from './options.js';
import type { RunProgress, RunResult } from './run-one.js';

/** Main thread → run worker: train this run. */
export interface ToRunWorker {
  readonly kind: 'run';
  readonly spec: RunSpec;
}

/** Run worker → main thread. */
export type FromRunWorker =
  | { readonly kind: 'epoch'; readonly progress: RunProgress }
  | { readonly kind: 'done'; readonly result: RunResult }
  | { readonly kind: 'failed'; readonly message: string; readonly stack: string };
