import { fileURLToPath } from 'node:url';

import { TORCH_PYTHON_ENV, captureProcess, findTorchPython, peerEnvironment, torchPythonCandidates } from '@counterweight/bench-kit';

/**
 * The peer script, `apps/air-pollution/bench/torch_forecaster.py` (two levels above this module both in `src/bench/`
 * and in `dist/bench/`).
 */
export const TORCH_FORECASTER_SCRIPT = fileURLToPath(new URL('../../bench/torch_forecaster.py', import.meta.url));

/** What the peer trains: the MLP forecaster's sizes, the data shape and the timing. */
export interface TorchPeerSpec {
  readonly history: number;
  readonly features: number;
  /** Weather variables (weather-head outputs per horizon); 0: no weather head. */
  readonly weather: number;
  readonly pollutants: number;
  /** Number of horizons. */
  readonly horizons: number;
  readonly hidden: number;
  readonly layers: number;
  readonly headHidden: number;
  readonly batchSize: number;
  /** Steps per timed epoch. */
  readonly steps: number;
  readonly repetitions: number;
  readonly seed: number;
  readonly learningRate: number;
}

/** The JSON line the peer prints for one thread count: a measurement, or an `error`. */
export interface TorchPeerRecord {
  readonly backend: 'torch';
  readonly threads: number;
  readonly samplesPerSec?: number;
  readonly parameterCount?: number;
  readonly error?: string;
  readonly [key: string]: unknown;
}

/** The peer's outcome: measured (one record per thread count, some may hold an `error`), or unavailable with the reason. */
export type TorchPeerOutcome =
  | { readonly status: 'measured'; readonly python: string; readonly torchVersion: string; readonly records: readonly TorchPeerRecord[] }
  | { readonly status: 'unavailable'; readonly reason: string };

/** Options of {@link runTorchPeer} and {@link torchPeer}. */
export interface TorchPeerRunOptions {
  /** The script to run; default {@link TORCH_FORECASTER_SCRIPT}. */
  readonly script?: string;
  /** Environment the child processes start from (before {@link peerEnvironment}); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Kill a child that runs longer than this (default 10 minutes). */
  readonly timeoutMs?: number;
  /** Interpreters to try ({@link torchPeer}); default {@link torchPythonCandidates} of `env`. */
  readonly pythons?: readonly string[];
}

function isPeerRecord(value: unknown): value is TorchPeerRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['backend'] === 'torch' && typeof record['threads'] === 'number';
}

/** The script's arguments for a spec and a thread count. */
export function peerArguments(spec: TorchPeerSpec, threads: number): string[] {
  const pairs: ReadonlyArray<[string, number]> = [
    ['--threads', threads],
    ['--history', spec.history],
    ['--features', spec.features],
    ['--weather', spec.weather],
    ['--pollutants', spec.pollutants],
    ['--horizons', spec.horizons],
    ['--hidden', spec.hidden],
    ['--layers', spec.layers],
    ['--head-hidden', spec.headHidden],
    ['--batch', spec.batchSize],
    ['--steps', spec.steps],
    ['--repetitions', spec.repetitions],
    ['--seed', spec.seed],
    ['--learning-rate', spec.learningRate],
  ];
  return pairs.flatMap(([flag, value]) => [flag, String(value)]);
}

/**
 * Runs the peer script with `python` once per thread count, one after the other, each in its own process with
 * {@link peerEnvironment}, and returns the record each printed (its last JSON line with `backend: "torch"`). A process
 * that prints no record gives a record with an `error` naming its exit code and the last line of its stderr.
 */
export async function runTorchPeer(python: string, spec: TorchPeerSpec, threads: readonly number[], options: TorchPeerRunOptions = {}): Promise<TorchPeerRecord[]> {
  const script = options.script ?? TORCH_FORECASTER_SCRIPT;
  const records: TorchPeerRecord[] = [];
  for (const n of threads) {
    const run = await captureProcess(python, [script, ...peerArguments(spec, n)], peerEnvironment(n, options.env ?? process.env), options.timeoutMs ?? 600_000);
    let record: TorchPeerRecord | undefined;
    for (const line of run.stdout.split('\n')) {
      try {
        const parsed: unknown = JSON.parse(line);
        if (isPeerRecord(parsed)) record = parsed;
      } catch {
        // not a JSON line
      }
    }
    if (record === undefined) {
      const last = run.stderr.trim().split('\n').pop() ?? '';
      const why = run.spawnError ?? `exited with code ${String(run.code)}${last === '' ? '' : `: ${last}`}`;
      record = { backend: 'torch', threads: n, error: `${python} ${script}: ${why}` };
    }
    records.push(record);
  }
  return records;
}

/**
 * The PyTorch peer in one call: finds a Python with torch ({@link findTorchPython}) and runs {@link runTorchPeer} for
 * each thread count. Never throws for a missing or broken torch: the outcome is `unavailable` with the reason (no
 * interpreter imports torch, or every thread count failed — the first error).
 */
export async function torchPeer(spec: TorchPeerSpec, threads: readonly number[], options: TorchPeerRunOptions = {}): Promise<TorchPeerOutcome> {
  const env = options.env ?? process.env;
  const { found, tried } = await findTorchPython(env, options.pythons ?? torchPythonCandidates(env));
  if (found === undefined) {
    return {
      status: 'unavailable',
      reason: `no Python that can import torch (tried ${tried.join(', ')}; set ${TORCH_PYTHON_ENV}, or install Debian's python3-torch and libopenblas0-pthread)`,
    };
  }
  const records = await runTorchPeer(found.command, spec, threads, options);
  if (records.every((r) => r.samplesPerSec === undefined)) {
    return { status: 'unavailable', reason: records[0]?.error ?? 'the peer printed no measurement' };
  }
  return { status: 'measured', python: found.command, torchVersion: found.torchVersion, records };
}
