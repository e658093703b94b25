import { join } from 'node:path';

import { createRunDirectory, type RunDirectory } from '@counterweight/experiment';
import { formatMeanStd, groupedBarChart, lineChart, markdownTable, meanAndStd } from '@counterweight/reports';
import {
  activeBackend,
  createOptimizer,
  evaluate,
  formatBackendInfo,
  train,
  type MetricFunction,
} from '@counterweight/runtime';
import { binaryAuc, binaryBalancedAccuracy, binaryConfusion, binaryLogLoss, binaryRecall } from '@counterweight/metrics';
import * as tf from '@tensorflow/tfjs-core';

import { EMBEDDED_DATA, FEATURE_NAMES, loadBankSplit } from './data.js';
import { createMlp } from './model.js';
import { RECIPES, type RecipeName } from './recipes.js';

/** Options of {@link runQuickstart}; the CLI's flags. */
export interface QuickstartOptions {
  /** Bank Marketing file in the `bank-additional` layout; default: the embedded sample. */
  readonly data?: string;
  readonly recipes: readonly RecipeName[];
  /** Seeds 0..seeds-1: each gives its own split and initialisation, shared by every recipe. */
  readonly seeds: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly hidden: number;
  /** Root of the run directories (default `runs`). */
  readonly out: string;
  readonly runId?: string;
  /** Continue an interrupted run (same `runId`) from its checkpoints. */
  readonly resume?: boolean;
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

function probabilities(logits: tf.Tensor): Float32Array {
  return tf.tidy(() => tf.sigmoid(tf.reshape(logits, [-1])).dataSync() as Float32Array);
}

function labels(targets: tf.Tensor): Float32Array {
  return targets.dataSync() as Float32Array;
}

const VALIDATION_METRICS: Readonly<Record<string, MetricFunction>> = {
  logLoss: ({ targets: t, predictions: p }) => binaryLogLoss(labels(t), probabilities(p)),
  auc: ({ targets: t, predictions: p }) => binaryAuc(labels(t), probabilities(p)),
  balancedAccuracy: ({ targets: t, predictions: p }) => binaryBalancedAccuracy(binaryConfusion(labels(t), probabilities(p))),
  recall: ({ targets: t, predictions: p }) => binaryRecall(binaryConfusion(labels(t), probabilities(p))),
};

/**
 * Trains the same MLP with every recipe on every seed's split of the Bank Marketing data and writes
 * `runs/quickstart/<run-id>/` with config.json, metrics.json, report.md and two charts (validation log loss per
 * epoch; final metrics per recipe). Checkpoints go to `checkpoints/` inside the run, so `resume` continues an
 * interrupted run exactly.
 */
export async function runQuickstart(options: QuickstartOptions): Promise<QuickstartResult> {
  const run = await createRunDirectory({
    app: 'quickstart',
    root: options.out,
    ...(options.runId === undefined ? {} : { runId: options.runId }),
    mode: options.resume === true ? 'resume' : 'new',
  });
  const backend = activeBackend();
  await run.writeConfig({
    ...options,
    data: options.data ?? EMBEDDED_DATA,
    features: FEATURE_NAMES,
    backend: backend === undefined ? null : { name: backend.name, threads: backend.threads },
  });

  const results: RecipeResult[] = [];
  const curves: Array<{ epoch: number; recipe: string; logLoss: number }> = [];
  let dataSummary = '';
  for (let seed = 0; seed < options.seeds; seed += 1) {
    const split = await loadBankSplit({ ...(options.data === undefined ? {} : { path: options.data }), seed });
    const counts: [number, number] = [split.train.size - split.trainPositives, split.trainPositives];
    if (seed === 0) {
      dataSummary =
        `${split.rows} rows, ${FEATURE_NAMES.length} features; per seed ${split.train.size} training rows ` +
        `(${split.trainPositives} positives) and ${split.validation.size} validation rows (${split.validationPositives} positives)`;
    }
    for (const name of options.recipes) {
      const recipe = RECIPES[name];
      const { model, dispose } = createMlp(FEATURE_NAMES.length, options.hidden, seed);
      const optimizer = createOptimizer({ name: 'adam', learningRate: options.learningRate });
      try {
        const history = await train({
          model,
          loss: recipe.loss(counts),
          train: split.train,
          validation: split.validation,
          metrics: { logLoss: VALIDATION_METRICS['logLoss'] as MetricFunction },
          epochs: options.epochs,
          batchSize: options.batchSize,
          optimizer,
          seed,
          checkpoint: { dir: run.path(join('checkpoints', `${name}-seed${seed}`)), everyEpoch: true, keep: 1 },
          resume: options.resume === true,
          progress: { quiet: options.quiet ?? false },
        });
        if (seed === 0) {
          for (const record of history.epochs) {
            curves.push({ epoch: record.epoch + 1, recipe: name, logLoss: record.metrics['logLoss'] ?? Number.NaN });
          }
        }
        const final = await evaluate(model, split.validation, {
          loss: recipe.loss(counts),
          metrics: VALIDATION_METRICS,
          batchSize: 1024,
        });
        const m = final.metrics;
        results.push({
          recipe: name,
          seed,
          logLoss: m['logLoss'] ?? Number.NaN,
          auc: m['auc'] ?? Number.NaN,
          balancedAccuracy: m['balancedAccuracy'] ?? Number.NaN,
          recall: m['recall'] ?? Number.NaN,
        });
      } finally {
        optimizer.dispose();
        dispose();
      }
    }
  }

  const summary = options.recipes.map((name) => {
    const rows = results.filter((r) => r.recipe === name);
    return { recipe: name, ...Object.fromEntries(METRICS.map((k) => [k, rows.map((r) => r[k])])) } as Record<string, unknown> & {
      recipe: RecipeName;
    } & Record<(typeof METRICS)[number], number[]>;
  });
  await run.writeMetrics({ results, summary });
  const lossChart = await run.writeChart(
    'validation-logloss',
    lineChart({
      title: 'Validation log loss per epoch (seed 0)',
      data: curves,
      x: 'epoch',
      y: 'logLoss',
      series: 'recipe',
      xTitle: 'epoch',
      yTitle: 'validation log loss',
      seriesTitle: 'recipe',
    }),
  );
  const bars = summary.flatMap((row) =>
    METRICS.map((metric) => {
      const { mean, std } = meanAndStd(row[metric]);
      return { metric: METRIC_TITLES[metric], recipe: row.recipe, value: mean, std };
    }),
  );
  const barChart = await run.writeChart(
    'metrics',
    groupedBarChart({
      title: `Validation metrics, mean ± std over ${options.seeds} seed(s)`,
      data: bars,
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
  const table = markdownTable(
    ['recipe', ...METRICS.map((m) => METRIC_TITLES[m])],
    summary.map((row) => [row.recipe, ...METRICS.map((m) => formatMeanStd(row[m]))]),
  );
  const report = [
    '# Quickstart: plain vs imbalance-aware losses on UCI Bank Marketing',
    '',
    `Data: ${options.data ?? 'embedded sample (data/bank-additional.csv.gz)'} — ${dataSummary}.`,
    `Model: MLP ${FEATURE_NAMES.length}-${options.hidden}-1, Adam (lr ${options.learningRate}), batch ${options.batchSize}, ` +
      `${options.epochs} epochs, seeds 0..${options.seeds - 1} (each seed: its own split and initialisation, shared by all recipes).`,
    `Backend: ${backend === undefined ? 'unknown' : formatBackendInfo(backend).replace(/^backend: /, '')}.`,
    '',
    '## Recipes',
    '',
    ...options.recipes.map((name) => `- \`${name}\`: ${RECIPES[name].description}`),
    '',
    '## Validation metrics (mean ± std over seeds)',
    '',
    table,
    '',
    'Balanced accuracy and recall use the threshold 0.5 on the predicted probability; AUC and log loss use no',
    'threshold. Log loss measures calibration, recall (yes) how much of the rare class is found.',
    '',
    `![validation metrics](${barChart})`,
    '',
    `![validation log loss per epoch](${lossChart})`,
    '',
  ].join('\n');
  await run.writeMarkdown(report);
  return { run, results };
}
