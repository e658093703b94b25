import { join } from 'node:path';

import {
  assertPathSegment,
  collectProvenance,
  consecutiveSeeds,
  newRunId,
  readingAgainstBaseline,
  renderReport,
  runComparison,
  summarizeRuns,
  summaryTable,
  workerModuleBeside,
  type RunDirectory,
} from '@counterweight/experiment';
import { groupedBarChart, lineChart } from '@counterweight/reports';

import { EMBEDDED_DATA, FEATURE_NAMES } from './data.js';
import { RECIPES, type RecipeName } from './recipes.js';
import { quickstartRunner, type QuickstartRunResult, type QuickstartSettings } from './run-one.js';

const WORKER_URL = workerModuleBeside(import.meta.url);

/** Options of {@link runQuickstart}; the CLI's flags. */
export interface QuickstartOptions {
  /** Bank Marketing file in the `bank-additional` layout; default: the embedded sample. */
  readonly data?: string;
  readonly recipes: readonly RecipeName[];
  /** Seeds `seed, seed + 1, …`: each gives its own split and initialisation, shared by every recipe. */
  readonly seeds: number;
  /** First seed. Default 0. */
  readonly seed?: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly hidden: number;
  /** Root of the run directories (default `runs`); the run goes to `<out>/quickstart/<run-id>/`. */
  readonly out: string;
  readonly runId?: string;
  /** Continue the run `runId` (it must exist, with the same settings) from its checkpoints and finished runs. */
  readonly resume?: boolean;
  /** Runs trained at the same time (worker threads). Default 1. */
  readonly jobs?: number;
  readonly quiet?: boolean;
}

/** Validation metrics of one recipe and seed. */
export interface RecipeResult {
  readonly recipe: RecipeName;
  readonly seed: number;
  readonly logLoss: number;
  readonly auc: number;
  readonly balancedAccuracy: number;
  readonly recall: number;
}

/** What {@link runQuickstart} produced. */
export interface QuickstartResult {
  readonly run: RunDirectory;
  readonly results: readonly RecipeResult[];
}

const METRICS = ['logLoss', 'auc', 'balancedAccuracy', 'recall'] as const;
const METRIC_TITLES: Record<(typeof METRICS)[number], string> = {
  logLoss: 'log loss ↓',
  auc: 'AUC ↑',
  balancedAccuracy: 'bal. accuracy ↑',
  recall: 'recall (yes) ↑',
};

/**
 * Trains the same MLP with every recipe on every seed's split of the Bank Marketing data, on the
 * `@counterweight/experiment` harness, and writes `<out>/quickstart/<run-id>/`: config.json (the settings, written once),
 * `runs/<recipe>/seed-<r>/` (checkpoints and result.json of each run), metrics.json, report.md and two charts
 * (validation log loss per epoch; final metrics per recipe).
 *
 * A new run refuses an existing run id; a failed start (e.g. unreadable data) leaves no folder behind. `resume`
 * continues the run `runId`: it must exist and hold the same settings (else an error naming each difference, and
 * config.json stays as it was); finished runs are reused, interrupted ones continue from their checkpoints.
 *
 * @throws ConfigError naming `--run-id` or the differing settings; DataFileError naming the data file; RunFailedError.
 */
export async function runQuickstart(options: QuickstartOptions): Promise<QuickstartResult> {
  const runId = options.runId ?? newRunId();
  assertPathSegment('--run-id', runId);
  const settings: QuickstartSettings = {
    data: options.data ?? EMBEDDED_DATA,
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    hidden: options.hidden,
  };
  const comparison = await runComparison({
    app: 'quickstart',
    out: join(options.out, 'quickstart', runId),
    mode: options.resume === true ? 'resume' : 'new',
    outOption: '--run-id',
    settings,
    methods: options.recipes.map((name) => ({ name })),
    seed: options.seed ?? 0,
    seeds: options.seeds,
    // Seeds 0, 1, … as the quickstart has always used: its numbers in the README stay as they were.
    seedRule: consecutiveSeeds,
    jobs: options.jobs ?? 1,
    runner: quickstartRunner,
    workerModule: WORKER_URL,
    epochsOf: () => settings.epochs,
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const run = comparison.out;
  // Seed by seed, recipes in their order within a seed (the order the quickstart has always printed).
  const ordered = [...comparison.runs].sort((a, b) => a.repetition - b.repetition);
  const results: RecipeResult[] = ordered.map((r) => ({
    recipe: r.method as RecipeName,
    seed: r.seed,
    logLoss: r.result.logLoss,
    auc: r.result.auc,
    balancedAccuracy: r.result.balancedAccuracy,
    recall: r.result.recall,
  }));
  await writeQuickstartReport(run, options, settings, comparison.runs, comparison.seeds);
  return { run, results };
}

async function writeQuickstartReport(
  run: RunDirectory,
  options: QuickstartOptions,
  settings: QuickstartSettings,
  runs: ReadonlyArray<{ readonly method: string; readonly repetition: number; readonly seed: number; readonly result: QuickstartRunResult }>,
  seeds: readonly number[],
): Promise<void> {
  const summaries = summarizeRuns(runs, {
    metrics: (r) => ({ logLoss: r.logLoss, auc: r.auc, balancedAccuracy: r.balancedAccuracy, recall: r.recall }),
    methods: options.recipes,
    baseline: 'ce',
  });
  const first = runs.find((r) => r.repetition === 0)?.result;
  await run.writeMetrics({
    results: runs.map((r) => ({ recipe: r.method, seed: r.seed, ...r.result })),
    summaries,
  });
  const lossChart = await run.writeChart(
    'validation-logloss',
    lineChart({
      title: `Validation log loss per epoch (seed ${seeds[0] ?? 0})`,
      data: runs.filter((r) => r.repetition === 0).flatMap((r) => r.result.curve.map((logLoss, i) => ({ epoch: i + 1, recipe: r.method, logLoss }))),
      x: 'epoch',
      y: 'logLoss',
      series: 'recipe',
      xTitle: 'epoch',
      yTitle: 'validation log loss',
      seriesTitle: 'recipe',
    }),
  );
  const barChart = await run.writeChart(
    'metrics',
    groupedBarChart({
      title: `Validation metrics, mean ± std over ${seeds.length} seed(s)`,
      data: summaries.flatMap((s) => METRICS.map((m) => ({ metric: METRIC_TITLES[m], recipe: s.method, value: s.metrics[m]?.mean ?? 0, std: s.metrics[m]?.std ?? 0 }))),
      category: 'metric',
      group: 'recipe',
      value: 'value',
      error: 'std',
      valueDomain: [0, 1],
      categoryTitle: '',
      groupTitle: 'recipe',
      valueTitle: 'value',
      labels: false,
    }),
  );
  const dataSummary =
    first === undefined
      ? ''
      : ` — ${first.rows} rows, ${FEATURE_NAMES.length} features; per seed ${first.trainRows} training rows ` +
        `(${first.trainPositives} positives) and ${first.validationRows} validation rows (${first.validationPositives} positives)`;
  const markdown = renderReport({
    title: 'Quickstart: plain vs imbalance-aware losses on UCI Bank Marketing',
    settings: [
      `Data: ${options.data ?? 'embedded sample (data/bank-additional.csv.gz)'}${dataSummary}.`,
      `Model: MLP ${FEATURE_NAMES.length}-${settings.hidden}-1, Adam (lr ${settings.learningRate}), batch ${settings.batchSize}, ` +
        `${settings.epochs} epochs, seeds ${seeds.join(', ')} (each seed: its own split and initialisation, shared by all recipes).`,
    ],
    results: {
      caption: '(validation, mean ± std over seeds)',
      table: summaryTable(summaries, METRICS.map((m) => ({ metric: m, title: METRIC_TITLES[m] }))),
      notes: [
        'Balanced accuracy and recall use the threshold 0.5 on the predicted probability; AUC and log loss use no',
        'threshold. Log loss measures calibration, recall (yes) how much of the rare class is found.',
      ],
    },
    reading: [
      ...readingAgainstBaseline(summaries, 'ce', { metric: 'recall', label: 'recall of the rare class (yes)', digits: 3 }),
      '',
      ...readingAgainstBaseline(summaries, 'ce', { metric: 'logLoss', label: 'validation log loss (lower is better)', digits: 3, higherIsBetter: false }),
    ],
    sections: [{ heading: 'Recipes', lines: options.recipes.map((name) => `- \`${name}\`: ${RECIPES[name].description}`) }],
    charts: [
      { caption: 'Validation metrics', file: barChart },
      { caption: 'Validation log loss per epoch', file: lossChart },
    ],
    provenance: collectProvenance({ quickstart: '0.1.0' }),
  });
  await run.writeMarkdown(markdown);
}
