import { runComparison, workerModuleBeside, type Comparison, type ComparisonOptions, type MethodSummary } from '@counterweight/experiment';

import type { ShiftData } from './shift-data.js';
import { summarizeShiftRuns } from './shift-metrics.js';
import { writeShiftReport, type ShiftReportFiles } from './shift-report.js';
import { shiftRunner, type ShiftRunResult } from './shift-runner.js';
import { shiftMethods, type ShiftMethodOptions, type ShiftSettings } from './shift-settings.js';

/** What {@link compareWeightings} runs: the harness's options and the weightings by name (`--weights`; `none` is always run). */
export type ShiftExperimentOptions = Pick<ComparisonOptions<ShiftSettings, ShiftMethodOptions, ShiftData, ShiftRunResult>, 'settings' | 'seed' | 'seeds' | 'out' | 'jobs' | 'quiet' | 'data'> & {
  readonly weightings: readonly string[];
};

/** A finished shift experiment, its summaries and where its report went. */
export interface ShiftExperiment extends Comparison<ShiftMethodOptions, ShiftData, ShiftRunResult> {
  readonly summaries: readonly MethodSummary[];
  readonly files: ShiftReportFiles;
}

/**
 * Trains the forecaster once per weighting and repetition with the experiment harness (run folders
 * `out/runs/<weighting>/seed-<r>`, reuse of finished runs, resume from checkpoints, worker threads, settings guard),
 * then writes `metrics.json`, `report.md` and the charts.
 * @throws ConfigError for bad settings, domains or a folder of other settings; the data layer's errors; RunFailedError.
 */
export async function compareWeightings(options: ShiftExperimentOptions): Promise<ShiftExperiment> {
  const methods = shiftMethods(options.weightings);
  const comparison = await runComparison({
    app: 'air-pollution-shift',
    out: options.out,
    settings: options.settings,
    methods,
    seed: options.seed,
    seeds: options.seeds,
    runner: shiftRunner,
    workerModule: workerModuleBeside(import.meta.url, 'shift-worker'),
    jobs: options.jobs ?? 1,
    epochsOf: (task) => task.settings.training.epochs,
    ...(options.data === undefined ? {} : { data: options.data }),
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const summaries = summarizeShiftRuns(comparison.runs, methods.map((m) => m.name));
  const files = await writeShiftReport(comparison.out, { settings: options.settings, seed: options.seed, seeds: comparison.seeds, data: comparison.data, runs: comparison.runs, summaries });
  return { ...comparison, summaries, files };
}
