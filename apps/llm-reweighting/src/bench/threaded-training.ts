import { availableParallelism } from 'node:os';

import { runNodeChild } from '@counterweight/bench-kit';
import { ConfigError, MAX_WASM_THREADS, wasmThreadsPerCore } from '@counterweight/runtime';

import type { GptTraining, GptTrainingOptions } from './training-throughput.js';

/**
 * What {@link measureThreadedGptTraining} measures: {@link GptTrainingOptions} without a worker pool, and the compute
 * threads of the child's wasm backend. Plain data: it travels to the child as JSON.
 */
export interface ThreadedGptTrainingOptions extends Omit<GptTrainingOptions, 'workers'> {
  /** Compute threads of the wasm backend, 2..{@link MAX_WASM_THREADS}. */
  readonly threads: number;
  /** Kill the child after this many milliseconds (default 15 minutes). */
  readonly timeoutMs?: number;
}

/** A threaded wasm measurement: the child's {@link GptTraining} (`mode: 'threaded'`) and whether its wasm build is SIMD. */
export interface ThreadedGptTraining {
  readonly training: GptTraining;
  readonly simd: boolean;
}

/** The child's entry module: the `.ts` source from sources (tests, `tsx`), the compiled `.js` otherwise. */
const CHILD = new URL(`./threaded-training-child${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Compute threads of the bench's `threaded` mode: one per core (`os.availableParallelism()`) up to
 * {@link MAX_WASM_THREADS}, or 0 (no threaded mode) on a one-core machine.
 */
export function defaultWasmThreads(cores: number = availableParallelism()): number {
  return cores < 2 ? 0 : wasmThreadsPerCore(cores);
}

/**
 * GPT training throughput in the bench's `threaded` wasm mode: a fresh Node process (a process has one wasm module,
 * so this one's single-threaded backend cannot be switched) initialises the wasm backend with `threads` compute
 * threads — tfjs-backend-wasm's threaded SIMD build, every XNNPACK operator split over the threads, no worker pool —
 * and runs `measureGptTraining` with the other options (entry `threaded-training-child`; from sources with
 * `--conditions=@counterweight/source --import tsx`, from the built app as plain `node`).
 * @throws ConfigError naming `threads` (not an integer in 2..8) before any process starts; an Error with the
 *   child's own message (e.g. its ConfigError for a bad count), or its exit code and last stderr line, when it
 *   measured nothing.
 */
export async function measureThreadedGptTraining(options: ThreadedGptTrainingOptions): Promise<ThreadedGptTraining> {
  const { timeoutMs = 900_000, ...measure } = options;
  if (!Number.isInteger(measure.threads) || measure.threads < 2 || measure.threads > MAX_WASM_THREADS) {
    throw new ConfigError('threads', `must be an integer from 2 to ${MAX_WASM_THREADS} (the threaded mode's wasm compute threads), got ${String(measure.threads)}`);
  }
  const outcome = await runNodeChild(CHILD, [JSON.stringify(measure)], { timeoutMs });
  const { line } = outcome;
  if (line !== undefined && typeof line['error'] === 'string') throw new Error(`threaded wasm training: ${line['error']}`);
  const training = line?.['training'];
  if (line === undefined || typeof line['simd'] !== 'boolean' || typeof training !== 'object' || training === null) {
    throw new Error(`threaded wasm training: the child printed no measurement (${outcome.failure ?? 'its last line is not one'})`);
  }
  return { training: training as GptTraining, simd: line['simd'] };
}
