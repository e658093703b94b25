/**
 * Rows of a station table after reading, in long form and column-major: row `i` is station `stations[station[i]]` at
 * `time[i]`. Rows are sorted by station name, then time; times are unique per station.
 */
export interface StationRecords {
  /** Station names, sorted. */
  readonly stations: readonly string[];
  /** Station index per row. */
  readonly station: Int32Array;
  /** Time per row: wall clock of the source written as UTC milliseconds since 1970-01-01. */
  readonly time: Float64Array;
  /** Variable → value per row (pollutants, then weather, in mapping order); `NaN` where missing. */
  readonly values: Readonly<Record<string, Float64Array>>;
  /** Wind direction per row in degrees clockwise from north (`NaN` where missing); absent when not mapped. */
  readonly windDirection?: Float64Array;
  /** Index into {@link sources} of the file each row came from. */
  readonly file: Int32Array;
  /** 1-based row of each row in its file, counted as in error messages (CSV: line, header = 1; Parquet/Arrow: data row). */
  readonly row: Int32Array;
  /** Files read, as given (paths). */
  readonly sources: readonly string[];
  readonly pollutants: readonly string[];
  readonly weather: readonly string[];
  readonly units: Readonly<Record<string, string>>;
}
