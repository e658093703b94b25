import type { ColumnTable } from '@counterweight/reweighting';

import type { ForecastWindows, WindowSplit } from '../data/forecast-windows.js';
import { covariateSummary } from './covariate-summary.js';

/** Rows of a shift attribution: the columns of the graph's nodes and the fixed model's loss on each row. */
export interface AttributionRows {
  /** Weather columns (normalised, at the forecast origin) and `<variable>@+h` (observed target at each horizon, original units). */
  readonly table: ColumnTable;
  readonly weatherColumns: readonly string[];
  readonly targetColumns: readonly string[];
  /** Per row: mean absolute error of `variable` over the horizons (original units). */
  readonly loss: Float64Array;
  /** Windows of the split used (those with `variable` observed at every horizon), out of `split.count`. */
  readonly rows: number;
}

/**
 * The rows a shift attribution reads from a split and a model's point forecasts `point` (`[count, H, V]`, original
 * units, the layout of `WindowSplit.raw`): windows with `variable` observed at every horizon; node `weather` = the
 * weather variables at the origin, node `pm25` = the observed `variable` at each horizon (the label whose conditional
 * distribution `P(pm25 | weather)` is a mechanism); loss = `mean_h |ŷ_h − y_h|` of `variable`.
 * @throws RangeError when `point` does not fit the split or `variable` is not a target.
 */
export function attributionRows(windows: ForecastWindows, split: WindowSplit, point: Float32Array, variable: string): AttributionRows {
  const V = windows.targets.length;
  const H = windows.horizons.length;
  const v = windows.targets.indexOf(variable);
  if (v < 0) throw new RangeError(`attributionRows: ${variable} is not a target (${windows.targets.join(', ')})`);
  if (point.length !== split.count * H * V) throw new RangeError(`attributionRows: ${point.length} forecasts for ${split.count} windows × ${H} horizons × ${V} targets`);
  const summary = covariateSummary(windows, split, variable);
  const weatherColumns = summary.columns.slice(0, -1);
  const targetColumns = windows.horizons.map((h) => `${variable}@+${h}`);
  const keep: number[] = [];
  for (let i = 0; i < split.count; i++) {
    let all = true;
    for (let h = 0; h < H; h++) if (Number.isNaN(split.raw[(i * H + h) * V + v]!)) all = false;
    if (all) keep.push(i);
  }
  const p = summary.matrix.cols;
  const table: Record<string, Float64Array> = {};
  weatherColumns.forEach((name, j) => {
    table[name] = Float64Array.from(keep, (i) => summary.matrix.data[i * p + j]!);
  });
  targetColumns.forEach((name, h) => {
    table[name] = Float64Array.from(keep, (i) => split.raw[(i * H + h) * V + v]!);
  });
  const loss = Float64Array.from(keep, (i) => {
    let s = 0;
    for (let h = 0; h < H; h++) s += Math.abs(point[(i * H + h) * V + v]! - split.raw[(i * H + h) * V + v]!);
    return s / H;
  });
  return { table, weatherColumns, targetColumns, loss, rows: keep.length };
}
