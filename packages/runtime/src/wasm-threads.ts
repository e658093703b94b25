import { createRequire } from 'node:module';
import { availableParallelism, type CpuInfo } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { resolveObjectURL } from 'node:buffer';

import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from './errors.js';

const require = createRequire(import.meta.url);

/**
 * Most compute threads {@link loadThreadedWasm} accepts: tfjs-backend-wasm 4.22 pre-starts 8 pthread workers and
 * caps its XNNPACK thread pool at 8.
 */
export const MAX_WASM_THREADS = 8;

/**
 * One wasm compute thread per core: `cores` (default `os.availableParallelism()`) capped at
 * {@link MAX_WASM_THREADS}. What the benches' `threaded` mode starts with (below 2 there is nothing to thread).
 */
export function wasmThreadsPerCore(cores: number = availableParallelism()): number {
  return Math.min(cores, MAX_WASM_THREADS);
}

/** Environment variable read by `initBackend` for the wasm backend's compute threads when no option is given. */
export const WASM_THREADS_ENV = 'COUNTERWEIGHT_WASM_THREADS';

/**
 * Parses a thread count for the wasm backend from a CLI value, falling back to `COUNTERWEIGHT_WASM_THREADS`, then 1.
 * @throws ConfigError naming the flag or variable when the value is not an integer in 1..{@link MAX_WASM_THREADS}.
 */
export function resolveWasmThreads(cliValue?: string | number, env: NodeJS.ProcessEnv = process.env): number {
  const [source, raw] =
    cliValue !== undefined && cliValue !== '' ? ['--threads', String(cliValue)] : [WASM_THREADS_ENV, env[WASM_THREADS_ENV] ?? '1'];
  const value = raw.trim() === '' ? 1 : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_WASM_THREADS) {
    throw new ConfigError(source, `must be an integer from 1 to ${MAX_WASM_THREADS} (wasm compute threads), got "${raw}"`);
  }
  return value;
}

/**
 * Code of every pthread worker: tfjs-backend-wasm's threaded build hands its workers their script and the module
 * factory as Blobs (a browser idiom), and the factory's source refers to names its Node bundle defines at top level
 * (`require$$0`… for fs, path, perf_hooks and os, `commonjsGlobal`, tslib's iteration helpers). This bootstrap
 * defines those names, runs the worker script it is sent first, and serves the factory source to the worker
 * script's `importScripts` from the texts the main thread sends ahead of it.
 */
const WORKER_BOOTSTRAP = `
const { parentPort, workerData } = require('worker_threads');
const tslib = require(workerData.tslib);
Object.assign(globalThis, {
  require$$0: require('fs'), require$$1: require('path'), require$$3: require('perf_hooks'), require$$4: require('os'),
  commonjsGlobal: globalThis, __values: tslib.__values, __read: tslib.__read, __spreadArray: tslib.__spreadArray,
});
const scripts = new Map();
parentPort.once('message', (first) => {
  (0, eval)(first.workerScript);
  const importFile = globalThis.importScripts;
  globalThis.importScripts = (name) => (scripts.has(name) ? (0, eval)(scripts.get(name)) : importFile(name));
  parentPort.on('message', (message) => {
    if (message !== null && typeof message === 'object' && typeof message.scriptName === 'string') {
      scripts.set(message.scriptName, message.scriptText);
    }
  });
});
`;

/** The name under which the module factory's source is served to a worker's `importScripts`. */
const FACTORY_SCRIPT = 'counterweight:tfjs-backend-wasm-threaded-simd';

type Posted = readonly [message: unknown, transfer: WorkerOptions['transferList']];

function isLoadWithBlob(message: unknown): message is { cmd: 'load'; urlOrBlob: Blob } {
  return (
    message !== null &&
    typeof message === 'object' &&
    (message as { cmd?: unknown }).cmd === 'load' &&
    (message as { urlOrBlob?: unknown }).urlOrBlob instanceof Blob
  );
}

/**
 * A `worker_threads.Worker` that also starts from a `blob:` URL, as Emscripten's pthread support asks for in
 * tfjs-backend-wasm's threaded build. Node cannot run a Blob URL as a worker script, and reading a Blob is
 * asynchronous: the worker starts with {@link WORKER_BOOTSTRAP}, messages posted meanwhile wait (in order) until
 * the script (and, for the `load` message, the module factory) has been sent. Any other URL starts a plain worker.
 */
class BlobScriptWorker extends Worker {
  private queue: Posted[] | undefined;

  constructor(url: string | URL, options?: WorkerOptions) {
    const blob = typeof url === 'string' && url.startsWith('blob:') ? resolveObjectURL(url) : undefined;
    if (blob === undefined) {
      super(url, options);
      return;
    }
    super(WORKER_BOOTSTRAP, { eval: true, workerData: { tslib: require.resolve('tslib') } });
    this.queue = [];
    void blob.text().then((workerScript) => {
      super.postMessage({ workerScript });
      return this.flush();
    });
  }

  private async flush(): Promise<void> {
    const queue = this.queue ?? [];
    while (queue.length > 0) {
      const [message, transfer] = queue[0] as Posted;
      if (isLoadWithBlob(message)) {
        super.postMessage({ scriptName: FACTORY_SCRIPT, scriptText: await message.urlOrBlob.text() });
        super.postMessage({ ...message, urlOrBlob: FACTORY_SCRIPT }, transfer);
      } else {
        super.postMessage(message, transfer);
      }
      queue.shift();
    }
    this.queue = undefined;
  }

  override postMessage(message: unknown, transfer?: WorkerOptions['transferList']): void {
    if (this.queue === undefined && isLoadWithBlob(message)) {
      this.queue = [[message, transfer]];
      void this.flush();
      return;
    }
    if (this.queue !== undefined) {
      this.queue.push([message, transfer]);
      return;
    }
    super.postMessage(message, transfer);
  }
}

/** Runs `body` with `os.cpus()` reporting `count` logical cores (the CommonJS `os` object the wasm glue reads). */
async function withLogicalCores<T>(count: number, body: () => Promise<T>): Promise<T> {
  const os = require('node:os') as { cpus: () => CpuInfo[] };
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: count }, (_, i) => real[i % Math.max(1, real.length)] as CpuInfo);
  };
  try {
    return await body();
  } finally {
    os.cpus = cpus;
  }
}

/** Runs `body` with a global `Worker` that Emscripten's glue uses and cannot replace. */
async function withBlobWorkers<T>(body: () => Promise<T>): Promise<T> {
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => BlobScriptWorker,
    // The glue assigns worker_threads' Worker when it starts; keep ours.
    set: () => undefined,
  });
  try {
    return await body();
  } finally {
    if (previous === undefined) delete (globalThis as { Worker?: unknown }).Worker;
    else Object.defineProperty(globalThis, 'Worker', previous);
  }
}

/** The one tfjs-backend-wasm module of this process, with its threading entry points. */
interface WasmBackendModule {
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

/**
 * Initialises tfjs-backend-wasm 4.22's **threaded SIMD build** in Node with `threads` compute threads, so every
 * XNNPACK operator (dense products, convolutions, softmax, sigmoid, …) splits its work over that many threads.
 * Stock tfjs turns this build off in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired false there, tfjs issue
 * #3830) because its Emscripten pthreads start from Blob URLs and its thread count is capped at half of
 * `os.cpus()` (it assumes two hyper-threads per core). This function sets the flag, serves the workers their scripts
 * through {@link BlobScriptWorker}, reports `2·threads` logical cores to the glue while the module starts (so the
 * cap is `threads`), and then selects the `wasm` backend. Results are bitwise those of the single-threaded SIMD
 * build (XNNPACK splits output tiles, never a sum). The thread pool lives as long as the process; the threads do
 * not keep it alive.
 *
 * Call it before anything else selects the wasm backend: a process has one wasm module.
 * @throws ConfigError (`threads`) for a count outside 1..{@link MAX_WASM_THREADS}, when the wasm backend already
 *   runs with another thread count, or when the threaded build starts with fewer threads than asked.
 */
export async function loadThreadedWasm(threads: number): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new ConfigError('threads', `must be an integer from 1 to ${MAX_WASM_THREADS}, got ${threads}`);
  }
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as WasmBackendModule;
  if (tf.findBackend('wasm') !== undefined && tf.findBackend('wasm') !== null) {
    const running = wasm.getThreadsCount();
    if (running !== threads) {
      throw new ConfigError('threads', `the wasm backend of this process already runs with ${running} thread(s); a process has one wasm module, so ask for ${threads} before it first starts`);
    }
    await tf.setBackend('wasm');
    return;
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const ok = await withBlobWorkers(() => withLogicalCores(2 * threads, () => tf.setBackend('wasm')));
  if (!ok) throw new ConfigError('threads', `tfjs-backend-wasm's threaded build did not start with ${threads} thread(s)`);
  const running = wasm.getThreadsCount();
  if (running !== threads) {
    throw new ConfigError('threads', `tfjs-backend-wasm's threaded build started ${running} thread(s) instead of ${threads}`);
  }
  // Emscripten keeps a running pthread's worker referenced, which would keep the process alive after its work.
  const backend = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: { runningWorkers?: Worker[] } } };
  for (const worker of backend.wasm?.PThread?.runningWorkers ?? []) worker.unref();
}
