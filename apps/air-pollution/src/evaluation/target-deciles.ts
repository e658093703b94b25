import { empiricalQuantile } from '@counterweight/metrics';
import { ConfigError } from '@counterweight/runtime';
import type { WindowSplit } from '../data/forecast-windows.js';
import { forecastShape } from './baselines.js';

/** Thresholds of one target variable taken from the TRAINING split, for the extreme-event evaluation. */
export interface TargetDeciles {
  /** The variable (e.g. `'PM2.5'`). */
  readonly variable: string;
  /** Number of observed training values they were computed from. */
  readonly count: number;
  /** The 9 inner decile edges `Q(0.1), …, Q(0.9)`, ascending (original units). */
  readonly edges: readonly number[];
  /** `Q(0.9)`: targets at or above it are the top decile. */
  readonly topDecileThreshold: number;
}

/**
 * Decile edges of a target variable over a split (meant for the training split, so the test evaluation uses
 * thresholds fixed before seeing test data): the empirical quantiles `Q(0.1) … Q(0.9)` (linear interpolation,
 * NumPy's default, via `empiricalQuantile` of @counterweight/metrics) of the observed raw values at the FIRST horizon
 * (each target time of a station counted once per window, not once per horizon; windows slide one step, so this is
 * close to the variable's distribution over the split's period). Missing (NaN) values are left out.
 *
 * @param split usually `ForecastWindows.train`.
 * @param targets output variable names in layout order (`ForecastWindows.targets`).
 * @param horizons number of horizons H.
 * @param variable the target to summarise, default `'PM2.5'`.
 * @throws ConfigError when `variable` is not among `targets`, the split is malformed, or it holds no observed value.
 */
export function targetDeciles(split: WindowSplit, targets: readonly string[], horizons: number, variable = 'PM2.5'): TargetDeciles {
  const v = targets.indexOf(variable);
  if (v < 0) throw new ConfigError('variable', `"${variable}" is not a target; targets are ${targets.join(', ')}`);
  const shape = forecastShape(split, horizons);
  if (shape.count > 0 && shape.targets !== targets.length) {
    throw new ConfigError('targets', `lists ${targets.length} names but the split holds ${shape.targets} targets per window`);
  }
  const values: number[] = [];
  for (let i = 0; i < shape.count; i += 1) {
    const y = split.raw[i * horizons * targets.length + v] ?? Number.NaN;
    if (!Number.isNaN(y)) values.push(y);
  }
  if (values.length === 0) throw new ConfigError('split', `holds no observed value of "${variable}" to take deciles from`);
  const edges = Array.from({ length: 9 }, (_, k) => empiricalQuantile(values, (k + 1) / 10));
  return { variable, count: values.length, edges, topDecileThreshold: edges[8] ?? Number.NaN };
}
