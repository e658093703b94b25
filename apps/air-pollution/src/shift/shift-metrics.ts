import { summarizeRuns, type MethodSummary, type RunRecord } from '@counterweight/experiment';

import type { ShiftRunResult } from './shift-runner.js';
import { UNWEIGHTED, type ShiftMethodOptions } from './shift-settings.js';

/** The test-domain headline keys a shift report reads, for the extremes variable `x` and its thresholds. */
export function shiftHeadlineKeys(x: string, thresholds: readonly number[]): string[] {
  return [`mae.${x}`, `rmse.${x}`, `skill.${x}`, ...thresholds.map((t) => `extremeMae${t}.${x}`), `topDecileMae.${x}`];
}

/**
 * One run's metrics by key: the test headline, `inDomain.<key>` (source stations over the test period, station shift),
 * the weights' `effectiveSampleSize`/`maxWeight`/`weightSeconds`, `trainSeconds`, and `attribution.<field>` (unweighted run).
 */
export function shiftRunMetrics(result: ShiftRunResult): Record<string, number> {
  const a = result.attribution;
  return {
    ...result.test.headline,
    ...Object.fromEntries(Object.entries(result.sourceTest ?? {}).map(([k, v]) => [`inDomain.${k}`, v])),
    effectiveSampleSize: result.effectiveSampleSize,
    maxWeight: result.maxWeight,
    weightSeconds: result.weightSeconds,
    trainSeconds: result.trainSeconds,
    ...(a === null ? {} : Object.fromEntries(Object.entries(a).map(([k, v]) => [`attribution.${k}`, v]))),
  };
}

/**
 * Summaries over seeds of every weighting (order of `methods`), with paired differences against the unweighted run.
 * A key missing in some seed of a weighting (a threshold without exceedances, say) is left out of its summary.
 */
export function summarizeShiftRuns(runs: readonly RunRecord<ShiftMethodOptions, ShiftRunResult>[], methods: readonly string[]): MethodSummary[] {
  const common = new Map<string, Set<string>>();
  for (const run of runs) {
    const keys = Object.keys(shiftRunMetrics(run.result));
    const known = common.get(run.method);
    common.set(run.method, known === undefined ? new Set(keys) : new Set(keys.filter((k) => known.has(k))));
  }
  const rows = runs.map((run) => {
    const keep = common.get(run.method) ?? new Set<string>();
    return { ...run, result: Object.fromEntries(Object.entries(shiftRunMetrics(run.result)).filter(([k]) => keep.has(k))) };
  });
  return summarizeRuns(rows, { metrics: (m: Record<string, number>) => m, methods: methods.filter((m) => runs.some((r) => r.method === m)), baseline: UNWEIGHTED });
}
