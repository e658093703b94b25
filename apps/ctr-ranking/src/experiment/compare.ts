import { runComparison, workerModuleBeside, type Comparison, type ComparisonOptions, type MethodSummary } from '@counterweight/experiment';

import { needsTeacher, type ObjectiveName } from './objectives.js';
import type { CtrData } from './prepare-data.js';
import { summarizeCtrRuns, writeCtrReport, type ReportFiles } from './report.js';
import { ctrRunner, type CtrRunResult } from './run-one.js';
import { checkCtrSettings, ctrMethods, type CtrMethodOptions, type CtrSettings } from './settings.js';
import { checkOnnxTeacher, teacherScores } from './teacher.js';

/**
 * What {@link compareObjectives} compares: the harness's options for the shared settings, repetitions (`seeds`),
 * output folder, `jobs`, `quiet` and already loaded `data` (the base seed is `settings.dataSeed`), and the objectives
 * and `λ`s of `combined` that make the methods (see `ctrMethods`).
 */
export type CtrComparisonOptions = Pick<ComparisonOptions<CtrSettings, CtrMethodOptions, CtrData, CtrRunResult>, 'settings' | 'seeds' | 'out' | 'jobs' | 'quiet' | 'data'> & {
  readonly objectives: readonly ObjectiveName[];
  readonly lambdas: readonly number[];
};

/** A finished comparison, its summaries and where its report went. */
export interface CtrComparison extends Comparison<CtrMethodOptions, CtrData, CtrRunResult> {
  readonly summaries: readonly MethodSummary[];
  readonly files: ReportFiles;
}

/**
 * Trains every objective (and every `λ` of `combined`) on every repetition on the same auctions with the experiment
 * harness (run folders `out/runs/<method>/seed-<r>`, reuse of finished runs, resume of interrupted ones, worker
 * threads, settings guard), then writes the report: `metrics.json`, `report.md`, `tradeoff.png`, `reliability.png`.
 * The teacher of `welfare-teacher` is made once per repetition in this thread (see `teacherScores`).
 * @throws ConfigError for bad settings or a folder of other settings; the data loaders' errors; RunFailedError for a
 *   failed run.
 */
export async function compareObjectives(options: CtrComparisonOptions): Promise<CtrComparison> {
  const methods = ctrMethods(options.objectives, options.lambdas);
  checkCtrSettings(options.settings);
  // Load the data here rather than in the harness, so that an ONNX teacher that cannot serve it is refused before
  // anything is written to the output folder.
  const data = options.data ?? (await ctrRunner.prepare(options.settings));
  const teacher = options.settings.teacher;
  if (teacher.kind === 'onnx' && options.objectives.some((o) => needsTeacher(o))) await checkOnnxTeacher(teacher.path, data.train);
  const comparison = await runComparison({
    app: 'ctr-ranking',
    out: options.out,
    settings: options.settings,
    methods,
    seed: options.settings.dataSeed,
    seeds: options.seeds,
    runner: ctrRunner,
    workerModule: workerModuleBeside(import.meta.url),
    jobs: options.jobs ?? 1,
    epochsOf: (task) => task.settings.epochs,
    repetitionInput: (repetition, _seed, data, pending) => teacherScores(options.out, options.settings, repetition, data, pending),
    data,
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const summaries = summarizeCtrRuns(
    comparison.runs,
    methods.map((m) => m.name),
  );
  const files = await writeCtrReport(comparison.out, { settings: options.settings, data: comparison.data, runs: comparison.runs, summaries, seeds: comparison.seeds });
  return { ...comparison, summaries, files };
}
