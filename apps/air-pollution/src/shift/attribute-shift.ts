import { causalGraph, classifierDensityRatio, shiftAttribution } from '@counterweight/reweighting';

import type { AttributionRows } from './attribution-rows.js';

/** A shift attribution as the report keeps it (JSON data). */
export interface ShiftAttributionSummary {
  /** φ(P(weather)). */
  readonly weather: number;
  /** φ(P(PM2.5 | weather)). */
  readonly pm25GivenWeather: number;
  /** v(all) = φ(P(weather)) + φ(P(PM2.5 | weather)): the change the importance weights predict. */
  readonly attributed: number;
  /** Mean target loss − mean source loss, measured. */
  readonly observed: number;
  readonly sourceLoss: number;
  readonly targetLoss: number;
  readonly sourceRows: number;
  readonly targetRows: number;
  /** Kish effective sample size of the all-mechanism weights on the source rows. */
  readonly effectiveSampleSize: number;
}

/** The graph of the attribution: weather causes PM2.5. */
export const SHIFT_GRAPH = { weather: [], pm25: ['weather'] } as const;

/**
 * Attributes the change of a fixed model's error from the source rows to the target rows to the two mechanisms of
 * `weather → pm25` with `shiftAttribution` (Zhang, Singh, Ghassemi & Joshi 2023): exact Shapley values of the
 * importance-weighted error change, each density ratio fitted by the logistic domain classifier
 * (`classifierDensityRatio()`, package defaults) on the attribution rows themselves. The metric is the weighted mean
 * of the per-row losses (mean absolute error of PM2.5 over horizons).
 * @throws ReweightingError from `shiftAttribution` (e.g. perfectly separable domains, no rows).
 */
export function attributeShift(source: AttributionRows, target: AttributionRows): ShiftAttributionSummary {
  const result = shiftAttribution(causalGraph(SHIFT_GRAPH), source.table, target.table, {
    fitter: classifierDensityRatio(),
    sourceLoss: source.loss,
    targetLoss: target.loss,
    nodeColumns: { weather: source.weatherColumns, pm25: source.targetColumns },
  });
  const value = (node: string): number => result.attributions.find((a) => a.mechanism.node === node)?.value ?? Number.NaN;
  return {
    weather: value('weather'),
    pm25GivenWeather: value('pm25'),
    attributed: result.attributedChange,
    observed: result.observedChange,
    sourceLoss: result.sourcePerformance,
    targetLoss: result.targetPerformance,
    sourceRows: source.rows,
    targetRows: target.rows,
    effectiveSampleSize: result.effectiveSampleSize,
  };
}
