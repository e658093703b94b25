import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Environment variable naming the Python interpreter (with torch) of the PyTorch peer. */
export const TORCH_PYTHON_ENV = 'COUNTERWEIGHT_TORCH_PYTHON';

/**
 * The peer script, `apps/air-pollution/bench/torch_forecaster.py` (two levels above this module both in `src/bench/`
 * and in `dist/bench/`).
 */
export const TORCH_FORECASTER_SCRIPT = fileURLToPath(new URL('../../bench/torch_forecaster.py', import.meta.url));

/**
 * OpenBLAS variables removed from the peer's environment: this machine sets `OPENBLAS_CORETYPE`/`OPENBLAS_L2_SIZE`
 * globally, which makes OpenBLAS about 1.5× slower here than its own CPU detection; the peer gets OpenBLAS's
 * defaults. Only the peer's child processes lose them.
 */
export const PEER_UNSET_ENV: readonly string[] = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

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

/**
 * The environment of the peer's process for `threads` threads: `base` with `OMP_NUM_THREADS`,
 * `OPENBLAS_NUM_THREADS` and `MKL_NUM_THREADS` set to `threads` (read by torch and OpenBLAS when they load, hence one
 * process per thread count) and the {@link PEER_UNSET_ENV} variables removed. `base` itself is not changed.
 */
export function peerEnvironment(threads: number, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  for (const name of PEER_UNSET_ENV) delete env[name];
  return env;
}

/** The interpreters {@link findTorchPython} tries, in order: `$COUNTERWEIGHT_TORCH_PYTHON`, `/usr/bin/python3` (Debian's `python3-torch`), `python3`. */
export function torchPythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env[TORCH_PYTHON_ENV]?.trim();
  return [...new Set([...(fromEnv === undefined || fromEnv === '' ? [] : [fromEnv]), '/usr/bin/python3', 'python3'])];
}

interface Captured {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the command could not be started (ENOENT, …). */
  readonly spawnError?: string;
}

/** Runs `command args` with `env`, resolving with its exit code and output (never rejecting). */
function capture(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Captured> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    // Our own timer rather than spawn's `timeout`, whose timer outlives a child that failed to start and keeps the
    // process alive until it fires.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, spawnError: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The first of `candidates` (default {@link torchPythonCandidates}) that can `import torch` (checked in the peer's
 * environment).
 * @returns it and its `torch.__version__`, or undefined, with the candidates tried.
 */
export async function findTorchPython(
  env: NodeJS.ProcessEnv = process.env,
  candidates: readonly string[] = torchPythonCandidates(env),
): Promise<{ found: { command: string; torchVersion: string } | undefined; tried: readonly string[] }> {
  const tried = [...candidates];
  for (const command of tried) {
    const run = await capture(command, ['-c', 'import torch; print(torch.__version__)'], peerEnvironment(1, env), 120_000);
    const version = run.stdout.trim().split('\n').pop() ?? '';
    if (run.code === 0 && version !== '') return { found: { command, torchVersion: version }, tried };
  }
  return { found: undefined, tried };
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
    const run = await capture(python, [script, ...peerArguments(spec, n)], peerEnvironment(n, options.env ?? process.env), options.timeoutMs ?? 600_000);
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
