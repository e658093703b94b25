/** How often an aligned table has a value: every hour, or one mean per calendar day. */
export type Frequency = 'hourly' | 'daily';

/** One station's series on the table's grid: a value per grid step for every variable, `NaN` where missing. */
export interface StationSeries {
  readonly station: string;
  /** Variable name → values, one per grid step (length {@link AlignedTable.length}); `NaN` marks a missing value. */
  readonly values: Readonly<Record<string, Float32Array>>;
}

/** Missing-data statistics of one variable at one station, after alignment (and interpolation, if asked). */
export interface MissingCount {
  readonly station: string;
  readonly variable: string;
  /** Grid steps without a value in the source table. */
  readonly missingBefore: number;
  /** Grid steps still without a value after short-gap interpolation (equal to `missingBefore` without it). */
  readonly missingAfter: number;
  /** Grid steps (the station's series length). */
  readonly steps: number;
}

/**
 * Station tables aligned on one regular grid: every station has a value (or `NaN`) for every variable at every step
 * from `start` in steps of `stepMs`. Times are wall-clock times of the source table written as UTC milliseconds (the
 * Beijing table is China Standard Time; calendar features read them as given, without a time-zone shift).
 */
export interface AlignedTable {
  readonly frequency: Frequency;
  /** First grid time (ms since 1970-01-01, wall clock read as UTC). */
  readonly start: number;
  /** Grid step: 3_600_000 (hourly) or 86_400_000 (daily). */
  readonly stepMs: number;
  /** Grid steps per station. */
  readonly length: number;
  readonly stations: readonly StationSeries[];
  /** Pollutant variables (forecast by the pollutant head), in mapping order. */
  readonly pollutants: readonly string[];
  /** Numeric weather variables (inputs, and forecast by the weather head); empty for a pollutant-only table. */
  readonly weather: readonly string[];
  /**
   * Derived input variables present in every station's `values` (not forecast): `wd_sin`, `wd_cos` when a wind
   * direction column is mapped.
   */
  readonly derived: readonly string[];
  /** Units by variable name, as the mapping states them (`µg/m³`, `°C`, …); absent when not stated. */
  readonly units: Readonly<Record<string, string>>;
  /** Per station and variable, before and after interpolation. */
  readonly missing: readonly MissingCount[];
  /** Where the table came from (file names only, no directories), for the report. */
  readonly sources: readonly string[];
}
