import type { TorchPeerRecord } from './torch-peer.js';

/** A tfjs training measurement of the model the peer trains. */
export interface TfjsRate {
  /** tfjs backend (`wasm`, `cpu`). */
  readonly backend: string;
  /** Threads the backend computed with (wasm in Node: 1). */
  readonly threads: number;
  readonly samplesPerSec: number;
}

/** One ratio of tfjs to the PyTorch peer. */
export interface PeerRatio {
  /** `tfjs-<backend>/torch-<threads>t`, e.g. `tfjs-wasm/torch-1t`. */
  readonly comparison: string;
  readonly backend: string;
  readonly torchThreads: number;
  /** tfjs samples/s ÷ torch samples/s (> 1: tfjs is faster). */
  readonly ratio: number;
  readonly tfjs: number;
  readonly torch: number;
  /** Whether this torch record is the fastest thread count measured. */
  readonly bestTorch: boolean;
}

/**
 * The ratios tfjs / torch for every tfjs measurement and every torch thread count that measured (records with an
 * `error` are left out), marking the fastest torch record. The headline is `tfjs-wasm/torch-1t`: one thread each.
 */
export function peerRatios(tfjs: readonly TfjsRate[], records: readonly TorchPeerRecord[]): PeerRatio[] {
  const measured = records.filter((r): r is TorchPeerRecord & { samplesPerSec: number } => typeof r.samplesPerSec === 'number' && r.samplesPerSec > 0);
  const best = Math.max(...measured.map((r) => r.samplesPerSec));
  return tfjs.flatMap((t) =>
    measured.map((r) => ({
      comparison: `tfjs-${t.backend}/torch-${r.threads}t`,
      backend: t.backend,
      torchThreads: r.threads,
      ratio: t.samplesPerSec / r.samplesPerSec,
      tfjs: t.samplesPerSec,
      torch: r.samplesPerSec,
      bestTorch: r.samplesPerSec === best,
    })),
  );
}
