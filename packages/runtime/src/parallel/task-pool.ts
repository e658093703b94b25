import { parentPort, Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on an ES module of this repository. From TypeScript sources (tests, `tsx`) the worker first
 * registers tsx's loader and inherits the `@counterweight/source` export condition; from compiled packages (`.js`) it
 * runs the file directly.
 */
export function startModuleWorker(url: URL, options: { readonly workerData?: unknown } = {}): Worker {
  const data = options.workerData === undefined ? {} : { workerData: options.workerData };
  if (!url.pathname.endsWith('.ts')) return new Worker(url, data);
  const code = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(url.href)});`;
  return new Worker(code, { eval: true, ...data, execArgv: ['--conditions=@counterweight/source'] });
}

/** Main thread → task worker. */
interface TaskMessage<T> {
  readonly kind: 'task';
  readonly index: number;
  readonly task: T;
}

/** Task worker → main thread. */
type TaskReply<R, P> =
  | { readonly kind: 'progress'; readonly index: number; readonly progress: P }
  | { readonly kind: 'done'; readonly index: number; readonly result: R }
  | { readonly kind: 'failed'; readonly index: number; readonly message: string; readonly stack: string };

/** A task that threw in its worker (or whose worker crashed). */
export class TaskFailedError extends Error {
  override readonly name = 'TaskFailedError';
  constructor(
    /** Position of the task in `tasks`. */
    readonly index: number,
    /** The worker's error text (`Name: message`). */
    readonly reason: string,
    /** The worker's stack trace, when there was one. */
    readonly workerStack: string,
  ) {
    super(`task ${index} failed: ${reason}`);
  }
}

/** Options of {@link runTaskPool}. */
export interface TaskPoolOptions<T, R, P> {
  /** The worker module; it calls {@link serveTasks}. */
  readonly url: URL;
  /** Passed to every worker as `workerData` (structured clone). */
  readonly workerData?: unknown;
  /** Workers at most (never more than tasks). */
  readonly jobs: number;
  readonly tasks: readonly T[];
  /** Progress a worker reports while a task runs. */
  readonly onProgress?: (progress: P, index: number) => void;
  /** Called as each task finishes, in completion order. */
  readonly onDone?: (index: number, result: R) => void;
}

/**
 * Runs `tasks` on up to `jobs` worker threads of `url` (each worker takes the next task when it finishes one) and
 * returns the results in task order. On the first failure no new task starts; tasks already running finish; then the
 * failure is thrown. Tasks and results cross the thread boundary by structured clone (typed arrays are copied).
 * @throws TaskFailedError naming the first task that failed or whose worker crashed.
 */
export async function runTaskPool<T, R, P = never>(options: TaskPoolOptions<T, R, P>): Promise<R[]> {
  const { tasks } = options;
  const results = new Array<R | undefined>(tasks.length);
  let next = 0;
  let failure: TaskFailedError | undefined;
  const drive = (worker: Worker): Promise<void> =>
    new Promise<void>((resolve) => {
      let current = -1;
      const give = (): void => {
        if (failure !== undefined || next >= tasks.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        current = next;
        next += 1;
        worker.postMessage({ kind: 'task', index: current, task: tasks[current] as T } satisfies TaskMessage<T>);
      };
      worker.on('message', (message: TaskReply<R, P>) => {
        if (message.kind === 'progress') {
          options.onProgress?.(message.progress, message.index);
        } else if (message.kind === 'done') {
          results[message.index] = message.result;
          options.onDone?.(message.index, message.result);
          give();
        } else {
          failure ??= new TaskFailedError(message.index, message.message, message.stack);
          give();
        }
      });
      worker.on('error', (error) => {
        failure ??= new TaskFailedError(current, `worker crashed: ${error.message}`, error.stack ?? '');
        resolve();
      });
      give();
    });
  const count = Math.max(1, Math.min(options.jobs, tasks.length));
  const workers = Array.from({ length: count }, () => startModuleWorker(options.url, { workerData: options.workerData }));
  await Promise.all(workers.map(drive));
  if (failure !== undefined) throw failure;
  return results.map((r, i) => {
    if (r === undefined) throw new TaskFailedError(i, 'produced no result', '');
    return r;
  });
}

/**
 * The worker side of {@link runTaskPool}: runs each task the main thread sends with `handler`, one at a time, and
 * replies with its result or its error. `report` sends progress for the task in hand.
 * @throws Error when not called in a worker thread.
 */
export function serveTasks<T, R, P = never>(handler: (task: T, report: (progress: P) => void) => Promise<R>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveTasks must run in a worker thread (started by runTaskPool)');
  const post = (message: TaskReply<R, P>): void => port.postMessage(message);
  port.on('message', (message: TaskMessage<T>) => {
    void (async () => {
      try {
        const result = await handler(message.task, (progress) => post({ kind: 'progress', index: message.index, progress }));
        post({ kind: 'done', index: message.index, result });
      } catch (error) {
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        post({ kind: 'failed', index: message.index, message: text, stack: error instanceof Error ? (error.stack ?? '') : '' });
      }
    })();
  });
}
