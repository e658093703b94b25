import { availableParallelism } from 'node:os';

import { runNodeChild } from '@counterweight/bench-kit';
import { ConfigError, MAX_WASM_THREADS, wasmThreadsPerCore } from '@counterweight/runtime';

import { WORKLOAD_NAMES, type WorkloadName } from './workload.js';

/** What the bench measures a workload with in a `threaded` child process (plain data: it travels as JSON). */
export interface ThreadedWasmOptions {
  readonly workload: WorkloadName;
  /** Compute threads of the child's wasm backend, 2..{@link MAX_WASM_THREADS}. */
  readonly threads: number;
  /** Seeds the workload's weights and data and the shuffles, as in the parent's measurements. */
  readonly seed: number;
  /** Batches per epoch (one epoch per repetition). */
  readonly batches: number;
  /** Timed repetitions at most, after one untimed warm-up epoch. */
  readonly repetitions: number;
  /** Seconds of timed repetitions at most, estimated from the warm-up epoch (at least one runs). Default: no budget. */
  readonly budgetSeconds?: number;
  /** Rows per batch; default: the workload's benchmark batch size (tests pass a small one). */
  readonly batchSize?: number;
}

/** A workload's throughput measured by {@link measureThreadedWasm}. */
export interface ThreadedWasmMeasurement {
  /** Compute threads the child's wasm backend reported. */
  readonly threads: number;
  /** Median samples/s, unrounded (the record holds it rounded). */
  readonly samplesPerSec: number;
  /** The bench's throughput record (`throughputRecord`) with `backend: 'wasm'`, `mode: 'threaded'`, `threads`. */
  readonly record: Record<string, unknown>;
}

/** Options of {@link measureThreadedWasm} that concern the child process, not the measurement. */
export interface ThreadedWasmRun {
  /** Kill the child after this many milliseconds (default 10 minutes). */
  readonly timeoutMs?: number;
}

/** The child's entry module: the `.ts` source from sources (tests, `tsx`), the compiled `.js` otherwise. */
const CHILD = new URL(`./threaded-wasm-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Compute threads of the bench's `threaded` mode: one per core (`os.availableParallelism()`), at most
 * {@link MAX_WASM_THREADS}; below 2 (a one-core machine) there is no threaded mode.
 */
export function threadedWasmThreads(cores: number = availableParallelism()): number {
  return wasmThreadsPerCore(cores);
}

/**
 * Checks the options a child is started with.
 * @throws ConfigError naming `workload`, `threads`, `seed`, `batches`, `repetitions`, `budgetSeconds` or `batchSize`.
 */
export function checkThreadedWasmOptions(options: ThreadedWasmOptions): ThreadedWasmOptions {
  if (!(WORKLOAD_NAMES as readonly string[]).includes(options.workload)) {
    throw new ConfigError('workload', `unknown workload "${String(options.workload)}"; use one of ${WORKLOAD_NAMES.join(', ')}`);
  }
  if (!Number.isInteger(options.threads) || options.threads < 2 || options.threads > MAX_WASM_THREADS) {
    throw new ConfigError('threads', `must be an integer from 2 to ${MAX_WASM_THREADS} (the threaded mode's wasm compute threads), got ${String(options.threads)}`);
  }
  if (!Number.isInteger(options.seed)) throw new ConfigError('seed', `must be an integer, got ${String(options.seed)}`);
  for (const [name, value] of [
    ['batches', options.batches],
    ['repetitions', options.repetitions],
    ['batchSize', options.batchSize],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new ConfigError(name, `must be a positive integer, got ${String(value)}`);
  }
  if (options.budgetSeconds !== undefined && !(options.budgetSeconds >= 0)) {
    throw new ConfigError('budgetSeconds', `must be a non-negative number, got ${String(options.budgetSeconds)}`);
  }
  return options;
}

/**
 * Measures one workload in the bench's `threaded` wasm mode: starts a fresh Node process (a process has one wasm
 * module, so this one's single-threaded backend cannot be switched), whose entry `threaded-wasm-child` initialises
 * the wasm backend with `options.threads` compute threads (tfjs-backend-wasm's threaded SIMD build, XNNPACK operators
 * split over the threads; no worker pool), builds the workload and times it with `measureWorkload` (one warm-up epoch,
 * then the median of `repetitions` epochs), and prints one JSON line. From sources the child runs with
 * `--conditions=@counterweight/source --import tsx`, from the built package as plain `node`.
 * @throws ConfigError for bad options ({@link checkThreadedWasmOptions}); an Error with the child's own message (or its
 *   exit code and last stderr line) when it measured nothing.
 */
export async function measureThreadedWasm(options: ThreadedWasmOptions, run: ThreadedWasmRun = {}): Promise<ThreadedWasmMeasurement> {
  checkThreadedWasmOptions(options);
  const outcome = await runNodeChild(CHILD, [JSON.stringify(options)], { timeoutMs: run.timeoutMs ?? 600_000 });
  const { line } = outcome;
  if (line !== undefined && typeof line['error'] === 'string') throw new Error(`threaded wasm (${options.workload}): ${line['error']}`);
  const record = line?.['record'];
  if (line === undefined || typeof line['threads'] !== 'number' || typeof line['samplesPerSec'] !== 'number' || typeof record !== 'object' || record === null) {
    throw new Error(`threaded wasm (${options.workload}): the child printed no measurement (${outcome.failure ?? 'its last line is not one'})`);
  }
  return { threads: line['threads'], samplesPerSec: line['samplesPerSec'], record: record as Record<string, unknown> };
}
