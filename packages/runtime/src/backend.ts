import { availableParallelism } from 'node:os';

import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers the gradient functions of every op; without it, tf.grad fails with
// "gradient function not found". Imported for that side effect (and for apps that build layers models).
import '@tensorflow/tfjs-layers';
import { registerWasmTrainingKernels } from '@counterweight/wasm-kernels';

import { ConfigError } from './errors.js';
import { loadThreadedWasm, resolveWasmThreads } from './wasm-threads.js';

/** Backends Counterweight can run on, in order of preference. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
/** `tensorflow` is `@tensorflow/tfjs-node` (libtensorflow); `wasm` is `@tensorflow/tfjs-backend-wasm`; `cpu` is plain JS. */
export type BackendName = (typeof BACKEND_NAMES)[number];
/** A backend request: a name, or `auto` for the first one that loads. */
export type BackendRequest = BackendName | 'auto';

/** Environment variable read when no backend is requested explicitly. */
export const BACKEND_ENV = 'COUNTERWEIGHT_BACKEND';

/** What {@link initBackend} chose and why. */
export interface BackendInfo {
  readonly name: BackendName;
  /** Threads the backend computes with (wasm: 1 unless asked for more with `threads`; see the runtime README). */
  readonly threads: number;
  /** Whether the wasm backend runs its SIMD build (undefined for other backends). */
  readonly simd: boolean | undefined;
  /** For every more-preferred backend that was skipped, why it could not be used. */
  readonly skipped: ReadonlyArray<{ readonly name: BackendName; readonly reason: string }>;
}

export interface InitBackendOptions {
  /** Where the one-line summary goes; defaults to stderr so stdout stays machine-readable. Pass `null` to silence. */
  readonly log?: ((line: string) => void) | null;
  /**
   * Compute threads of the wasm backend (1..8): more than 1 starts tfjs-backend-wasm's threaded SIMD build
   * ({@link loadThreadedWasm}), whose XNNPACK operators split their work over the threads, with bitwise the same
   * results. Default: `COUNTERWEIGHT_WASM_THREADS`, else 1. Ignored by the other backends.
   */
  readonly threads?: number;
}

/**
 * Parses a backend request from a CLI value, falling back to `COUNTERWEIGHT_BACKEND`, then `auto`.
 * @throws ConfigError naming the flag or variable when the value is not one of `auto`, `tensorflow`, `wasm`, `cpu`.
 */
export function resolveBackendRequest(cliValue?: string, env: NodeJS.ProcessEnv = process.env): BackendRequest {
  const [source, raw] =
    cliValue !== undefined && cliValue !== '' ? ['--backend', cliValue] : [BACKEND_ENV, env[BACKEND_ENV] ?? 'auto'];
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'auto') return 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new ConfigError(source, `unknown backend "${raw}"; use one of auto, ${BACKEND_NAMES.join(', ')}`);
}

/**
 * The first line of a load error with every absolute path (and `file://` URL) shortened to its last component, so
 * that a message logged into a report names no folder of the machine that wrote it:
 * `Cannot find package '/a/b/node_modules/x/index.js'` → `Cannot find package 'index.js'`.
 */
export function describeLoadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0] ?? message;
  return line.replace(/(?:file:\/\/)?(?:\/[^\s'"(),/]+)+\/?/g, (path) => path.replace(/\/$/, '').split('/').at(-1) ?? path);
}

function isMissingModule(error: unknown, name: string): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND') &&
    error.message.includes(name)
  );
}

async function tryTensorflow(): Promise<BackendInfo | string> {
  const tfnode = '@tensorflow/tfjs-node';
  try {
    // Optional dependency: absent wherever its install script could not download libtensorflow.
    await import(tfnode);
    if (!(await tf.setBackend('tensorflow'))) return 'tfjs-node loaded but the tensorflow backend did not initialise';
    return { name: 'tensorflow', threads: availableParallelism(), simd: undefined, skipped: [] };
  } catch (error) {
    return isMissingModule(error, tfnode)
      ? `${tfnode} is not installed (its install step downloads libtensorflow, which needs a connection)`
      : `${tfnode} is installed but did not load (${describeLoadError(error)})`;
  }
}

async function tryWasm(threads: number): Promise<BackendInfo | string> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (threads > 1) {
      await loadThreadedWasm(threads);
    } else if (!(await tf.setBackend('wasm'))) {
      return 'the wasm backend did not initialise';
    }
    registerWasmTrainingKernels();
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    return { name: 'wasm', threads: wasm.getThreadsCount(), simd, skipped: [] };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    return `@tensorflow/tfjs-backend-wasm failed to load (${describeLoadError(error)})`;
  }
}

async function tryCpu(): Promise<BackendInfo | string> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) return 'the cpu backend did not initialise';
    return { name: 'cpu', threads: 1, simd: undefined, skipped: [] };
  } catch (error) {
    return `@tensorflow/tfjs-backend-cpu failed to load (${describeLoadError(error)})`;
  }
}

const ATTEMPTS: Record<BackendName, (threads: number) => Promise<BackendInfo | string>> = {
  tensorflow: tryTensorflow,
  wasm: tryWasm,
  cpu: tryCpu,
};

/**
 * One line saying which backend runs and, when a more-preferred one was unavailable, why, e.g.
 * `backend: wasm (SIMD, 1 thread; more with COUNTERWEIGHT_WASM_THREADS), chosen because tensorflow is
 * unavailable: @tensorflow/tfjs-node is not installed (…)`. It names no path of the machine.
 */
export function formatBackendInfo(info: BackendInfo): string {
  const details = [
    ...(info.simd === undefined ? [] : [info.simd ? 'SIMD' : 'no SIMD']),
    `${info.threads} thread${info.threads === 1 ? '' : 's'}`,
  ].join(', ');
  const note =
    info.name === 'wasm' && info.threads === 1 && availableParallelism() > 1
      ? `; ${WASM_THREADS_HINT}`
      : info.name === 'wasm' && info.threads > 1
        ? '; threaded SIMD build'
        : '';
  const why =
    info.skipped.length === 0
      ? ''
      : `, chosen because ${info.skipped.map((s) => `${s.name} is unavailable: ${s.reason}`).join('; ')}`;
  return `backend: ${info.name} (${details}${note})${why}`;
}

/** How to ask for more wasm threads, as the one-line summary says it. */
const WASM_THREADS_HINT = 'more with COUNTERWEIGHT_WASM_THREADS';

let active: BackendInfo | undefined;

/**
 * Selects and initialises the tfjs backend: with `auto`, `@tensorflow/tfjs-node` if it loads, else
 * `@tensorflow/tfjs-backend-wasm` (`options.threads` compute threads, default 1), else `@tensorflow/tfjs-backend-cpu`.
 * A named backend is used or the call fails. The choice and thread count are logged once (to stderr by default).
 *
 * @param request a backend name or `auto`; defaults to {@link resolveBackendRequest}() (the environment variable).
 * @throws ConfigError when the requested backend (or, with `auto`, every backend) cannot be initialised, or
 *   `threads` is invalid or cannot be honoured (see {@link loadThreadedWasm}).
 */
export async function initBackend(
  request: BackendRequest = resolveBackendRequest(),
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  const log = options.log === undefined ? (line: string) => process.stderr.write(`${line}\n`) : options.log;
  const order: readonly BackendName[] = request === 'auto' ? BACKEND_NAMES : [request];
  const threads = options.threads ?? resolveWasmThreads();
  const skipped: Array<{ name: BackendName; reason: string }> = [];
  for (const name of order) {
    const outcome = await ATTEMPTS[name](threads);
    if (typeof outcome === 'string') {
      skipped.push({ name, reason: outcome });
      continue;
    }
    await tf.ready();
    // Production mode: silences tfjs' own "install tfjs-node" banner (the line logged below says what runs and why).
    tf.enableProdMode();
    active = { ...outcome, skipped };
    log?.(formatBackendInfo(active));
    return active;
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new ConfigError('backend', `no usable backend for request "${request}" (${reasons})`);
}

/** The backend chosen by the last {@link initBackend} call, if any. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}
