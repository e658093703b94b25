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

/**
 * What would make the comparison unfair, one sentence each: torch on a reference (unoptimised) BLAS, OpenBLAS
 * overrides still set in the peer's process, a peer model whose parameter count differs from the tfjs model's, or
 * more torch threads running more than 2× slower than one thread (its threads wait for cores other processes hold:
 * read that thread count's figure as the machine's load, not torch's speed).
 */
export function peerWarnings(records: readonly TorchPeerRecord[], tfjsParameterCount: number): string[] {
  const warnings: string[] = [];
  const blas = [...new Set(records.flatMap((r) => (Array.isArray(r['blas']) ? (r['blas'] as unknown[]).map(String) : [])))];
  if (blas.length > 0 && !blas.some((path) => /openblas|blis|mkl/i.test(path))) {
    warnings.push(`torch runs on the reference BLAS (${blas.join(', ')}): install OpenBLAS (Debian: libopenblas0-pthread) for a fair peer`);
  }
  for (const r of records) {
    const env = r['env'];
    if (typeof env === 'object' && env !== null) {
      const set = Object.entries(env as Record<string, unknown>).filter(([name, value]) => name.startsWith('OPENBLAS_') && name !== 'OPENBLAS_NUM_THREADS' && value !== null);
      if (set.length > 0) warnings.push(`torch (${r.threads} threads) ran with ${set.map(([n, v]) => `${n}=${String(v)}`).join(', ')} set`);
    }
    if (typeof r.parameterCount === 'number' && r.parameterCount !== tfjsParameterCount) {
      warnings.push(`torch (${r.threads} threads) trained ${r.parameterCount} parameters, the tfjs model has ${tfjsParameterCount}`);
    }
  }
  const one = records.find((r) => r.threads === 1 && typeof r.samplesPerSec === 'number');
  for (const r of records) {
    if (r.threads <= 1 || one?.samplesPerSec === undefined || r.samplesPerSec === undefined || r.samplesPerSec * 2 >= one.samplesPerSec) continue;
    const slower = (one.samplesPerSec / r.samplesPerSec).toFixed(1);
    warnings.push(`torch with ${r.threads} threads ran ${slower}× slower than with 1: its threads waited for busy cores (a shared machine), so that figure measures the load`);
  }
  return warnings;
}
