import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { ConfigError } from './errors.js';
import { loadThreadedWasm, MAX_WASM_THREADS, resolveWasmThreads, WASM_THREADS_ENV, wasmThreadsPerCore } from './wasm-threads.js';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('./test-support/threaded-probe.ts', import.meta.url));

interface Probe {
  readonly threads: number;
  readonly losses: number[];
  readonly checksum: number;
}

/** Runs the probe in a fresh process (a process has one wasm module) and parses its line; fails if it hangs. */
async function probe(threads: number): Promise<Probe> {
  const { stdout } = await run(process.execPath, ['--conditions=@counterweight/source', '--import', 'tsx', PROBE, String(threads)], {
    timeout: 60_000,
    env: { ...process.env, [WASM_THREADS_ENV]: '' },
  });
  return JSON.parse(stdout.trim()) as Probe;
}

describe('resolveWasmThreads', () => {
  it('prefers the CLI value, then the environment variable, then 1', () => {
    expect(resolveWasmThreads('2', { [WASM_THREADS_ENV]: '4' })).toBe(2);
    expect(resolveWasmThreads(undefined, { [WASM_THREADS_ENV]: '4' })).toBe(4);
    expect(resolveWasmThreads(undefined, {})).toBe(1);
    expect(resolveWasmThreads(undefined, { [WASM_THREADS_ENV]: ' ' })).toBe(1);
  });

  it('names the flag or variable of a count that is not 1..8', () => {
    expect(() => resolveWasmThreads('0', {})).toThrow(/^--threads: must be an integer from 1 to 8 \(wasm compute threads\), got "0"$/);
    expect(() => resolveWasmThreads('1.5', {})).toThrow(ConfigError);
    expect(() => resolveWasmThreads(undefined, { [WASM_THREADS_ENV]: 'all' })).toThrow(/^COUNTERWEIGHT_WASM_THREADS: must be an integer/);
    expect(() => resolveWasmThreads(String(MAX_WASM_THREADS + 1), {})).toThrow(ConfigError);
  });
});

describe('wasmThreadsPerCore', () => {
  it('is one thread per core, at most 8', () => {
    expect(wasmThreadsPerCore(1)).toBe(1);
    expect(wasmThreadsPerCore(2)).toBe(2);
    expect(wasmThreadsPerCore(64)).toBe(MAX_WASM_THREADS);
  });
});

describe('loadThreadedWasm', () => {
  it('refuses a thread count outside 1..8 before touching the backend', async () => {
    await expect(loadThreadedWasm(0)).rejects.toThrow(/^threads: must be an integer from 1 to 8, got 0$/);
    await expect(loadThreadedWasm(9)).rejects.toThrow(ConfigError);
  });

  it('trains with 2 threads to bitwise the single-threaded result, and the process ends by itself', async () => {
    const [one, two] = await Promise.all([probe(1), probe(2)]);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(one.losses).toHaveLength(5);
    expect(one.losses.every(Number.isFinite)).toBe(true);
    expect(one.losses.at(-1)).toBeLessThan(one.losses[0] ?? 0);
    expect(two.losses).toEqual(one.losses);
    expect(two.checksum).toBe(one.checksum);
  }, 120_000);
});
