import { ConfigError, DataFileError } from '@counterweight/runtime';

import type { AlignedTable } from './aligned-table.js';
import { featureMatrices } from './feature-matrix.js';
import type { Scaling } from './forecast-windows.js';

/** What {@link inferenceWindows} needs of a trained forecaster (the fields of its exported spec). */
export interface InferenceWindowSpec {
  /** Input steps per window. */
  readonly history: number;
  /** Input feature names per step, in the model's layout order. */
  readonly features: readonly string[];
  /** Training mean and std of every variable feature (calendar features and flags are not rescaled). */
  readonly scaling: Readonly<Record<string, Scaling>>;
  /** Only the last `last` window ends of each station (`--last`); default every end. */
  readonly last?: number;
}

/** Input windows of a whole table for forecasting (no targets): window `i` ends at grid time `time[i]` of `stations[station[i]]`. */
export interface InferenceWindows {
  readonly count: number;
  /** Normalised inputs, row-major `[count, history, features]`, exactly as `makeWindows` makes them. */
  readonly inputs: Float32Array;
  /** Index into {@link stations}. */
  readonly station: Int32Array;
  /** Grid time of the window end (its last input step; ms, wall clock as UTC). */
  readonly time: Float64Array;
  readonly stations: readonly string[];
}

/**
 * Every forecast window of every station of `table`, for a model trained on `makeWindows` windows: a window ends at
 * each grid step `t ≥ history − 1` (or only the last `last` of them per station) and holds steps `t − history + 1 … t`
 * of the features `spec.features`, built by the same {@link featureMatrices} as training (variables standardised with
 * `spec.scaling`, missing → 0; calendar sin/cos; `<variable>_missing` flags). Windows are station-major, time
 * ascending. No window is dropped for missing values: the model sees them as the training mean, as in training.
 *
 * Memory: `count × history × features × 4` bytes for the inputs, plus one `[steps, features]` matrix per station over
 * the steps the windows cover.
 * @throws ConfigError `history` (not an integer ≥ 1) or `--last` (not an integer ≥ 1).
 * @throws DataFileError naming the table's files when the table is shorter than `history`, or (with the feature as
 *   column, listing the table's variables) when a feature cannot be made from the table.
 */
export function inferenceWindows(table: AlignedTable, spec: InferenceWindowSpec): InferenceWindows {
  const { history, features } = spec;
  if (!Number.isInteger(history) || history < 1) throw new ConfigError('history', `must be an integer ≥ 1, got ${history}`);
  if (spec.last !== undefined && (!Number.isInteger(spec.last) || spec.last < 1)) throw new ConfigError('--last', `must be an integer ≥ 1, got ${spec.last}`);
  if (table.length < history) {
    throw new DataFileError(
      { file: table.sources.join(', ') || '(table)' },
      `the table has ${table.length} ${table.frequency} steps, fewer than the model's history of ${history} steps: no window can be made`,
    );
  }
  const firstEnd = spec.last === undefined ? history - 1 : Math.max(history - 1, table.length - spec.last);
  const from = firstEnd - history + 1;
  const matrices = featureMatrices(table, features, spec.scaling, { from, to: table.length });
  const perStation = table.length - firstEnd;
  const S = table.stations.length;
  const count = perStation * S;
  const F = features.length;
  const span = history * F;
  const inputs = new Float32Array(count * span);
  const station = new Int32Array(count);
  const time = new Float64Array(count);
  for (let s = 0; s < S; s++) {
    const m = matrices[s] ?? new Float32Array(0);
    for (let e = 0; e < perStation; e++) {
      const w = s * perStation + e;
      const t = firstEnd + e;
      station[w] = s;
      time[w] = table.start + t * table.stepMs;
      inputs.set(m.subarray((t - history + 1 - from) * F, (t + 1 - from) * F), w * span);
    }
  }
  return { count, inputs, station, time, stations: table.stations.map((s) => s.station) };
}
