import type { RunDirectory, RunRecord } from '@counterweight/experiment';
import { groupedBarChart, lineChart } from '@counterweight/reports';

import type { AirData } from './prepare-data.js';
import { isForecastRun } from './report-metrics.js';
import type { AirRunResult, ForecastRunResult } from './run-one.js';
import type { AirMethodOptions, AirSettings } from './settings.js';

type Runs = readonly RunRecord<AirMethodOptions, AirRunResult>[];

/** The methods drawn in the busier charts, when present (the baseline first, then the extreme-aware objectives). */
const EPISODE_METHODS = ['persistence', 'mae', 'fmae', 'balanced-mse', 'car', 'quantile'];

function firstSeedForecasts(runs: Runs): Array<RunRecord<AirMethodOptions, ForecastRunResult>> {
  return runs.filter(isForecastRun).filter((r) => r.repetition === 0);
}

/** Forecast against observed through the test period's worst episode (first seed, longest horizon). */
async function episodeChart(out: RunDirectory, data: AirData, runs: Runs): Promise<{ caption: string; file: string } | undefined> {
  const episode = data.episode;
  if (episode === undefined) return undefined;
  const stepHours = data.table.frequency === 'hourly' ? 1 : 24;
  const peak = episode.times[episode.observed.indexOf(Math.max(...episode.observed.map((v) => v ?? -Infinity)))] ?? 0;
  const at = (k: number): number => Math.round(((episode.times[k] ?? 0) - peak) / 3_600_000);
  const rows: Array<{ hours: number; series: string; value: number | null }> = episode.observed.map((value, k) => ({ hours: at(k), series: 'observed', value }));
  for (const run of firstSeedForecasts(runs)) {
    if (!EPISODE_METHODS.includes(run.method) || run.result.episode === null) continue;
    const e = run.result.episode;
    e.forecast.forEach((value, k) => rows.push({ hours: at(k), series: run.method, value }));
    if (e.upper !== undefined) e.upper.forEach((value, k) => rows.push({ hours: at(k), series: `${run.method} P90`, value }));
  }
  const horizon = data.windows.horizons[episode.horizonIndex] ?? 1;
  const title = `Worst ${episode.variable} episode of the test period: ${episode.station}`;
  const subtitle = `forecast ${horizon * stepHours} h ahead against observed, first seed; x = hours from the peak`;
  const file = await out.writeChart(
    'episode',
    lineChart({ title, subtitle, data: rows, x: 'hours', y: 'value', series: 'series', xTitle: 'hours from the peak', yTitle: `${episode.variable} (${data.table.units[episode.variable] ?? 'units'})`, points: false, width: 720 }),
  );
  return { caption: `${title} (${subtitle})`, file };
}

/** MAE of the extremes variable by decile of the observed value (training decile edges), longest horizon, mean over seeds. */
async function decileChart(out: RunDirectory, settings: AirSettings, runs: Runs): Promise<{ caption: string; file: string } | undefined> {
  const sums = new Map<string, { sum: number[]; n: number[] }>();
  for (const run of runs.filter(isForecastRun)) {
    const last = run.result.test.extremes.horizons.at(-1);
    if (last === undefined) continue;
    const entry = sums.get(run.method) ?? { sum: new Array<number>(last.byDecile.length).fill(0), n: new Array<number>(last.byDecile.length).fill(0) };
    last.byDecile.forEach((d, k) => {
      if (d.mae !== null) {
        entry.sum[k] = (entry.sum[k] ?? 0) + d.mae;
        entry.n[k] = (entry.n[k] ?? 0) + 1;
      }
    });
    sums.set(run.method, entry);
  }
  const rows = [...sums].flatMap(([method, e]) => e.sum.map((s, k) => ({ decile: k + 1, method, mae: (e.n[k] ?? 0) > 0 ? s / (e.n[k] ?? 1) : null })));
  if (rows.length === 0) return undefined;
  const variable = settings.extremes.variable;
  const title = `${variable} error by decile of the observed value`;
  const subtitle = 'test windows, longest horizon, deciles of the training targets; mean over seeds';
  const file = await out.writeChart('error-by-decile', lineChart({ title, subtitle, data: rows, x: 'decile', y: 'mae', series: 'method', xTitle: 'decile of the observed value (10 = highest)', yTitle: `MAE of ${variable}`, width: 640 }));
  return { caption: `${title} (${subtitle})`, file };
}

/** Per-station MAE of the extremes variable for the baseline methods and the chart's objectives (mean ± std over seeds). */
async function stationChart(out: RunDirectory, settings: AirSettings, runs: Runs): Promise<{ caption: string; file: string } | undefined> {
  const variable = settings.extremes.variable;
  const values = new Map<string, number[]>();
  for (const run of runs.filter(isForecastRun)) {
    if (!EPISODE_METHODS.includes(run.method)) continue;
    for (const s of run.result.test.stations) {
      if (s.target !== variable || s.overall.mae === null) continue;
      const key = `${s.station}\u0000${run.method}`;
      values.set(key, [...(values.get(key) ?? []), s.overall.mae]);
    }
  }
  const rows = [...values].map(([key, v]) => {
    const [station = '', method = ''] = key.split('\u0000');
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
    return { station, method, mae: mean, std };
  });
  if (rows.length === 0) return undefined;
  const title = `${variable} MAE per station`;
  const subtitle = 'test windows, all horizons; mean ± std over seeds';
  const file = await out.writeChart('stations', groupedBarChart({ title, subtitle, data: rows, category: 'station', group: 'method', value: 'mae', error: 'std', valueTitle: `MAE of ${variable}`, labels: false, width: 720 }));
  return { caption: `${title} (${subtitle})`, file };
}

/** The weight each head got after every epoch, for the task-weighted objectives (first seed). */
async function taskWeightChart(out: RunDirectory, runs: Runs): Promise<{ caption: string; file: string } | undefined> {
  const rows = firstSeedForecasts(runs).flatMap((run) =>
    run.result.taskWeights.flatMap((w) => Object.entries(w.weights).map(([head, weight]) => ({ epoch: w.epoch, series: `${run.method}: ${head}`, weight }))),
  );
  if (rows.length === 0) return undefined;
  const title = 'Multi-task weights over training';
  const subtitle = 'weight of each head after every epoch, first seed (uncertainty: the factor of the head MAE; IGB: the factor of its log)';
  const file = await out.writeChart('task-weights', lineChart({ title, subtitle, data: rows, x: 'epoch', y: 'weight', series: 'series', xTitle: 'epoch', yTitle: 'weight' }));
  return { caption: `${title} (${subtitle})`, file };
}

/** Every chart of the report that has data, with its caption. */
export async function writeAirCharts(out: RunDirectory, settings: AirSettings, data: AirData, runs: Runs): Promise<Array<{ caption: string; file: string }>> {
  const charts = [await episodeChart(out, data, runs), await decileChart(out, settings, runs), await stationChart(out, settings, runs), await taskWeightChart(out, runs)];
  return charts.filter((c): c is { caption: string; file: string } => c !== undefined);
}
