import { runComparison, workerModuleBeside, type Comparison, type ComparisonOptions, type MethodSummary } from '@counterweight/experiment';

import { prepareData, type AirData } from './prepare-data.js';
import { summarizeAirRuns, writeAirReport, type ReportFiles } from './report.js';
import { airRunner, type AirRunResult } from './run-one.js';
import { airMethods, checkAirSettings, type AirMethodOptions, type AirSettings } from './settings.js';

/**
 * What {@link compareObjectives} compares: the harness's options (settings, base seed, repetitions, output folder,
 * jobs, quiet, already loaded data) and the methods by name (`--methods`; `mae` is always included as the baseline).
 */
export type AirComparisonOptions = Pick<ComparisonOptions<AirSettings, AirMethodOptions, AirData, AirRunResult>, 'settings' | 'seed' | 'seeds' | 'out' | 'jobs' | 'quiet' | 'data'> & {
  readonly methods: readonly string[];
};

/** A finished comparison, its summaries and where its report went. */
export interface AirComparison extends Comparison<AirMethodOptions, AirData, AirRunResult> {
  readonly summaries: readonly MethodSummary[];
  readonly files: ReportFiles;
}

/**
 * Runs every method on every repetition on the same windows with the experiment harness (run folders
 * `out/runs/<method>/seed-<r>`, reuse of finished runs, resume of interrupted ones, worker threads, settings guard),
 * then writes the report: `metrics.json`, `report.md` and the charts. Unless `quiet`, says on stderr how many windows
 * each split has once the data are ready (`windows: 1234 training, 456 validation, 789 test (3 stations, hourly)`).
 * @throws ConfigError for bad settings or a folder of other settings; the data layer's errors; RunFailedError.
 */
export async function compareObjectives(options: AirComparisonOptions): Promise<AirComparison> {
  const methods = airMethods(options.methods);
  checkAirSettings(options.settings);
  const data = options.data ?? (await prepareData(options.settings));
  if (options.quiet !== true) {
    // One line once the table is read and windowed, before any run trains (also the mark the reliability suite times
    // its interruptions from).
    const w = data.windows;
    process.stderr.write(`windows: ${w.train.count} training, ${w.validation.count} validation, ${w.test.count} test (${data.table.stations.length} stations, ${data.table.frequency})\n`);
  }
  const comparison = await runComparison({
    app: 'air-pollution',
    out: options.out,
    settings: options.settings,
    methods,
    seed: options.seed,
    seeds: options.seeds,
    runner: airRunner,
    workerModule: workerModuleBeside(import.meta.url),
    jobs: options.jobs ?? 1,
    epochsOf: (task) => (task.options?.kind === 'objective' ? task.settings.training.epochs : 1),
    data,
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const summaries = summarizeAirRuns(comparison.runs, methods.map((m) => m.name));
  const files = await writeAirReport(comparison.out, { settings: options.settings, seed: options.seed, data: comparison.data, runs: comparison.runs, summaries, seeds: comparison.seeds });
  return { ...comparison, summaries, files };
}
