import type { ForecastWindows, WindowSplit } from '../data/forecast-windows.js';

/**
 * Where each forecast target sits in the model output. Targets are horizon-major, `h·V + v` with `V = V_w + V_p`
 * (weather targets, then pollutant targets). The model output puts the weather head first, each head horizon-major
 * over its own variables: weather element `(h, w)` at column `h·V_w + w`, pollutant element `(h, p)` at column
 * `H·V_w + h·V_p + p` (times the outputs per target for the quantile objective).
 */
export interface HeadLayout {
  /** Number of horizons H. */
  readonly horizons: number;
  /** Weather targets V_w (0 for a pollutant-only table). */
  readonly weather: number;
  /** Pollutant targets V_p (≥ 1). */
  readonly pollutants: number;
  /** Target index `h·V + w` of each weather-head element, in head order (length `H·V_w`). */
  readonly weatherTargets: Int32Array;
  /** Target index `h·V + V_w + p` of each pollutant-head element, in head order (length `H·V_p`). */
  readonly pollutantTargets: Int32Array;
  /** For each target index (length `H·V`), its element in the concatenation `[weather head | pollutant head]`. */
  readonly headElementOfTarget: Int32Array;
}

/** The {@link HeadLayout} of a set of windows (`windows.targets` = weather targets then pollutant targets). */
export function headLayout(windows: Pick<ForecastWindows, 'horizons' | 'weatherTargets' | 'pollutantTargets'>): HeadLayout {
  const horizons = windows.horizons.length;
  const weather = windows.weatherTargets.length;
  const pollutants = windows.pollutantTargets.length;
  const variables = weather + pollutants;
  const weatherTargets = new Int32Array(horizons * weather);
  const pollutantTargets = new Int32Array(horizons * pollutants);
  const headElementOfTarget = new Int32Array(horizons * variables);
  for (let h = 0; h < horizons; h += 1) {
    for (let w = 0; w < weather; w += 1) {
      weatherTargets[h * weather + w] = h * variables + w;
      headElementOfTarget[h * variables + w] = h * weather + w;
    }
    for (let p = 0; p < pollutants; p += 1) {
      pollutantTargets[h * pollutants + p] = h * variables + weather + p;
      headElementOfTarget[h * variables + weather + p] = horizons * weather + h * pollutants + p;
    }
  }
  return { horizons, weather, pollutants, weatherTargets, pollutantTargets, headElementOfTarget };
}

/**
 * The pollutant-head targets of a split in head order, `[count, H·V_p]` row-major (`(h, p)` at `h·V_p + p`), `NaN`
 * where the target is missing (mask 0) — the form the histogram and bin fits skip missing values in.
 */
export function pollutantTargetsOf(split: Pick<WindowSplit, 'count' | 'targets' | 'mask'>, layout: HeadLayout): Float32Array {
  const width = layout.horizons * (layout.weather + layout.pollutants);
  const columns = layout.pollutantTargets;
  const out = new Float32Array(split.count * columns.length);
  for (let i = 0; i < split.count; i += 1) {
    for (let k = 0; k < columns.length; k += 1) {
      const at = i * width + (columns[k] ?? 0);
      out[i * columns.length + k] = (split.mask[at] ?? 0) === 0 ? Number.NaN : (split.targets[at] ?? Number.NaN);
    }
  }
  return out;
}

/** The pollutant-head mask of a split in head order, `[count, H·V_p]` (1 observed, 0 missing). */
export function pollutantMaskOf(split: Pick<WindowSplit, 'count' | 'targets' | 'mask'>, layout: HeadLayout): Float32Array {
  const width = layout.horizons * (layout.weather + layout.pollutants);
  const columns = layout.pollutantTargets;
  const out = new Float32Array(split.count * columns.length);
  for (let i = 0; i < split.count; i += 1) {
    for (let k = 0; k < columns.length; k += 1) out[i * columns.length + k] = split.mask[i * width + (columns[k] ?? 0)] ?? 0;
  }
  return out;
}

/**
 * The observed values of pollutant `p` over all windows and horizons of a split (missing ones left out), for the
 * per-variable fits (histograms, LDS bins, class bins).
 */
export function observedPollutantValues(pollutantTargets: Float32Array, layout: HeadLayout, p: number): Float32Array {
  const out: number[] = [];
  for (let k = p; k < pollutantTargets.length; k += layout.pollutants) {
    const v = pollutantTargets[k] ?? Number.NaN;
    if (!Number.isNaN(v)) out.push(v);
  }
  return Float32Array.from(out);
}
