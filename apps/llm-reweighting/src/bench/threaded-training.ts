import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

import { ConfigError, MAX_WASM_THREADS } from '@counterweight/runtime';

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
  return cores < 2 ? 0 : Math.min(cores, MAX_WASM_THREADS);
}

/** The last line of `stdout` that parses as a JSON object, or undefined. */
function lastJsonObject(stdout: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) found = parsed as Record<string, unknown>;
    } catch {
      // not a JSON line
    }
  }
  return found;
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
  const script = fileURLToPath(CHILD);
  const args = [...(script.endsWith('.ts') ? ['--conditions=@counterweight/source', '--import', 'tsx'] : []), script, JSON.stringify(measure)];
  const outcome = await new Promise<{ stdout: string; stderr: string; failure?: string }>((resolve) => {
    execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (error, stdout, stderr) => {
      const failure = error === null ? undefined : error.killed ? `killed after ${timeoutMs} ms` : `exited with code ${String(error.code)}`;
      resolve({ stdout, stderr, ...(failure === undefined ? {} : { failure }) });
    });
  });
  const line = lastJsonObject(outcome.stdout);
  if (line !== undefined && typeof line['error'] === 'string') throw new Error(`threaded wasm training: ${line['error']}`);
  const training = line?.['training'];
  if (line === undefined || typeof line['simd'] !== 'boolean' || typeof training !== 'object' || training === null) {
    const last = outcome.stderr.trim().split('\n').pop() ?? '';
    throw new Error(`threaded wasm training: the child printed no measurement (${outcome.failure ?? 'exited with code 0'}${last === '' ? '' : `: ${last}`})`);
  }
  return { training: training as GptTraining, simd: line['simd'] };
}
