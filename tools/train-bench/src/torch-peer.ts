import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { PEER_UNSET_ENV } from '@counterweight/bench-kit';

import type { WorkloadName } from './workload.js';

/**
 * The PyTorch peer script, `tools/train-bench/bench/torch_workloads.py` (one level above this module both in `src/`
 * and in `dist/`).
 */
export const TORCH_SCRIPT = fileURLToPath(new URL('../bench/torch_workloads.py', import.meta.url));

/** One JSON line of the peer script: a measurement, or an `error` for a workload that failed. */
export interface TorchRecord {
  readonly workload: WorkloadName;
  readonly backend: 'torch';
  readonly threads: number;
  readonly samplesPerSec?: number;
  readonly error?: string;
  readonly [key: string]: unknown;
}

/** Options of {@link runTorchPeer}. */
export interface TorchPeerOptions {
  readonly workloads: readonly WorkloadName[];
  /** One process per thread count (default [1, 2]). */
  readonly threads?: readonly number[];
  /** Batches per epoch (default 4). */
  readonly batches?: number;
  /** Timed repetitions (default 5). */
  readonly repetitions?: number;
  /** Minimum seconds per repetition (whole epochs; default 0.3). */
  readonly minSeconds?: number;
  /** Seconds of timed repetitions per workload at most, estimated from the warm-up (default 30). */
  readonly budgetSeconds?: number;
  readonly seed?: number;
  /** Called for every record as soon as it is printed. */
  readonly onRecord?: (record: TorchRecord) => void;
}

function isTorchRecord(value: unknown): value is TorchRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['backend'] === 'torch' && typeof record['workload'] === 'string' && typeof record['threads'] === 'number';
}

/**
 * Runs `bench/torch_workloads.py` with `python` (one child process per thread count, started by the script) and
 * collects its JSON lines, without the {@link PEER_UNSET_ENV} variables in its environment. The script's stderr goes
 * to this process's stderr.
 * @throws Error when the script exits with a failure and printed no record at all.
 */
export async function runTorchPeer(python: string, options: TorchPeerOptions): Promise<TorchRecord[]> {
  const args = [
    TORCH_SCRIPT,
    '--workloads',
    options.workloads.join(','),
    '--threads',
    (options.threads ?? [1, 2]).join(','),
    '--batches',
    String(options.batches ?? 4),
    '--repetitions',
    String(options.repetitions ?? 5),
    '--min-seconds',
    String(options.minSeconds ?? 0.3),
    '--budget-seconds',
    String(options.budgetSeconds ?? 30),
    '--seed',
    String(options.seed ?? 1),
  ];
  // Its own process group, so that an interrupted bench also stops the script's per-thread-count child process.
  // The script sets the thread variables per child itself; variables that pin OpenBLAS's kernels or cache size to
  // another machine's (bench-kit's PEER_UNSET_ENV) are removed from the peer's environment only.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of PEER_UNSET_ENV) delete env[name];
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true, env });
  const stop = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    stop();
    release();
    process.kill(process.pid, signal); // default behaviour again: terminate
  };
  const release = (): void => {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal).off('exit', stop);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal).once('exit', stop);
  const records: TorchRecord[] = [];
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        process.stderr.write(`torch peer: ignoring a line that is not JSON: ${line}\n`);
        continue;
      }
      if (!isTorchRecord(parsed)) continue;
      records.push(parsed);
      options.onRecord?.(parsed);
    }
  } finally {
    release();
  }
  const code = await exited;
  if (code !== 0 && records.length === 0) throw new Error(`${python} ${TORCH_SCRIPT} exited with code ${String(code)}`);
  return records;
}

/** The fastest measurement per workload among `records` (records with an error are ignored). */
export function bestByWorkload(records: readonly TorchRecord[]): Map<WorkloadName, TorchRecord> {
  const best = new Map<WorkloadName, TorchRecord>();
  for (const record of records) {
    if (record.samplesPerSec === undefined || !Number.isFinite(record.samplesPerSec)) continue;
    const current = best.get(record.workload);
    if (current === undefined || record.samplesPerSec > (current.samplesPerSec ?? 0)) best.set(record.workload, record);
  }
  return best;
}
