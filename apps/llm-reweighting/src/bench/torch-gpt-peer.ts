import { fileURLToPath } from 'node:url';

import { runPeerScript, runTorchPeerScript, type PeerOutcome, type PeerRecord, type PeerRunOptions } from '@counterweight/bench-kit';

import type { GptConfig } from '../models/index.js';
import { BENCH_ADAMW, type BenchAdamW } from './training-throughput.js';

/**
 * The PyTorch peer script, `apps/llm-reweighting/bench/torch_gpt.py` (two levels above this module both in
 * `src/bench/` and in `dist/bench/`).
 */
export const TORCH_GPT_SCRIPT = fileURLToPath(new URL('../../bench/torch_gpt.py', import.meta.url));

/** What the peer trains: the GPT's sizes, the batch, the timing and AdamW's rate and decay. */
export interface TorchGptSpec {
  readonly config: GptConfig;
  readonly batchSize: number;
  /** Steps per timed epoch. */
  readonly steps: number;
  readonly repetitions: number;
  readonly seed: number;
  /** Default {@link BENCH_ADAMW} (the peer's betas are fixed at 0.9/0.99, as it). */
  readonly adamw?: BenchAdamW;
}

/** The JSON line the peer prints for one thread count: tokens/s and what it ran on, or an `error`. */
export interface TorchGptRecord extends PeerRecord {
  readonly tokensPerSec?: number;
  readonly stepMs?: number;
  readonly parameterCount?: number;
  /** Real paths of the BLAS libraries torch loaded. */
  readonly blas?: readonly string[];
  /** OpenBLAS's kernel name (`Haswell`, `SkylakeX`, …) when torch runs on OpenBLAS. */
  readonly openblasCore?: string;
}

/** Options of {@link torchGptPeer} and {@link runTorchGptPeer}: bench-kit's peer options and the script to run. */
export interface TorchGptPeerOptions extends PeerRunOptions {
  /** Default {@link TORCH_GPT_SCRIPT}. */
  readonly script?: string;
}

/**
 * The script's arguments for a spec and a thread count.
 * @throws RangeError for a bidirectional configuration: the peer trains the causal GPT only.
 */
export function torchGptArguments(spec: TorchGptSpec, threads: number): string[] {
  const { config } = spec;
  if (!config.causal) throw new RangeError('the PyTorch peer trains the causal GPT; got causal: false');
  const adamw = spec.adamw ?? BENCH_ADAMW;
  const pairs: ReadonlyArray<[string, number]> = [
    ['--threads', threads],
    ['--vocabulary', config.vocabularySize],
    ['--layers', config.layers],
    ['--heads', config.heads],
    ['--width', config.width],
    ['--context', config.context],
    ['--batch', spec.batchSize],
    ['--steps', spec.steps],
    ['--repetitions', spec.repetitions],
    ['--seed', spec.seed],
    ['--learning-rate', adamw.learningRate],
    ['--weight-decay', adamw.weightDecay],
  ];
  return pairs.flatMap(([flag, value]) => [flag, String(value)]);
}

/** Runs the peer with `python` once per thread count (bench-kit's `runPeerScript`); a failed run gives an `error` record. */
export function runTorchGptPeer(python: string, spec: TorchGptSpec, threads: readonly number[], options: TorchGptPeerOptions = {}): Promise<TorchGptRecord[]> {
  return runPeerScript<TorchGptRecord>(python, options.script ?? TORCH_GPT_SCRIPT, (n) => torchGptArguments(spec, n), threads, options);
}

/**
 * The PyTorch peer of the training bench in one call (bench-kit's `runTorchPeerScript`): finds a Python that imports
 * torch and trains the same GPT (`bench/torch_gpt.py`) once per thread count, each in its own process. Never throws for
 * a missing or broken torch: the outcome is `unavailable` with the reason.
 */
export function torchGptPeer(spec: TorchGptSpec, threads: readonly number[], options: TorchGptPeerOptions = {}): Promise<PeerOutcome<TorchGptRecord>> {
  return runTorchPeerScript<TorchGptRecord>(options.script ?? TORCH_GPT_SCRIPT, (n) => torchGptArguments(spec, n), threads, options);
}
