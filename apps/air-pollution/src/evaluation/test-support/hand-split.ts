import type { WindowSplit } from '../../data/forecast-windows.js';

/** Parts of a hand-made {@link WindowSplit}; arrays are plain numbers (NaN = missing). */
export interface HandSplitParts {
  readonly count: number;
  /** `[count, H, V]`. */
  readonly raw: readonly number[];
  /** `[count, V]`. */
  readonly persistence: readonly number[];
  /** `[count, H, V]`; default: all NaN. */
  readonly seasonal?: readonly number[];
  /** `[count]`; default: all 0. */
  readonly station?: readonly number[];
  /** `[count, history, F]`; default: empty. */
  readonly inputs?: readonly number[];
}

/** A WindowSplit from hand-written arrays (tests only): targets/mask derived from `raw` (normalisation irrelevant here). */
export function handSplit(parts: HandSplitParts): WindowSplit {
  const raw = Float32Array.from(parts.raw);
  return {
    count: parts.count,
    inputs: Float32Array.from(parts.inputs ?? []),
    targets: raw.map((v) => (Number.isNaN(v) ? 0 : v)),
    mask: raw.map((v) => (Number.isNaN(v) ? 0 : 1)),
    raw,
    persistence: Float32Array.from(parts.persistence),
    seasonal: Float32Array.from(parts.seasonal ?? parts.raw.map(() => Number.NaN)),
    station: Int32Array.from(parts.station ?? new Array<number>(parts.count).fill(0)),
    time: Float64Array.from({ length: parts.count }, (_, i) => i * 3_600_000),
  };
}
