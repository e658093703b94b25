import { collectProvenance, readingAgainstBaseline, renderReport, summaryTable, type MethodSummary, type RunDirectory, type RunRecord } from '@counterweight/experiment';
import { formatNumber } from '@counterweight/reports';

import { ordinalSection } from './ordinal-section.js';
import type { AirData } from './prepare-data.js';
import { writeAirCharts } from './report-charts.js';
import { headlineColumns, isForecastRun } from './report-metrics.js';
import type { AirRunResult } from './run-one.js';
import { BASELINE_METHOD, type AirMethodOptions, type AirSettings } from './settings.js';

export { headlineColumns, summarizeAirRuns, type HeadlineColumn } from './report-metrics.js';

/** Files a comparison report consists of, relative to the output directory. */
export interface ReportFiles {
  readonly markdown: string;
  readonly metrics: string;
  readonly charts: readonly string[];
}

/** What {@link writeAirReport} needs. */
export interface AirReportInput {
  readonly settings: AirSettings;
  readonly seed: number;
  readonly data: AirData;
  readonly runs: readonly RunRecord<AirMethodOptions, AirRunResult>[];
  readonly summaries: readonly MethodSummary[];
  readonly seeds: readonly number[];
}

const percent = (part: number, whole: number): string => `${formatNumber(whole === 0 ? 0 : (100 * part) / whole, 1)} %`;

/** Missing share of every variable over all stations, before and after interpolation. */
function missingSection(data: AirData): { heading: string; lines: string[] } {
  const variables = [...new Set(data.table.missing.map((m) => m.variable))];
  const rows = variables.map((variable) => {
    const own = data.table.missing.filter((m) => m.variable === variable);
    const steps = own.reduce((s, m) => s + m.steps, 0);
    const before = own.reduce((s, m) => s + m.missingBefore, 0);
    const after = own.reduce((s, m) => s + m.missingAfter, 0);
    const worst = own.reduce((w, m) => (m.missingBefore / Math.max(m.steps, 1) > w.missingBefore / Math.max(w.steps, 1) ? m : w), own[0] ?? { station: '', missingBefore: 0, steps: 1 });
    return `| ${variable} | ${percent(before, steps)} | ${percent(after, steps)} | ${worst.station} (${percent(worst.missingBefore, worst.steps)}) |`;
  });
  return {
    heading: 'Missing data',
    lines: ['Share of grid steps without a value, over all stations; missing targets are masked out of losses and metrics.', '', '| variable | missing | after interpolation | worst station |', '| --- | ---: | ---: | --- |', ...rows],
  };
}

/** MAE of every pollutant at every horizon (mean ± std over seeds). */
function pollutantSection(input: AirReportInput): { heading: string; lines: string[] } {
  const w = input.data.windows;
  const columns = w.pollutantTargets.flatMap((p) => w.horizons.map((h) => ({ metric: `mae.${p}.h${h}`, title: `${p} +${h}`, digits: 2 })));
  return {
    heading: 'MAE by pollutant and horizon',
    lines: [`Test windows, original units, mean ± std over seeds; horizons in ${input.data.table.frequency === 'hourly' ? 'hours' : 'days'}.`, '', summaryTable(input.summaries, columns)],
  };
}

/**
 * Writes `metrics.json` (settings, summaries, every run), the charts and `report.md`: settings, the summary table,
 * paired differences against MAE on the overall and extreme-event errors, MAE by pollutant and horizon, missing data,
 * the ordinal AQI forecasts, charts and provenance.
 */
export async function writeAirReport(out: RunDirectory, input: AirReportInput): Promise<ReportFiles> {
  const { settings, data, summaries } = input;
  const w = data.windows;
  const x = settings.extremes.variable;
  const provenance = collectProvenance();
  const metrics = await out.writeMetrics({ settings, seed: input.seed, seeds: input.seeds, data: { table: data.table, periods: w.periods }, provenance, summaries, runs: input.runs });
  const charts = await writeAirCharts(out, settings, data, input.runs);
  const columns = headlineColumns(settings).filter((c) => summaries.some((s) => s.metrics[c.metric] !== undefined));
  const unit = data.table.units[x] ?? '';
  const first = settings.extremes.thresholds[0];
  const reading = [
    ...readingAgainstBaseline(summaries, BASELINE_METHOD, { metric: `mae.${x}`, label: `MAE of ${x} (${unit})`, digits: 2, higherIsBetter: false }),
    '',
    ...settings.extremes.thresholds.flatMap((t) => [
      ...readingAgainstBaseline(summaries, BASELINE_METHOD, { metric: `extremeMae${t}.${x}`, label: `MAE of ${x} on targets ≥ ${t} ${unit}`, digits: 2, higherIsBetter: false }),
      '',
    ]),
    ...readingAgainstBaseline(summaries, BASELINE_METHOD, { metric: `topDecileMae.${x}`, label: `MAE of ${x} on the top decile`, digits: 2, higherIsBetter: false }),
    ...(first === undefined ? [] : ['', ...readingAgainstBaseline(summaries, BASELINE_METHOD, { metric: `csi${first}`, label: `CSI of exceeding ${first} ${unit}`, digits: 3 })]),
  ];
  const ordinal = ordinalSection(input.runs);
  const forecastRuns = input.runs.filter(isForecastRun);
  const epochs = forecastRuns.filter((r) => r.result.history.length > 0).map((r) => r.result.bestEpoch);
  const markdown = renderReport({
    title: 'Air-pollution forecasts: objectives against MAE on the extremes',
    settings: [
      `- Data: ${data.table.sources.join(', ')}; ${data.table.stations.length} stations (${data.table.stations.join(', ')}), ${data.table.frequency} grid of ${data.table.steps} steps; pollutants ${data.table.pollutants.join(', ')}; weather ${data.table.weather.length === 0 ? 'none (pollutant-only table: no weather head)' : data.table.weather.join(', ')}.`,
      `- Windows: ${w.history} steps of history → horizons ${w.horizons.join(', ')}; stride ${settings.windows.stride}; train ${w.train.count} (${w.periods.train.start} – ${w.periods.train.end}), validation ${w.validation.count} (${w.periods.validation.start} – ${w.periods.validation.end}), test ${w.test.count} (${w.periods.test.start} – ${w.periods.test.end}); ${w.features.length} input features per step, normalised with training statistics.`,
      `- Model: ${JSON.stringify(settings.model)}, weather and pollutant heads; Adam (lr ${settings.training.learningRate}), at most ${settings.training.epochs} epochs of ${settings.training.batchSize} windows, early stopping on the validation loss (patience ${settings.training.patience}, best epoch kept${epochs.length > 0 ? `: epochs ${Math.min(...epochs)}–${Math.max(...epochs)}` : ''}).`,
      `- Seeds: ${input.seeds.length} repetitions (training seeds ${input.seeds.join(', ')}, derived from --seed ${input.seed}); the data and splits do not depend on the seed.`,
      '',
      `Extremes: ${x} targets ≥ ${settings.extremes.thresholds.join(' and ')} ${unit}, and ≥ the training 90th percentile (${formatNumber(data.deciles.topDecileThreshold, 1)} ${unit}). ` +
        'CSI = hits / (hits + misses + false alarms) of forecasting an exceedance. Skill = 1 − MSE / MSE of persistence. Quantile intervals are split-conformal calibrated on the validation windows.',
    ],
    results: { caption: `(test windows, ${x}, means over horizons; mean ± std over ${input.seeds.length} seed${input.seeds.length === 1 ? '' : 's'})`, table: summaryTable(summaries, columns) },
    reading,
    sections: [pollutantSection(input), ...(ordinal === undefined ? [] : [ordinal]), missingSection(data)],
    charts,
    provenance,
  });
  return { markdown: await out.writeMarkdown(markdown), metrics, charts: charts.map((c) => c.file) };
}
