import { join } from 'node:path';

import { assertSameSettings, openRunDirectory } from '@counterweight/experiment';
import { activeBackend, createProgress, formatBackendInfo } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { settingsOf, validateCompareOptions, type CompareOptions, type RunSpec } from './options.js';
import { prepareData } from './prepare-data.js';
import { writeReport, type ReportFiles } from './report.js';
import { finishedResult, recipeContext, type RunResult } from './run-one.js';
import { runAll } from './run-pool.js';
import { summarize, type RecipeSummary } from './summary.js';

/** What {@link compare} produced. */
export interface CompareResult {
  /** The output directory (absolute). */
  readonly dir: string;
  readonly results: readonly RunResult[];
  readonly summaries: readonly RecipeSummary[];
  readonly files: ReportFiles;
  /** Runs trained (or resumed) by this call; the others were finished already. */
  readonly trained: number;
}

/** The run directory of a recipe and seed inside a comparison's output directory. */
export function runDirectory(out: string, recipe: string, seed: number): string {
  return join(out, 'runs', recipe, `seed-${seed}`);
}


/**
 * Trains every recipe with every seed on the same split and writes the comparison to `options.out`: `config.json`,
 * `metrics.json`, `report.md` and the charts, and `runs/<recipe>/seed-<s>/` with each run's checkpoints, trained
 * model and `result.json`. Running it again on the same directory with the same settings resumes: finished runs are
 * read back, interrupted ones continue from their last epoch; recipes and seeds may be added.
 *
 * @throws ConfigError for invalid options or an output directory holding other settings; DataFileError for bad data;
 *   RunFailedError naming a run that failed.
 */
export async function compare(options: CompareOptions): Promise<CompareResult> {
  const recipes = validateCompareOptions(options);
  const settings = settingsOf(options);
  const data = await prepareData(settings);
  const out = await openRunDirectory(options.out, { app: 'imbalanced-vision', mode: 'new-or-resume' });
  await assertSameSettings(out.path('config.json'), settings);
  const backendInfo = activeBackend();
  const backend = backendInfo === undefined ? tf.getBackend() : formatBackendInfo(backendInfo).replace(/^backend: /, '');
  await out.writeConfig({
    settings,
    recipes: recipes.map((r) => r.name),
    seeds: Array.from({ length: options.seeds }, (_, k) => options.seed + k),
    jobs: options.jobs,
    ...(options.teacher === undefined ? {} : { teacher: options.teacher }),
    backend,
  });

  const specs: RunSpec[] = recipes.flatMap((recipe) =>
    Array.from({ length: options.seeds }, (_, k) => ({
      recipe: recipe.name,
      seed: options.seed + k,
      settings,
      dir: runDirectory(out.dir, recipe.name, options.seed + k),
      ...(recipe.needsTeacher === true && options.teacher !== undefined ? { teacher: options.teacher } : {}),
    })),
  );
  const finished = await Promise.all(specs.map(finishedResult));
  const pending = specs.filter((_, i) => finished[i] === undefined);
  const epochsOf = (recipe: string): number =>
    recipes.find((r) => r.name === recipe)?.stages(recipeContext(data, settings.epochs, settings.arch)).reduce((sum, s) => sum + s.epochs, 0) ?? 0;
  const bar = createProgress({
    total: Math.max(1, pending.reduce((sum, s) => sum + epochsOf(s.recipe), 0)),
    label: `${pending.length} run(s)`,
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  let trained: RunResult[];
  try {
    trained = await runAll(pending, {
      jobs: options.jobs,
      data,
      onEpoch: (p) => bar.tick(1, { run: `${p.recipe}/seed-${p.seed}`, epoch: `${p.epoch}/${p.epochs}`, loss: p.loss.toFixed(4) }),
    });
  } finally {
    bar.stop();
  }
  const results = specs.map((spec, i) => finished[i] ?? (trained[pending.indexOf(spec)] as RunResult));
  const files = await writeReport(out, options, recipes, data, results, backend);
  return { dir: out.dir, results, summaries: summarize(recipes, results), files, trained: pending.length };
}
