import { collectProvenance, readingAgainstBaseline, renderReport, summaryTable, type MethodSummary, type RunDirectory, type RunRecord } from '@counterweight/experiment';
import { formatNumber, groupedBarChart, markdownTable } from '@counterweight/reports';

import type { ShiftData } from './shift-data.js';
import { shiftHeadlineKeys } from './shift-metrics.js';
import type { ShiftRunResult } from './shift-runner.js';
import { UNWEIGHTED, type ShiftMethodOptions, type ShiftSettings } from './shift-settings.js';

/** Files of a shift report, relative to the output folder. */
export interface ShiftReportFiles {
  readonly markdown: string;
  readonly metrics: string;
  readonly charts: readonly string[];
}

/** What {@link writeShiftReport} needs. */
export interface ShiftReportInput {
  readonly settings: ShiftSettings;
  readonly seed: number;
  readonly seeds: readonly number[];
  readonly data: ShiftData;
  readonly runs: readonly RunRecord<ShiftMethodOptions, ShiftRunResult>[];
  readonly summaries: readonly MethodSummary[];
}

const ATTRIBUTION_TERMS = [
  { key: 'weather', title: 'φ(P(weather))', short: 'φ weather' },
  { key: 'pm25GivenWeather', title: 'φ(P(PM2.5 | weather))', short: 'φ PM2.5 | weather' },
  { key: 'attributed', title: 'v(all) = Σφ', short: 'v(all)' },
  { key: 'observed', title: 'observed change', short: 'observed' },
] as const;

function headlineColumns(settings: ShiftSettings): Array<{ metric: string; title: string; digits: number }> {
  const x = settings.extremes.variable;
  const titles = ['MAE', 'RMSE', 'skill vs persistence', ...settings.extremes.thresholds.map((t) => `MAE ≥ ${t}`), 'MAE top decile'];
  return shiftHeadlineKeys(x, settings.extremes.thresholds).map((metric, k) => ({ metric, title: titles[k] ?? metric, digits: metric.startsWith('skill') ? 3 : 2 }));
}

async function errorChart(out: RunDirectory, input: ShiftReportInput): Promise<{ caption: string; file: string }> {
  const columns = headlineColumns(input.settings).filter((c) => !c.metric.startsWith('skill'));
  const rows = columns.flatMap((c) =>
    input.summaries.flatMap((s) => {
      const m = s.metrics[c.metric];
      return m === undefined ? [] : [{ metric: c.title, weighting: s.method, value: m.mean, std: m.n > 1 ? m.std : 0 }];
    }),
  );
  const unit = input.data.table.units[input.settings.extremes.variable] ?? '';
  const title = `Target-domain ${input.settings.extremes.variable} error by training weighting`;
  const file = await out.writeChart('test-error', groupedBarChart({ title, subtitle: `mean ± std over ${input.seeds.length} seed(s)`, data: rows, category: 'metric', group: 'weighting', value: 'value', error: 'std', valueTitle: unit, valueFormat: '.1f' }));
  return { caption: `${title} (mean ± std over seeds)`, file };
}

async function attributionChart(out: RunDirectory, input: ShiftReportInput, none: MethodSummary): Promise<{ caption: string; file: string }> {
  const rows = ATTRIBUTION_TERMS.flatMap((t) => {
    const m = none.metrics[`attribution.${t.key}`];
    return m === undefined ? [] : [{ term: t.short, model: 'unweighted forecaster', value: m.mean, std: m.n > 1 ? m.std : 0 }];
  });
  const title = `Shift attribution of the ${input.settings.extremes.variable} MAE change, source validation → target`;
  const file = await out.writeChart('attribution', groupedBarChart({ title, subtitle: 'Shapley values of the mechanisms of weather → PM2.5; v(all) against the observed change', data: rows, category: 'term', group: 'model', value: 'value', error: 'std', valueFormat: '.2f', valueTitle: `Δ MAE (${input.data.table.units[input.settings.extremes.variable] ?? ''})`, width: 560 }));
  return { caption: title, file };
}

function stat(s: MethodSummary, key: string, digits: number): string {
  const m = s.metrics[key];
  if (m === undefined) return '';
  return m.n > 1 ? `${formatNumber(m.mean, digits)} ± ${formatNumber(m.std, digits)}` : formatNumber(m.mean, digits);
}

function attributionSection(input: ShiftReportInput, none: MethodSummary): { heading: string; lines: string[] } {
  const x = input.settings.extremes.variable;
  const unit = input.data.table.units[x] ?? '';
  const a = (key: string): string => stat(none, `attribution.${key}`, 2);
  return {
    heading: 'Shift attribution',
    lines: [
      `The unweighted forecaster's mean absolute ${x} error (mean over horizons, ${unit}) on the source validation windows against the target windows, ` +
        `each with ${x} observed at every horizon (source ${stat(none, 'attribution.sourceRows', 0)} rows, target ${stat(none, 'attribution.targetRows', 0)} rows). Graph weather → PM2.5: ` +
        'weather = the weather variables at the forecast origin, PM2.5 = the observed targets at the horizons. Exact Shapley values of the ' +
        'importance-weighted error change (Zhang et al. 2023), each density ratio from the logistic domain classifier; Σφ = v(all) by construction, ' +
        'and v(all) is the change the weights predict, to be read against the change measured on the target rows.',
      '',
      markdownTable(
        ['source MAE', 'target MAE', ...ATTRIBUTION_TERMS.map((t) => t.title), 'v(all) − observed', 'ESS of the weights'],
        [[a('sourceLoss'), a('targetLoss'), ...ATTRIBUTION_TERMS.map((t) => a(t.key)), formatNumber((none.metrics['attribution.attributed']?.mean ?? Number.NaN) - (none.metrics['attribution.observed']?.mean ?? Number.NaN), 2), stat(none, 'attribution.effectiveSampleSize', 0)]],
        { align: ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] },
      ),
    ],
  };
}

function weightsSection(input: ShiftReportInput): { heading: string; lines: string[] } {
  const n = input.data.shift.windows.train.count;
  const rows = input.summaries.map((s) => {
    const first = input.runs.find((r) => r.method === s.method);
    return [`\`${s.method}\``, stat(s, 'effectiveSampleSize', 0), formatNumber((100 * (s.metrics['effectiveSampleSize']?.mean ?? Number.NaN)) / n, 1), stat(s, 'maxWeight', 2), stat(s, 'weightSeconds', 1), first?.result.weightNote ?? ''];
  });
  return {
    heading: 'Importance weights',
    lines: [
      `Weights of the ${n} training windows (mean 1), fitted on the covariate summary of each window (${input.data.trainSummary.columns.join(', ')} at the forecast origin, normalised) ` +
        `against the ${input.data.testSummary.matrix.rows} unlabeled target inputs: covariate shift, no target label is used. The weights depend on --seed only, not on the repetition. ` +
        'They enter training as a per-window factor on the target mask of the mae objective: the loss is the self-normalised weighted masked MAE.',
      '',
      markdownTable(['weighting', 'effective sample size', '% of windows', 'largest weight', 'seconds', 'how'], rows, { align: ['left', 'right', 'right', 'right', 'right', 'left'] }),
    ],
  };
}

function inDomainSection(input: ShiftReportInput): { heading: string; lines: string[] } | undefined {
  const x = input.settings.extremes.variable;
  if (!input.summaries.some((s) => s.metrics[`inDomain.mae.${x}`] !== undefined)) return undefined;
  const d = input.data.shift.domains;
  const rows = input.summaries.map((s) => [`\`${s.method}\``, stat(s, `inDomain.mae.${x}`, 2), stat(s, `mae.${x}`, 2), stat(s, `inDomain.rmse.${x}`, 2), stat(s, `rmse.${x}`, 2)]);
  return {
    heading: 'In-domain reference',
    lines: [
      `The same forecasters on the training stations (${d.trainStations.join(', ')}) over the test period ${d.periods.test.start} – ${d.periods.test.end}, against the test stations (${d.testStations.join(', ')}) over the same period.`,
      '',
      markdownTable(['weighting', `MAE ${x} train stations`, `MAE ${x} test stations`, `RMSE ${x} train stations`, `RMSE ${x} test stations`], rows, { align: ['left', 'right', 'right', 'right', 'right'] }),
    ],
  };
}

/** Writes `metrics.json` (settings, domains, summaries, every run), the two charts and `report.md`. */
export async function writeShiftReport(out: RunDirectory, input: ShiftReportInput): Promise<ShiftReportFiles> {
  const { settings, data, summaries } = input;
  const w = data.shift.windows;
  const d = data.shift.domains;
  const x = settings.extremes.variable;
  const unit = data.table.units[x] ?? '';
  const provenance = collectProvenance();
  const metrics = await out.writeMetrics({ settings, seed: input.seed, seeds: input.seeds, domains: d, windows: { train: w.train.count, validation: w.validation.count, test: w.test.count, inDomainTest: data.shift.sourceTest?.count ?? 0 }, provenance, summaries, runs: input.runs });
  const none = summaries.find((s) => s.method === UNWEIGHTED);
  const charts = [await errorChart(out, input), ...(none === undefined ? [] : [await attributionChart(out, input, none)])];
  const columns = [...headlineColumns(settings), { metric: 'effectiveSampleSize', title: 'ESS', digits: 0 }, { metric: 'trainSeconds', title: 'train s', digits: 1 }];
  const reading = [
    ...readingAgainstBaseline(summaries, UNWEIGHTED, { metric: `mae.${x}`, label: `target-domain MAE of ${x} (${unit})`, digits: 2, higherIsBetter: false }),
    '',
    ...settings.extremes.thresholds.flatMap((t) => [...readingAgainstBaseline(summaries, UNWEIGHTED, { metric: `extremeMae${t}.${x}`, label: `MAE of ${x} on targets ≥ ${t} ${unit}`, digits: 2, higherIsBetter: false }), '']),
  ];
  const inDomain = inDomainSection(input);
  const markdown = renderReport({
    title: `Air-pollution forecasts under shift: ${d.kind === 'stations' ? 'stations' : 'years'}`,
    settings: [
      `- Data: ${data.table.sources.join(', ')}; ${data.table.frequency} grid; weather ${data.table.weather.join(', ')}.`,
      `- Source domain: ${d.trainStations.join(', ')}; training windows ${w.train.count} (${d.periods.train.start} – ${d.periods.train.end}), validation ${w.validation.count} (${d.periods.validation.start} – ${d.periods.validation.end}).`,
      `- Target domain: ${d.testStations.join(', ')}; test windows ${w.test.count} (${d.periods.test.start} – ${d.periods.test.end}). Test-only stations contribute nothing before their test inputs (not to the scaling either).`,
      `- Windows: ${w.history} steps of history → horizons ${w.horizons.join(', ')}; stride ${settings.windows.stride}; ${w.features.length} input features per step, normalised with source training statistics.`,
      `- Model: ${JSON.stringify(settings.model)}, the app's mae objective; Adam (lr ${settings.training.learningRate}), at most ${settings.training.epochs} epochs of ${settings.training.batchSize} windows, early stopping on the unweighted source validation MAE (patience ${settings.training.patience}).`,
      `- Seeds: ${input.seeds.length} repetitions (training seeds ${input.seeds.join(', ')}, derived from --seed ${input.seed}).`,
    ],
    results: { caption: `(target-domain test windows, ${x} in ${unit}, means over horizons; mean ± std over ${input.seeds.length} seed${input.seeds.length === 1 ? '' : 's'})`, table: summaryTable(summaries, columns) },
    reading,
    sections: [weightsSection(input), ...(none === undefined ? [] : [attributionSection(input, none)]), ...(inDomain === undefined ? [] : [inDomain])],
    charts,
    provenance,
  });
  return { markdown: await out.writeMarkdown(markdown), metrics, charts: charts.map((c) => c.file) };
}
