import type { TorchGptRecord } from './torch-gpt-peer.js';
import type { GptTrainingMode } from './training-throughput.js';

/** One tfjs training measurement of the GPT the peer trains. */
export interface TfjsTokenRate {
  /** tfjs backend (`wasm`, `cpu`). */
  readonly backend: string;
  readonly mode: GptTrainingMode;
  /** Threads that computed a step. */
  readonly threads: number;
  readonly tokensPerSec: number;
}

/** A tfjs measurement against the fastest torch thread count. */
export interface TrainingRatio {
  /** `tfjs-<backend>-<mode>/torch-best`, e.g. `tfjs-wasm-data-parallel/torch-best`. */
  readonly comparison: string;
  readonly backend: string;
  readonly mode: GptTrainingMode;
  readonly threads: number;
  /** tfjs tokens/s ÷ torch tokens/s (> 1: tfjs is faster). */
  readonly ratio: number;
  readonly tfjs: number;
  readonly torch: number;
  readonly torchThreads: number;
}

/** The headline: the fastest wasm measurement over the fastest torch thread count. */
export interface TrainingHeadline {
  readonly ratio: number;
  readonly wasm: TfjsTokenRate;
  readonly torch: { readonly threads: number; readonly tokensPerSec: number };
}

/** The torch records that measured (no `error`, a positive `tokensPerSec`). */
function measured(records: readonly TorchGptRecord[]): Array<TorchGptRecord & { tokensPerSec: number }> {
  return records.filter((r): r is TorchGptRecord & { tokensPerSec: number } => r.error === undefined && typeof r.tokensPerSec === 'number' && r.tokensPerSec > 0);
}

/** The fastest of `rates`, or undefined for none. */
function fastest<T extends { tokensPerSec: number }>(rates: readonly T[]): T | undefined {
  return rates.reduce<T | undefined>((best, r) => (best === undefined || r.tokensPerSec > best.tokensPerSec ? r : best), undefined);
}

/**
 * Every tfjs measurement divided by the fastest torch thread count (records with an `error` are left out); empty
 * when torch measured nothing.
 */
export function trainingRatios(tfjs: readonly TfjsTokenRate[], records: readonly TorchGptRecord[]): TrainingRatio[] {
  const torch = fastest(measured(records));
  if (torch === undefined) return [];
  return tfjs.map((t) => ({
    comparison: `tfjs-${t.backend}-${t.mode}/torch-best`,
    backend: t.backend,
    mode: t.mode,
    threads: t.threads,
    ratio: t.tokensPerSec / torch.tokensPerSec,
    tfjs: t.tokensPerSec,
    torch: torch.tokensPerSec,
    torchThreads: torch.threads,
  }));
}

/**
 * The headline, wasm-best / torch-best: the fastest wasm measurement (single, data-parallel or threaded) over
 * the fastest torch thread count; undefined without a wasm or a torch measurement.
 */
export function trainingHeadline(tfjs: readonly TfjsTokenRate[], records: readonly TorchGptRecord[]): TrainingHeadline | undefined {
  const wasm = fastest(tfjs.filter((t) => t.backend === 'wasm'));
  const torch = fastest(measured(records));
  if (wasm === undefined || torch === undefined) return undefined;
  return { ratio: wasm.tokensPerSec / torch.tokensPerSec, wasm, torch: { threads: torch.threads, tokensPerSec: torch.tokensPerSec } };
}
