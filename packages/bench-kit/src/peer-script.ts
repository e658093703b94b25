import { TORCH_PYTHON_ENV, captureProcess, findTorchPython, peerEnvironment, torchPythonCandidates } from './torch-python.js';

/**
 * The JSON line a PyTorch peer script prints for one thread count: `backend: "torch"`, the thread count, and either
 * its measurement fields (any names: `samplesPerSec`, `tokensPerSec`, `blas`, …) or an `error`.
 */
export interface PeerRecord {
  readonly backend: 'torch';
  readonly threads: number;
  readonly error?: string;
  readonly [key: string]: unknown;
}

/** A peer's outcome: measured (one record per thread count, some may hold an `error`), or unavailable with the reason. */
export type PeerOutcome<R extends PeerRecord = PeerRecord> =
  | { readonly status: 'measured'; readonly python: string; readonly torchVersion: string; readonly records: readonly R[] }
  | { readonly status: 'unavailable'; readonly reason: string };

/** Options of {@link runPeerScript} and {@link runTorchPeerScript}. */
export interface PeerRunOptions {
  /** Environment the child processes start from (before {@link peerEnvironment}); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Kill a child that runs longer than this (default 10 minutes). */
  readonly timeoutMs?: number;
  /** Interpreters to try ({@link runTorchPeerScript}); default {@link torchPythonCandidates} of `env`. */
  readonly pythons?: readonly string[];
}

/** Whether a parsed JSON value is a peer record: an object with `backend: "torch"` and a numeric `threads`. */
export function isPeerRecord(value: unknown): value is PeerRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['backend'] === 'torch' && typeof record['threads'] === 'number';
}

/** The last line of `stdout` that parses as a {@link PeerRecord}, or undefined; other lines are ignored. */
export function lastPeerRecord(stdout: string): PeerRecord | undefined {
  let record: PeerRecord | undefined;
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isPeerRecord(parsed)) record = parsed;
    } catch {
      // not a JSON line
    }
  }
  return record;
}

/**
 * Runs `python script ...argumentsFor(n)` once per thread count `n`, one after the other, each in its own process with
 * {@link peerEnvironment}`(n)` (torch and OpenBLAS read the thread variables when they load, hence one process per
 * count), and returns the record each printed ({@link lastPeerRecord}). A process that prints no record gives a
 * record with an `error` naming the command, its exit code and the last line of its stderr (or why it did not start).
 * Never rejects.
 */
export async function runPeerScript<R extends PeerRecord = PeerRecord>(
  python: string,
  script: string,
  argumentsFor: (threads: number) => readonly string[],
  threads: readonly number[],
  options: PeerRunOptions = {},
): Promise<R[]> {
  const records: R[] = [];
  for (const n of threads) {
    const run = await captureProcess(python, [script, ...argumentsFor(n)], peerEnvironment(n, options.env ?? process.env), options.timeoutMs ?? 600_000);
    let record = lastPeerRecord(run.stdout);
    if (record === undefined) {
      const last = run.stderr.trim().split('\n').pop() ?? '';
      const why = run.spawnError ?? `exited with code ${String(run.code)}${last === '' ? '' : `: ${last}`}`;
      record = { backend: 'torch', threads: n, error: `${python} ${script}: ${why}` };
    }
    records.push(record as R);
  }
  return records;
}

/**
 * A PyTorch peer in one call: finds a Python that imports torch ({@link findTorchPython}) and runs
 * {@link runPeerScript} for every thread count. Never throws for a missing or broken torch: the outcome is
 * `unavailable` with the reason (no interpreter imports torch — naming the ones tried and {@link TORCH_PYTHON_ENV} —
 * or every thread count's record holds an `error`: the first one).
 */
export async function runTorchPeerScript<R extends PeerRecord = PeerRecord>(
  script: string,
  argumentsFor: (threads: number) => readonly string[],
  threads: readonly number[],
  options: PeerRunOptions = {},
): Promise<PeerOutcome<R>> {
  const env = options.env ?? process.env;
  const { found, tried } = await findTorchPython(env, options.pythons ?? torchPythonCandidates(env));
  if (found === undefined) {
    return {
      status: 'unavailable',
      reason: `no Python that can import torch (tried ${tried.join(', ')}; set ${TORCH_PYTHON_ENV}, or install Debian's python3-torch and libopenblas0-pthread)`,
    };
  }
  const records = await runPeerScript<R>(found.command, script, argumentsFor, threads, options);
  if (records.every((r) => r.error !== undefined)) {
    return { status: 'unavailable', reason: records[0]?.error ?? 'the peer printed no measurement' };
  }
  return { status: 'measured', python: found.command, torchVersion: found.torchVersion, records };
}
