import { checkThreshold } from './empirical-quantile.js';
import { MetricArgumentError } from './errors.js';
import { maskedValues, resolveMaskedTargets, type MaskOptions } from './observed-mask.js';

/** 2 × 2 contingency table of a forecast of a binary event (Jolliffe & Stephenson 2012, ch. 3: a, b, c, d). */
export interface ContingencyTable {
  /** `a`: event forecast and observed. */
  readonly hits: number;
  /** `b`: event forecast, not observed. */
  readonly falseAlarms: number;
  /** `c`: event observed, not forecast. */
  readonly misses: number;
  /** `d`: event neither forecast nor observed. */
  readonly correctNegatives: number;
}

/** Categorical scores of a {@link ContingencyTable}; `NaN` where the score is undefined (a zero denominator). */
export interface ContingencyScores {
  /** Probability of detection (hit rate) `a/(a + c)`; `NaN` when no event was observed. */
  readonly pod: number;
  /** False-alarm ratio `b/(a + b)`; `NaN` when no event was forecast. */
  readonly far: number;
  /** Critical success index (threat score) `a/(a + b + c)`; `NaN` when no event was observed or forecast. */
  readonly csi: number;
  /** Frequency bias `(a + b)/(a + c)`, forecast over observed events; `NaN` when no event was observed. */
  readonly frequencyBias: number;
}

/** Counts and scores of {@link exceedanceDetection}. */
export interface ExceedanceDetection extends ContingencyTable, ContingencyScores {
  /** The event threshold (event = value ≥ threshold). */
  readonly threshold: number;
}

/**
 * Scores of a 2 × 2 contingency table (hits `a`, false alarms `b`, misses `c`, correct negatives `d`), after Hogan &
 * Mason, ch. 3 of Jolliffe & Stephenson (eds.) 2012, "Forecast Verification: A Practitioner's Guide in Atmospheric
 * Science", 2nd ed., Wiley, and Wilks 2011, §8.2:
 *
 *     POD = a/(a + c)    FAR = b/(a + b)    CSI = a/(a + b + c)    B = (a + b)/(a + c)
 *
 * Edge cases: the literature leaves a score undefined when its denominator is 0, and so does this function: `NaN`,
 * never 0 or 1 (a period without observed events has no POD and no bias; a model that never forecasts an event has no
 * FAR; a table of correct negatives only has no CSI). A zero numerator over a positive denominator is a genuine 0
 * (POD 0 = every event missed). `d` enters none of these scores. Counts may be non-integers (weighted tables, sums of
 * tables) but must be finite and ≥ 0.
 *
 * Identities (Roebber 2009, "Visualizing multiple measures of forecast quality", Wea. Forecasting 24: 601–608):
 * `B = POD/(1 − FAR)` and `1/CSI = 1/POD + 1/(1 − FAR) − 1`, so `CSI ≤ min(POD, 1 − FAR)`.
 */
export function contingencyScores(table: ContingencyTable): ContingencyScores {
  const metric = 'contingencyScores';
  if (table === null || typeof table !== 'object') throw new MetricArgumentError(metric, 'table', 'is required');
  for (const key of ['hits', 'falseAlarms', 'misses', 'correctNegatives'] as const) {
    const v: unknown = table[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new MetricArgumentError(metric, `table.${key}`, `is ${String(v)}, expected a finite count >= 0`);
    }
  }
  const { hits: a, falseAlarms: b, misses: c } = table;
  const ratio = (num: number, den: number): number => (den === 0 ? Number.NaN : num / den);
  return { pod: ratio(a, a + c), far: ratio(b, a + b), csi: ratio(a, a + b + c), frequencyBias: ratio(a + b, a + c) };
}

/**
 * Exceedance detection at a threshold (e.g. PM2.5 ≥ 75 µg/m³): an event is `value ≥ threshold` for the observation
 * and for the forecast alike (the convention of PM2.5-GNN's `get_metric`, Wang et al. 2020), counted over the
 * evaluated samples into the contingency table and scored by {@link contingencyScores} (POD, FAR, CSI, frequency
 * bias; `NaN` for an undefined score, see there).
 *
 * @param targets observations `[N]`, N ≥ 1; `predictions` forecasts `[N]`; both finite where evaluated.
 * @param threshold finite event threshold, inclusive.
 * @param options `mask` (0 = missing target; default all evaluated). No weights: the table holds counts.
 * @returns the four counts (summing to the number of evaluated samples), the four scores and the threshold.
 */
export function exceedanceDetection(
  targets: ArrayLike<number>,
  predictions: ArrayLike<number>,
  threshold: number,
  options: MaskOptions = {},
): ExceedanceDetection {
  const metric = 'exceedanceDetection';
  const t = checkThreshold(metric, threshold);
  const r = resolveMaskedTargets(metric, targets, options.mask);
  const p = maskedValues(metric, 'predictions', predictions, r.mask);
  let hits = 0;
  let falseAlarms = 0;
  let misses = 0;
  let correctNegatives = 0;
  for (let i = 0; i < r.targets.length; i += 1) {
    if (r.mask[i] !== 1) continue;
    const observed = (r.targets[i] ?? 0) >= t;
    const forecast = (p[i] ?? 0) >= t;
    if (observed && forecast) hits += 1;
    else if (forecast) falseAlarms += 1;
    else if (observed) misses += 1;
    else correctNegatives += 1;
  }
  const table = { hits, falseAlarms, misses, correctNegatives };
  return { ...table, ...contingencyScores(table), threshold: t };
}
