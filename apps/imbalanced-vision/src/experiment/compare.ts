import { consecutiveSeeds, runComparison, summarizeRuns, workerModuleBeside, type MethodSummary } from '@counterweight/experiment';

import type { Recipe } from '../recipes/recipe.js';
import { checkTeacher } from './check-teacher.js';
import { settingsOf, validateCompareOptions, type CompareOptions } from './options.js';
import { prepareData } from './prepare-data.js';
import { writeReport, type ReportFiles } from './report.js';
import { runMetrics } from './run-metrics.js';
import { recipeContext, visionRunner, type RecipeOptions, type RunResult } from './run-one.js';

const WORKER_URL = workerModuleBeside(import.meta.url);

/** What {@link compare} produced. */
export interface CompareResult {
  /** The output directory (absolute). */
  readonly dir: string;
  /** Recipe by recipe, each in seed order. */
  readonly results: readonly RunResult[];
  readonly summaries: readonly MethodSummary[];
  readonly files: ReportFiles;
  /** Runs trained (or resumed) by this call; the others were finished already. */
  readonly trained: number;
}

/** The baseline every recipe is read against: plain cross-entropy of the task. */
export function baselineOf(task: Recipe['task']): string {
  return task === 'single-label' ? 'ce' : 'bce';
}

/**
 * Trains every recipe with every seed on the same split and writes the comparison to `options.out` with the
 * `@counterweight/experiment` harness: `config.json`, `runs/<recipe>/seed-<r>/` (checkpoints, trained model,
 * `result.json`), then `metrics.json`, `report.md` and the charts. Running it again on the same directory with the
 * same settings resumes: finished runs are read back, interrupted ones continue from their last epoch; recipes and
 * seeds may be added. Training seeds are `seed + r` (the rule the published numbers were made with).
 *
 * @throws ConfigError for invalid options or an output directory holding other settings; DataFileError for bad data;
 *   OnnxModelError for a teacher that is no image classifier (both before anything is written); RunFailedError naming
 *   a run that failed.
 */
export async function compare(options: CompareOptions): Promise<CompareResult> {
  const recipes = validateCompareOptions(options);
  const settings = settingsOf(options);
  const teacher: RecipeOptions | undefined = options.teacher === undefined ? undefined : { teacher: options.teacher };
  // The data and the teacher first (before any folder exists): a bad data directory or teacher leaves nothing behind.
  const data = await prepareData(settings);
  if (teacher?.teacher !== undefined && recipes.some((r) => r.needsTeacher === true)) await checkTeacher(teacher.teacher, data);
  const context = recipeContext(data, settings.epochs, settings.arch);
  const stageEpochs = new Map(recipes.map((r) => [r.name, r.stages(context).reduce((sum, s) => sum + s.epochs, 0)]));
  const comparison = await runComparison({
    app: 'imbalanced-vision',
    out: options.out,
    settings,
    methods: recipes.map((r) => ({ name: r.name, ...(r.needsTeacher === true && teacher !== undefined ? { options: teacher } : {}) })),
    seed: options.seed,
    seeds: options.seeds,
    seedRule: consecutiveSeeds,
    jobs: options.jobs,
    runner: visionRunner,
    workerModule: WORKER_URL,
    data,
    // The progress bar counts epochs of every stage (stage lengths scale with --epochs and the data).
    epochsOf: (task) => stageEpochs.get(task.method) ?? settings.epochs,
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const results = comparison.runs.map((r) => r.result);
  const summaries = summarizeRuns(comparison.runs, { metrics: runMetrics, methods: recipes.map((r) => r.name), baseline: baselineOf(options.task) });
  const files = await writeReport(comparison.out, options, recipes, comparison.data, results, summaries);
  return { dir: comparison.out.dir, results, summaries, files, trained: comparison.trained };
}
