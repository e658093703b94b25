import { fileURLToPath } from 'node:url';

import { runPeerScript, runTorchPeerScript, type PeerOutcome, type PeerRecord, type PeerRunOptions } from '@counterweight/bench-kit';

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
export interface TorchPeerRecord extends PeerRecord {
  readonly samplesPerSec?: number;
  readonly parameterCount?: number;
}

/** The peer's outcome: measured (one record per thread count, some may hold an `error`), or unavailable with the reason. */
export type TorchPeerOutcome = PeerOutcome<TorchPeerRecord>;

/** Options of {@link runTorchPeer} and {@link torchPeer}: bench-kit's peer options and the script to run. */
export interface TorchPeerRunOptions extends PeerRunOptions {
  /** The script to run; default {@link TORCH_FORECASTER_SCRIPT}. */
  readonly script?: string;
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
 * Runs the peer script with `python` once per thread count (bench-kit's `runPeerScript`: one process each with
 * `peerEnvironment`), and returns the record each printed (its last JSON line with `backend: "torch"`). A process
 * that prints no record gives a record with an `error` naming its exit code and the last line of its stderr.
 */
export function runTorchPeer(python: string, spec: TorchPeerSpec, threads: readonly number[], options: TorchPeerRunOptions = {}): Promise<TorchPeerRecord[]> {
  return runPeerScript<TorchPeerRecord>(python, options.script ?? TORCH_FORECASTER_SCRIPT, (n) => peerArguments(spec, n), threads, options);
}

/**
 * The PyTorch peer in one call (bench-kit's `runTorchPeerScript`): finds a Python with torch and runs
 * {@link runTorchPeer} for each thread count. Never throws for a missing or broken torch: the outcome is `unavailable` with the reason (no
 * interpreter imports torch, or every thread count failed — the first error).
 */
export function torchPeer(spec: TorchPeerSpec, threads: readonly number[], options: TorchPeerRunOptions = {}): Promise<TorchPeerOutcome> {
  return runTorchPeerScript<TorchPeerRecord>(options.script ?? TORCH_FORECASTER_SCRIPT, (n) => peerArguments(spec, n), threads, options);
}
