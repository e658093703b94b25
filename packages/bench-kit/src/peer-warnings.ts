import type { PeerRecord } from './peer-script.js';

/** A record's numeric field `key`, or undefined. */
function numberField(record: PeerRecord, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' ? value : undefined;
}

/**
 * What would make a tfjs-vs-PyTorch comparison unfair, one sentence each, from the peer's records (their `blas`,
 * `env`, `parameterCount` and `rate` fields): torch on a reference (unoptimised) BLAS, OpenBLAS overrides still set in
 * the peer's process, a peer model whose parameter count differs from the tfjs model's, or more torch threads running
 * more than 2× slower than one thread by `rate` (default `samplesPerSec`; its threads wait for cores other processes
 * hold: read that thread count's figure as the machine's load, not torch's speed).
 */
export function peerWarnings(records: readonly PeerRecord[], tfjsParameterCount: number, rate = 'samplesPerSec'): string[] {
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
    const parameters = numberField(r, 'parameterCount');
    if (parameters !== undefined && parameters !== tfjsParameterCount) {
      warnings.push(`torch (${r.threads} threads) trained ${parameters} parameters, the tfjs model has ${tfjsParameterCount}`);
    }
  }
  const one = records.map((r) => (r.threads === 1 ? numberField(r, rate) : undefined)).find((v) => v !== undefined);
  for (const r of records) {
    const own = numberField(r, rate);
    if (r.threads <= 1 || one === undefined || own === undefined || own * 2 >= one) continue;
    const slower = (one / own).toFixed(1);
    warnings.push(`torch with ${r.threads} threads ran ${slower}× slower than with 1: its threads waited for busy cores (a shared machine), so that figure measures the load`);
  }
  return warnings;
}
