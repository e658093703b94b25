import { runComparison, workerModuleBeside, type Comparison, type ComparisonOptions, type MethodSummary } from '@counterweight/experiment';

import { lmMethods, type LmMethodOptions } from './methods.js';
import type { LmData } from './prepare-data.js';
import { summarizeLmRuns, writeLmReport, type ReportFiles } from './report.js';
import { lmRunner, type LmRunResult } from './run-one.js';
import { checkLmSettings, type LmSettings } from './settings.js';

/** What {@link compareStrategies} compares: the harness's options and the methods by name (`uniform` always included). */
export type LmComparisonOptions = Pick<ComparisonOptions<LmSettings, LmMethodOptions, LmData, LmRunResult>, 'settings' | 'seed' | 'seeds' | 'out' | 'jobs' | 'quiet' | 'data'> & {
  readonly methods: readonly string[];
};

/** A finished comparison, its summaries and where its report went. */
export interface LmComparison extends Comparison<LmMethodOptions, LmData, LmRunResult> {
  readonly summaries: readonly MethodSummary[];
  readonly files: ReportFiles;
}

/**
 * Trains every method on every repetition on the same corpus with the experiment harness (run folders
 * `out/runs/<method>/seed-<r>`, reuse of finished runs, resume of interrupted ones, worker threads, settings guard),
 * then writes the report: `metrics.json`, `report.md` and the charts.
 * @throws ConfigError for bad settings or a folder of other settings; the data layer's errors; RunFailedError.
 */
export async function compareStrategies(options: LmComparisonOptions): Promise<LmComparison> {
  const methods = lmMethods(options.methods);
  checkLmSettings(options.settings);
  const comparison = await runComparison({
    app: 'llm-reweighting',
    out: options.out,
    settings: options.settings,
    methods,
    seed: options.seed,
    seeds: options.seeds,
    runner: lmRunner,
    workerModule: workerModuleBeside(import.meta.url),
    jobs: options.jobs ?? 1,
    epochsOf: (task) => task.settings.training.steps / task.settings.training.evalEvery,
    ...(options.data === undefined ? {} : { data: options.data }),
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const summaries = summarizeLmRuns(comparison.runs, methods.map((m) => m.name), comparison.data.unit);
  const files = await writeLmReport(comparison.out, { settings: options.settings, seed: options.seed, data: comparison.data, runs: comparison.runs, summaries, seeds: comparison.seeds });
  return { ...comparison, summaries, files };
}
