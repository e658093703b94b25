import type { WindowSplit } from '../data/forecast-windows.js';

/**
 * The windows of `split` whose row index passes `keep`, in order: every per-window array (inputs, targets, mask, raw,
 * persistence, seasonal, station, time) cut to those rows. A new split; `split` is not changed.
 */
export function windowRows(split: WindowSplit, keep: (row: number) => boolean): WindowSplit {
  const rows: number[] = [];
  for (let i = 0; i < split.count; i++) if (keep(i)) rows.push(i);
  const pick = <A extends Float32Array | Float64Array | Int32Array>(array: A, make: (n: number) => A): A => {
    const width = split.count === 0 ? 0 : array.length / split.count;
    const out = make(rows.length * width);
    rows.forEach((r, k) => out.set(array.subarray(r * width, (r + 1) * width), k * width));
    return out;
  };
  const f32 = (n: number): Float32Array => new Float32Array(n);
  return {
    count: rows.length,
    inputs: pick(split.inputs, f32),
    targets: pick(split.targets, f32),
    mask: pick(split.mask, f32),
    raw: pick(split.raw, f32),
    persistence: pick(split.persistence, f32),
    seasonal: pick(split.seasonal, f32),
    station: pick(split.station, (n) => new Int32Array(n)),
    time: pick(split.time, (n) => new Float64Array(n)),
  };
}
