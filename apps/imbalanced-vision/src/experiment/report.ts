import {
  formatNumber,
  groupedBarChart,
  heatmap,
  lineChart,
  markdownTable,
  reliabilityDiagram,
} from '@counterweight/reports';
import {
  collectProvenance,
  readingAgainstBaseline,
  renderReport,
  type MethodSummary,
  type RunDirectory,
  type SeedStatistics,
} from '@counterweight/experiment';

import type { Recipe } from '../recipes/recipe.js';
import { CALIBRATION_BINS, frequencyThirds } from './evaluate.js';
import type { CompareOptions } from './options.js';
import type { ExperimentData } from './prepare-data.js';
import type { RunResult } from './run-one.js';
import { MULTI_LABEL_COLUMNS, SINGLE_LABEL_COLUMNS } from './run-metrics.js';

/** Files a comparison report consists of, relative to the output directory. */
export interface ReportFiles {
  readonly markdown: string;
  readonly metrics: string;
  readonly charts: readonly string[];
}

const pct = (s: SeedStatistics): string =>
  s.values.length > 1 ? `${formatNumber(100 * s.mean, 1)} ± ${formatNumber(100 * s.std, 1)}` : formatNumber(100 * s.mean, 1);

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '-');
}

function dataSection(data: ExperimentData, options: CompareOptions): string[] {
  const names = data.classNames;
  if (data.task === 'single-label') {
    const m = data.metadata;
    const grouping = m.groupings[m.defaultGrouping];
    return [
      `Data: \`${options.dataDir}\`, ${names.length} classes. Long-tailed training split: ${m.profile} profile, ρ = ${m.imbalanceRatio} ` +
        `(n_max ${m.nMax}; ${data.train.count} training images, actual ratio ${formatNumber(m.trainImbalanceRatio, 1)}), split seed ${m.seed}; ` +
        `balanced test set of ${data.test.count} images (${m.testCounts[0] ?? 0} per class).`,
      '',
      markdownTable(
        ['rank', 'class', 'training images', 'group'],
        m.classOrder.map((c, rank) => [
          rank,
          names[c] ?? String(c),
          m.trainCounts[c] ?? 0,
          grouping.groups.find((g) => g.classes.includes(c))?.name ?? '',
        ]),
        { align: ['right', 'left', 'right', 'left'] },
      ),
      '',
      `Groups: ${grouping.description}. Many/medium/few-shot accuracies (${m.groupings['shot-count'].description}) are in metrics.json.`,
    ];
  }
  const m = data.metadata;
  const thirds = frequencyThirds(data.classCounts);
  return [
    `Data: 2×2 mosaics of \`${options.dataDir}\` images (56×56, label set = the classes of the four tiles). ` +
      `${m.trainMosaics} training mosaics from training images, tile classes drawn with probability ∝ ρ^(−rank/(C−1)), ` +
      `ρ = ${m.imbalanceRatio} (images containing a class: max/min ${formatNumber(m.trainImbalanceRatio, 1)}); ` +
      `${m.testMosaics} test mosaics from test images with uniform tile classes. Mosaic seed ${m.seed}.`,
    '',
    markdownTable(
      ['class', 'training mosaics with it', 'test mosaics with it', 'group'],
      names.map((name, c) => [
        name,
        m.trainPositives[c] ?? 0,
        m.testPositives[c] ?? 0,
        thirds.groups.find((g) => g.classes.includes(c))?.name ?? '',
      ]),
      { align: ['left', 'right', 'right', 'left'] },
    ),
    '',
    `Groups: ${thirds.description.replace('(the Fashion-MNIST-LT convention)', '(by training frequency)')}.`,
  ];
}

async function writeCharts(
  out: RunDirectory,
  data: ExperimentData,
  summaries: readonly MethodSummary[],
  results: readonly RunResult[],
): Promise<Array<[string, string]>> {
  const charts: Array<[string, string]> = [];
  const names = data.classNames;
  const single = data.task === 'single-label';
  const seedsNote = `mean ± std over ${summaries[0]?.seeds.length ?? 0} seed(s)`;
  const groupKeys = Object.keys(summaries[0]?.metrics ?? {}).filter((k) => k.startsWith('group.'));
  const headline = single ? ['balancedAccuracy', ...groupKeys] : ['mAP', ...groupKeys];
  const title = (k: string): string => (k.startsWith('group.') ? `${k.slice(6)} classes` : k === 'balancedAccuracy' ? 'balanced accuracy' : k);
  charts.push([
    `${single ? 'Balanced and group accuracy' : 'mAP overall and by class group'} per recipe`,
    await out.writeChart(
      'summary',
      groupedBarChart({
        title: `${single ? 'Accuracy' : 'Mean average precision'} on the test set (${seedsNote})`,
        data: summaries.flatMap((s) =>
          headline.map((k) => ({ metric: title(k), recipe: s.method, value: s.metrics[k]?.mean ?? 0, std: s.metrics[k]?.std ?? 0 })),
        ),
        category: 'metric',
        group: 'recipe',
        value: 'value',
        error: 'std',
        valueDomain: [0, 1],
        categoryTitle: '',
        groupTitle: 'recipe',
        valueTitle: single ? 'accuracy' : 'mAP',
        valueFormat: '.2f',
      }),
    ),
  ]);
  const order = single ? data.metadata.classOrder : frequencyThirds(data.classCounts).groups.flatMap((g) => g.classes);
  charts.push([
    single ? 'Per-class accuracy, head (left) to tail (right)' : 'Per-class average precision, most to least frequent',
    await out.writeChart(
      'per-class',
      groupedBarChart({
        title: `${single ? 'Per-class accuracy' : 'Per-class AP'} (${seedsNote}), classes from head to tail`,
        data: summaries.flatMap((s) =>
          order.map((c) => ({
            class: `${names[c] ?? c} (${data.classCounts[c] ?? 0})`,
            recipe: s.method,
            value: s.metrics[`class.${c}`]?.mean ?? 0,
            std: s.metrics[`class.${c}`]?.std ?? 0,
          })),
        ),
        category: 'class',
        group: 'recipe',
        value: 'value',
        error: 'std',
        valueDomain: [0, 1],
        categoryTitle: 'class (training images)',
        groupTitle: 'recipe',
        valueTitle: single ? 'accuracy' : 'average precision',
        valueFormat: '.2f',
        labels: false,
      }),
    ),
  ]);
  const firstSeed = (recipe: string): RunResult | undefined =>
    results.filter((r) => r.recipe === recipe).sort((a, b) => a.seed - b.seed)[0];
  charts.push([
    'Training loss per epoch (first seed; losses of different recipes are on different scales)',
    await out.writeChart(
      'training-loss',
      lineChart({
        title: 'Training loss per epoch (first seed)',
        data: summaries.flatMap((s) => (firstSeed(s.method)?.history ?? []).map((h) => ({ epoch: h.epoch, recipe: s.method, loss: h.loss }))),
        x: 'epoch',
        y: 'loss',
        series: 'recipe',
        xTitle: 'epoch',
        yTitle: 'training loss',
        seriesTitle: 'recipe',
        yScale: 'log',
      }),
    ),
  ]);
  if (data.task === 'single-label') {
    const bins = summaries.flatMap((s) => {
      const e = firstSeed(s.method)?.evaluation;
      return e?.task === 'single-label'
        ? e.reliability.map((b) => ({ predicted: b.confidence, observed: b.accuracy, count: b.count, series: s.method }))
        : [];
    });
    charts.push([
      `Reliability diagram (first seed, ${CALIBRATION_BINS} bins of top-label confidence)`,
      await out.writeChart(
        'reliability',
        reliabilityDiagram({
          title: 'Reliability: accuracy vs confidence (first seed)',
          bins,
          predictedTitle: 'top-label confidence',
          observedTitle: 'accuracy',
          seriesTitle: 'recipe',
        }),
      ),
    ]);
    for (const s of summaries) {
      const e = firstSeed(s.method)?.evaluation;
      if (e?.task !== 'single-label') continue;
      charts.push([
        `Confusion matrix of ${s.method} (first seed; rows: true class, columns: predicted)`,
        await out.writeChart(
          `confusion-${fileSafe(s.method)}`,
          heatmap({
            title: `Confusion matrix: ${s.method} (first seed)`,
            values: order.map((i) => order.map((j) => e.confusion[i]?.[j] ?? 0)),
            rowLabels: order.map((c) => names[c] ?? String(c)),
            columnLabels: order.map((c) => names[c] ?? String(c)),
            rowTitle: 'true class (head → tail)',
            columnTitle: 'predicted class',
            valueTitle: 'test images',
            cellSize: 40,
          }),
        ),
      ]);
    }
  }
  return charts;
}

/**
 * Writes the comparison's `metrics.json` (split, every run, summaries over seeds with paired differences against the
 * baseline), the charts (headline metrics, per class, training loss; single-label also reliability and one confusion
 * matrix per recipe) and `report.md` in the harness's skeleton: settings, the mean ± std table, the reading against
 * the baseline with 95 % intervals, recipes, charts, provenance.
 */
export async function writeReport(
  out: RunDirectory,
  options: CompareOptions,
  recipes: readonly Recipe[],
  data: ExperimentData,
  results: readonly RunResult[],
  summaries: readonly MethodSummary[],
): Promise<ReportFiles> {
  const metrics = await out.writeMetrics({
    task: data.task,
    classNames: data.classNames,
    trainClassCounts: data.classCounts,
    split: data.metadata,
    summaries,
    runs: results,
  });
  const charts = await writeCharts(out, data, summaries, results);
  const single = data.task === 'single-label';
  const columns = single ? SINGLE_LABEL_COLUMNS : MULTI_LABEL_COLUMNS;
  const groupKeys = Object.keys(summaries[0]?.metrics ?? {}).filter((k) => k.startsWith('group.'));
  const eceKeys = Object.keys(summaries[0]?.metrics ?? {}).filter((k) => k.startsWith('ece.'));
  const stat = (s: MethodSummary, key: string): SeedStatistics => {
    const value = s.metrics[key];
    if (value === undefined) throw new RangeError(`no metric ${key} for ${s.method}`);
    return value;
  };
  const groupEceTable =
    eceKeys.length === 0
      ? []
      : [
          '',
          `Top-label ECE within each class group (%, 15 bins, mean ± std over seeds) — calibration where the data is scarce:`,
          '',
          markdownTable(
            ['recipe', 'all ↓', ...eceKeys.map((k) => `${k.slice(4)} ↓`)],
            summaries.map((s) => [`\`${s.method}\``, pct(stat(s, 'ece')), ...eceKeys.map((k) => pct(stat(s, k)))]),
            { align: ['left', 'right', ...eceKeys.map(() => 'right' as const)] },
          ),
        ];
  const table = markdownTable(
    ['recipe', ...columns.map(([, t]) => t), ...groupKeys.map((k) => `${k.slice(6)} ↑`), 'train s', 'img/s'],
    summaries.map((s) => [
      `\`${s.method}\``,
      ...columns.map(([k]) => pct(stat(s, k))),
      ...groupKeys.map((k) => pct(stat(s, k))),
      formatNumber(stat(s, 'trainSeconds').mean, 0),
      formatNumber(stat(s, 'imagesPerSecond').mean, 0),
    ]),
    { align: ['left', ...columns.map(() => 'right' as const), ...groupKeys.map(() => 'right' as const), 'right', 'right'] },
  );
  const seeds = summaries[0]?.seeds ?? [];
  const recipe = (name: string): Recipe | undefined => recipes.find((r) => r.name === name);
  const markdown = renderReport({
    title: `imbalanced-vision: ${single ? 'long-tailed' : 'multi-label'} comparison`,
    settings: [
      ...dataSection(data, options),
      '',
      `Model: ${options.arch}${options.width === undefined ? '' : ` (width ${options.width})`}, ${options.epochs} epochs` +
        `${options.augmentPadding > 0 || options.augmentFlip ? `, augmentation: random crop (padding ${options.augmentPadding})${options.augmentFlip ? ' and horizontal flip' : ''}` : ''}` +
        `; training seeds ${seeds.join(', ')} (initialisation, shuffling, augmentation), the same for every recipe.`,
    ],
    results: {
      caption: `(test set, %, mean ± std over ${seeds.length} seed${seeds.length === 1 ? '' : 's'})`,
      table,
      notes: [
        ...groupEceTable.slice(1),
        ...(groupEceTable.length > 0 ? [''] : []),
        single
          ? 'Top-1 and balanced accuracy coincide up to rounding because the test set is balanced. ECE: top-label expected calibration error, 15 bins.'
          : 'mAP: mean over classes of average precision (ASL convention); CP/CR/CF1 per class and OP/OR/OF1 over all labels at probability 0.5.',
      ],
    },
    reading: readingAgainstBaseline(summaries, single ? 'ce' : 'bce', {
      metric: single ? 'balancedAccuracy' : 'mAP',
      label: single ? 'balanced accuracy' : 'mAP',
      scale: 100,
      unit: 'pp',
    }),
    sections: [
      {
        heading: 'Recipes',
        lines: summaries.map((s) => `- \`${s.method}\`: ${recipe(s.method)?.description ?? ''}. Reference: ${recipe(s.method)?.reference ?? ''}.`),
      },
    ],
    charts: charts.map(([caption, file]) => ({ caption, file })),
    provenance: collectProvenance({ 'imbalanced-vision': '0.1.0' }),
  });
  const report = await out.writeMarkdown(markdown);
  return { markdown: report, metrics, charts: charts.map(([, file]) => file) };
}
