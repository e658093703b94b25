import { summarizeRuns, type MethodSummary, type RunRecord } from '@counterweight/experiment';

import type { AirRunResult, ForecastRunResult } from './run-one.js';
import { BASELINE_METHOD, type AirMethodOptions, type AirSettings } from './settings.js';

/** A column of the summary table: a headline key of the test evaluation, its title and digits. */
export interface HeadlineColumn {
  readonly metric: string;
  readonly title: string;
  readonly digits: number;
  readonly higherIsBetter: boolean;
}

/**
 * The summary table's columns for the settings' extremes variable `x` and thresholds `t`: MAE, RMSE and skill
 * against persistence of `x` (means over horizons), MAE on targets ≥ each `t` and on the training top decile, CSI/POD/FAR
 * at the first threshold, WIS and [P10, P90] coverage (quantile forecasts only), training seconds.
 */
export function headlineColumns(settings: Pick<AirSettings, 'extremes'>): HeadlineColumn[] {
  const x = settings.extremes.variable;
  const first = settings.extremes.thresholds[0];
  return [
    { metric: `mae.${x}`, title: `MAE ${x}`, digits: 2, higherIsBetter: false },
    { metric: `rmse.${x}`, title: `RMSE ${x}`, digits: 2, higherIsBetter: false },
    { metric: `skill.${x}`, title: 'skill vs persistence', digits: 3, higherIsBetter: true },
    ...settings.extremes.thresholds.map((t) => ({ metric: `extremeMae${t}.${x}`, title: `MAE ≥ ${t}`, digits: 2, higherIsBetter: false })),
    { metric: `topDecileMae.${x}`, title: 'MAE top decile', digits: 2, higherIsBetter: false },
    ...(first === undefined
      ? []
      : [
          { metric: `csi${first}`, title: `CSI ${first}`, digits: 3, higherIsBetter: true },
          { metric: `pod${first}`, title: `POD ${first}`, digits: 3, higherIsBetter: true },
          { metric: `far${first}`, title: `FAR ${first}`, digits: 3, higherIsBetter: false },
        ]),
    { metric: `wis.${x}`, title: 'WIS', digits: 2, higherIsBetter: false },
    { metric: `intervalCoverage.${x}`, title: 'P10–P90 cover', digits: 3, higherIsBetter: true },
    { metric: 'trainSeconds', title: 'train s', digits: 1, higherIsBetter: false },
  ];
}

/** One forecasting run's metrics by key: its test headline and the training seconds. */
export function forecastRunMetrics(result: ForecastRunResult): Record<string, number> {
  return { ...result.test.headline, trainSeconds: result.trainSeconds };
}

/** True for the runs of forecasting methods (baselines and objectives), false for the ordinal forecasts. */
export function isForecastRun(run: RunRecord<AirMethodOptions, AirRunResult>): run is RunRecord<AirMethodOptions, ForecastRunResult> {
  return run.result.kind === 'forecast';
}

/**
 * Summaries over seeds of every forecasting method, in the order of `methods`, with paired differences against MAE.
 * A metric undefined in some seed of a method (FAR without a forecast exceedance in that seed, say) is left out of
 * that method's summary rather than averaged over the seeds that have it.
 */
export function summarizeAirRuns(runs: readonly RunRecord<AirMethodOptions, AirRunResult>[], methods: readonly string[]): MethodSummary[] {
  const forecasts = runs.filter(isForecastRun);
  const names = methods.filter((m) => forecasts.some((r) => r.method === m));
  const common = new Map<string, Set<string>>();
  for (const run of forecasts) {
    const keys = Object.keys(forecastRunMetrics(run.result));
    const known = common.get(run.method);
    common.set(run.method, known === undefined ? new Set(keys) : new Set(keys.filter((k) => known.has(k))));
  }
  const rows = forecasts.map((run) => {
    const keep = common.get(run.method) ?? new Set<string>();
    return { ...run, result: Object.fromEntries(Object.entries(forecastRunMetrics(run.result)).filter(([k]) => keep.has(k))) };
  });
  return summarizeRuns(rows, { metrics: (metrics: Record<string, number>) => metrics, methods: names, baseline: BASELINE_METHOD });
}
