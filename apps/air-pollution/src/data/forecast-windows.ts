/**
 * One split (train, validation or test) of forecast windows. Window `i` ends at grid step `t_i` of station
 * `station[i]` (its last input step) and forecasts steps `t_i + h` for each horizon `h`.
 *
 * Layouts (row-major): inputs `[count, history, features]`, targets/mask/raw `[count, horizons, targets]`,
 * persistence `[count, targets]`, seasonal `[count, horizons, targets]`.
 */
export interface WindowSplit {
  readonly count: number;
  /** Normalised inputs; a missing input value is 0 (the training mean) and its `<feature>_missing` flag is 1 when flags are on. */
  readonly inputs: Float32Array;
  /** Normalised targets (training mean and std of each target variable); 0 where `mask` is 0. */
  readonly targets: Float32Array;
  /** 1 where the target was observed, 0 where it was missing (losses ignore those). */
  readonly mask: Float32Array;
  /** Targets in their original units, `NaN` where missing (for evaluation). */
  readonly raw: Float32Array;
  /** Persistence forecast: the last observed value of each target at or before the window end (original units; NaN if none in the history). */
  readonly persistence: Float32Array;
  /** Seasonal-naive forecast (original units, NaN if missing): hourly → same hour of the latest day before the target time that the history covers (t+h−24k); daily → same weekday a week earlier (t+h−7k). */
  readonly seasonal: Float32Array;
  /** Index into {@link ForecastWindows.stations}. */
  readonly station: Int32Array;
  /** Grid time of the window end (ms, wall clock as UTC). */
  readonly time: Float64Array;
}

/** Mean and standard deviation of one variable on the training split (std 1 when the variable is constant). */
export interface Scaling {
  readonly mean: number;
  readonly std: number;
}

/** Windows of an aligned table for every split, with the normalisation fitted on the training split only. */
export interface ForecastWindows {
  readonly frequency: 'hourly' | 'daily';
  readonly stations: readonly string[];
  /** Input steps per window. */
  readonly history: number;
  /** Steps ahead, ascending (e.g. `[1, 6, 24]`). */
  readonly horizons: readonly number[];
  /** Input feature names per step (variables, derived, calendar, missing flags), in layout order. */
  readonly features: readonly string[];
  /** Output variables in layout order: the weather targets first, then the pollutant targets. */
  readonly targets: readonly string[];
  readonly weatherTargets: readonly string[];
  readonly pollutantTargets: readonly string[];
  /** Scaling of every input feature and every target (by name), fitted on training windows only. */
  readonly scaling: Readonly<Record<string, Scaling>>;
  readonly train: WindowSplit;
  readonly validation: WindowSplit;
  readonly test: WindowSplit;
  /** The split boundaries actually used (ISO dates, inclusive start / exclusive end). */
  readonly periods: Readonly<Record<'train' | 'validation' | 'test', { readonly start: string; readonly end: string }>>;
}
