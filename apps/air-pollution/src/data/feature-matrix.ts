import { ConfigError, DataFileError } from '@counterweight/runtime';

import type { AlignedTable, Frequency } from './aligned-table.js';
import type { Scaling } from './forecast-windows.js';

const DAY_MS = 86_400_000;

/** Suffix of a missing-value flag input: `<variable>_missing` is 1 where the variable is missing, else 0. */
export const MISSING_FLAG_SUFFIX = '_missing';

/**
 * Calendar input features of a grid, in layout order: `hour_sin`, `hour_cos` (hourly grids only), `doy_sin`, `doy_cos`,
 * `dow_sin`, `dow_cos`.
 */
export function calendarFeatureNames(frequency: Frequency): string[] {
  return [...(frequency === 'hourly' ? ['hour_sin', 'hour_cos'] : []), 'doy_sin', 'doy_cos', 'dow_sin', 'dow_cos'];
}

/** The table's input variables in layout order: weather, pollutants, derived (`wd_sin`, `wd_cos`). */
export function inputVariables(table: AlignedTable): string[] {
  return [...table.weather, ...table.pollutants, ...table.derived];
}

/**
 * Calendar features of grid steps `from … to − 1` as a row-major `[to − from, names.length]` matrix (names from
 * {@link calendarFeatureNames}). Times are wall clock read as UTC: hour h → sin/cos(2πh/24); day of year d (0-based)
 * of a year of D days → sin/cos(2πd/D); weekday w (0 = Sunday) → sin/cos(2πw/7).
 */
function calendarMatrix(table: AlignedTable, from: number, to: number): Float32Array {
  const hourly = table.frequency === 'hourly';
  const c = calendarFeatureNames(table.frequency).length;
  const values = new Float32Array((to - from) * c);
  const twoPi = 2 * Math.PI;
  for (let k = from; k < to; k++) {
    const ms = table.start + k * table.stepMs;
    const date = new Date(ms);
    const year = date.getUTCFullYear();
    const yearStart = Date.UTC(year, 0, 1);
    const daysInYear = (Date.UTC(year + 1, 0, 1) - yearStart) / DAY_MS;
    const doy = Math.floor((ms - yearStart) / DAY_MS);
    let o = (k - from) * c;
    if (hourly) {
      const hour = date.getUTCHours();
      values[o++] = Math.sin((twoPi * hour) / 24);
      values[o++] = Math.cos((twoPi * hour) / 24);
    }
    values[o++] = Math.sin((twoPi * doy) / daysInYear);
    values[o++] = Math.cos((twoPi * doy) / daysInYear);
    const dow = date.getUTCDay();
    values[o++] = Math.sin((twoPi * dow) / 7);
    values[o++] = Math.cos((twoPi * dow) / 7);
  }
  return values;
}

/** How one input feature is made from a station's series. */
type FeatureSource =
  | { readonly kind: 'variable'; readonly variable: string; readonly mean: number; readonly std: number }
  | { readonly kind: 'calendar'; readonly column: number }
  | { readonly kind: 'flag'; readonly variable: string };

function resolveFeatures(table: AlignedTable, features: readonly string[], scaling: Readonly<Record<string, Scaling>>): FeatureSource[] {
  const variables = inputVariables(table);
  const calendar = calendarFeatureNames(table.frequency);
  return features.map((name): FeatureSource => {
    if (variables.includes(name)) {
      const s = scaling[name];
      if (s === undefined || !Number.isFinite(s.mean) || !Number.isFinite(s.std) || s.std <= 0) {
        throw new ConfigError('scaling', `input feature "${name}" needs a finite mean and a positive std, got ${JSON.stringify(s ?? null)}`);
      }
      return { kind: 'variable', variable: name, mean: s.mean, std: s.std };
    }
    const column = calendar.indexOf(name);
    if (column >= 0) return { kind: 'calendar', column };
    if (name.endsWith(MISSING_FLAG_SUFFIX)) {
      const variable = name.slice(0, -MISSING_FLAG_SUFFIX.length);
      if (variables.includes(variable)) return { kind: 'flag', variable };
    }
    throw new DataFileError(
      { file: table.sources.join(', ') || '(table)', column: name },
      `the input feature "${name}" cannot be made from this ${table.frequency} table: its variables are ${variables.join(', ') || '(none)'}; ` +
        `calendar features ${calendar.join(', ')}; flags <variable>${MISSING_FLAG_SUFFIX}`,
    );
  });
}

/**
 * Each station's input features at grid steps `from … to − 1` (default the whole grid), as one row-major
 * `[to − from, features.length]` Float32Array per station (in `table.stations` order). The one definition of the
 * model inputs, shared by training windows and inference windows:
 *
 * - a table variable (weather, pollutant, derived `wd_sin`/`wd_cos`): `(x − mean) / std` with `scaling[name]`, 0 (the
 *   training mean) where the value is missing;
 * - a calendar feature ({@link calendarFeatureNames}): its sin/cos value, not rescaled;
 * - `<variable>_missing`: 1 where the variable is missing, else 0.
 *
 * Memory: `stations × (to − from) × features × 4` bytes.
 * @throws DataFileError naming the table's files and the feature (as column) when a feature is none of these,
 *   listing the table's variables. @throws ConfigError (`scaling`) when a variable feature has no usable scaling.
 * @throws RangeError when `from`/`to` are not integer steps with `0 ≤ from ≤ to ≤ table.length`.
 */
export function featureMatrices(
  table: AlignedTable,
  features: readonly string[],
  scaling: Readonly<Record<string, Scaling>>,
  range: { readonly from?: number; readonly to?: number } = {},
): Float32Array[] {
  const from = range.from ?? 0;
  const to = range.to ?? table.length;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > table.length) {
    throw new RangeError(`featureMatrices: steps ${from} … ${to} are not inside the grid of ${table.length} steps`);
  }
  const sources = resolveFeatures(table, features, scaling);
  const F = features.length;
  const C = calendarFeatureNames(table.frequency).length;
  const rows = to - from;
  const calendar = sources.some((s) => s.kind === 'calendar') ? calendarMatrix(table, from, to) : new Float32Array(0);
  return table.stations.map((series) => {
    const m = new Float32Array(rows * F);
    sources.forEach((source, j) => {
      if (source.kind === 'calendar') {
        for (let k = 0; k < rows; k++) m[k * F + j] = calendar[k * C + source.column] ?? 0;
        return;
      }
      const values = series.values[source.variable];
      if (source.kind === 'flag') {
        for (let k = 0; k < rows; k++) m[k * F + j] = Number.isNaN(values?.[from + k] ?? NaN) ? 1 : 0;
        return;
      }
      const { mean, std } = source;
      for (let k = 0; k < rows; k++) {
        const x = values?.[from + k] ?? NaN;
        m[k * F + j] = Number.isNaN(x) ? 0 : (x - mean) / std;
      }
    });
    return m;
  });
}
