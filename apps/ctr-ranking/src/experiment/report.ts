import {
  collectProvenance,
  readingAgainstBaseline,
  renderReport,
  summarizeRuns,
  summaryTable,
  type MethodSummary,
  type RunDirectory,
  type RunRecord,
} from '@counterweight/experiment';
import { reliabilityDiagram, scatterChart } from '@counterweight/reports';

import type { CtrData } from './prepare-data.js';
import { offPolicySection } from './off-policy-section.js';
import type { CtrRunResult } from './run-one.js';
import { BASELINE_METHOD, type CtrMethodOptions, type CtrSettings } from './settings.js';

/** Files a comparison report consists of, relative to the output directory. */
export interface ReportFiles {
  readonly markdown: string;
  readonly metrics: string;
  readonly charts: readonly string[];
}

/**
 * The metrics summarised per method over seeds, with the digits the report table prints them with. `recalibrated*`
 * are after the multiplicative recalibration fitted on the validation auctions.
 */
export const CTR_METRICS = [
  { metric: 'welfareRatio', title: 'welfare ratio', digits: 4 },
  { metric: 'revenuePerAuction', title: 'revenue / auction', digits: 4 },
  { metric: 'auc', title: 'AUC', digits: 4 },
  { metric: 'logloss', title: 'logloss', digits: 4 },
  { metric: 'normalizedEntropy', title: 'NE', digits: 3 },
  { metric: 'ece', title: 'ECE', digits: 4 },
  { metric: 'predictedOverObserved', title: 'pred/obs', digits: 3 },
  { metric: 'recalibratedLogloss', title: 'logloss recal.', digits: 4 },
  { metric: 'recalibratedEce', title: 'ECE recal.', digits: 4 },
  { metric: 'recalibratedRevenuePerAuction', title: 'revenue recal.', digits: 4 },
  { metric: 'trainSeconds', title: 'train s', digits: 1 },
] as const;

/**
 * The columns of the report's table: every metric but the recalibrated revenue, which equals the raw one (one factor
 * on every CTR of an auction leaves its second-price payment unchanged) and stays in metrics.json.
 */
const TABLE_COLUMNS = CTR_METRICS.filter((m) => m.metric !== 'recalibratedRevenuePerAuction');

/** One run's metrics by key (the {@link CTR_METRICS}). */
export function ctrRunMetrics(result: CtrRunResult): Record<(typeof CTR_METRICS)[number]['metric'], number> {
  const t = result.test;
  return {
    welfareRatio: t.welfareRatio,
    revenuePerAuction: t.revenuePerAuction,
    auc: t.auc,
    logloss: t.logloss,
    normalizedEntropy: t.normalizedEntropy,
    ece: t.ece,
    predictedOverObserved: t.predictedOverObserved,
    recalibratedLogloss: t.recalibrated.logloss,
    recalibratedEce: t.recalibrated.ece,
    recalibratedRevenuePerAuction: t.recalibrated.revenuePerAuction,
    trainSeconds: result.trainSeconds,
  };
}

/** Summaries over seeds of every method, in the order of `methods`, with paired differences against logloss. */
export function summarizeCtrRuns(runs: readonly RunRecord<CtrMethodOptions, CtrRunResult>[], methods: readonly string[]): MethodSummary[] {
  return summarizeRuns(runs, { metrics: ctrRunMetrics, methods, baseline: BASELINE_METHOD });
}

/** What {@link writeCtrReport} needs. */
export interface CtrReportInput {
  readonly settings: CtrSettings;
  readonly data: CtrData;
  readonly runs: readonly RunRecord<CtrMethodOptions, CtrRunResult>[];
  readonly summaries: readonly MethodSummary[];
  /** Training seed of each repetition. */
  readonly seeds: readonly number[];
}

async function writeCharts(out: RunDirectory, input: CtrReportInput, outcome: string): Promise<Array<{ caption: string; file: string }>> {
  const charts = [
    {
      caption: 'Auction welfare against logloss (mean ± std over seeds)',
      file: await out.writeChart(
        'tradeoff',
        scatterChart({
          title: 'Auction welfare against logloss',
          subtitle: `test auctions; mean ± std over seeds; welfare ${outcome}`,
          data: input.summaries.map((s) => ({
            method: s.method,
            logloss: s.metrics['logloss']?.mean ?? Number.NaN,
            welfare: s.metrics['welfareRatio']?.mean ?? Number.NaN,
            loglossStd: s.metrics['logloss']?.std ?? Number.NaN,
            welfareStd: s.metrics['welfareRatio']?.std ?? Number.NaN,
          })),
          x: 'logloss',
          y: 'welfare',
          series: 'method',
          label: 'method',
          xError: 'loglossStd',
          yError: 'welfareStd',
          xTitle: 'logloss of the raw model (lower = better calibrated)',
          yTitle: 'welfare ratio (higher = better auctions)',
        }),
      ),
    },
  ];
  const shown = input.runs.filter((r) => r.repetition === 0 && ['logloss', 'welfare', 'welfare-teacher', 'combined'].includes(r.options?.objective ?? ''));
  const bins = shown.flatMap((r) => r.result.test.reliability.map((b) => ({ ...b, series: r.method })));
  if (bins.length > 0) {
    const title = 'Reliability of the predicted CTR';
    const subtitle = 'test candidates, 10 equal-mass bins, first seed (raw models, before recalibration)';
    charts.push({ caption: `${title} (${subtitle})`, file: await out.writeChart('reliability', reliabilityDiagram({ title, subtitle, bins })) });
  }
  return charts;
}

/**
 * Writes `metrics.json` (settings, summaries, every run), the charts `tradeoff.png` (welfare ratio against logloss,
 * one point per method, ± std over seeds) and `reliability.png` (observed against predicted CTR of the first seed's
 * logloss, welfare and combined models), and `report.md` in the harness's report skeleton.
 */
export async function writeCtrReport(out: RunDirectory, input: CtrReportInput): Promise<ReportFiles> {
  const { settings, data, summaries } = input;
  const outcome = input.runs[0]?.result.test.welfareOutcome === 'exact' ? 'exact, true CTRs known' : 'estimated with clicks';
  const provenance = collectProvenance();
  const metrics = await out.writeMetrics({ settings, seeds: input.seeds, provenance, summaries, runs: input.runs });
  const charts = await writeCharts(out, input, outcome);
  const teacher = settings.teacher.kind === 'model' ? `a ${settings.teacher.model.kind} trained with logloss (${settings.teacher.epochs} epochs)` : `ONNX ${settings.teacher.path}`;
  const offPolicy = offPolicySection(input.runs);
  const markdown = renderReport({
    title: 'CTR models for auction welfare: comparison',
    settings: [
      `- Data: ${data.description}. Auctions: train ${data.train.auctions}, validation ${data.validation.auctions}, test ${data.test.auctions}; ${data.train.slots} candidate slots each.`,
      `- Model: ${JSON.stringify(settings.model)}; optimiser ${settings.optimizer} (lr ${settings.learningRate}), ${settings.epochs} epochs of ${settings.batchSize} auctions; welfare τ = ${settings.temperature} (mean-bid units); teacher of welfare-teacher: ${teacher} (mix ${settings.teacherMix}).`,
      `- Seeds: ${input.seeds.length} repetitions (training seeds ${input.seeds.join(', ')}, derived from the base seed ${settings.dataSeed}, which also seeds the data and splits).`,
      '',
      `Welfare ratio = Σ over auctions of b·p of the candidate with the highest predicted eCPM, over Σ max b·p (${outcome}). ` +
        'Revenue: one-slot second-price, per auction. Calibration: logloss, ECE (15 equal-mass bins) and predicted/observed ' +
        'CTR, raw and after one multiplicative factor fitted on the validation auctions (which changes no auction winner).',
    ],
    results: {
      caption: `(test auctions, mean ± std over ${input.seeds.length} seed${input.seeds.length === 1 ? '' : 's'})`,
      table: summaryTable(summaries, TABLE_COLUMNS),
    },
    reading: [
      ...readingAgainstBaseline(summaries, BASELINE_METHOD, { metric: 'welfareRatio', label: `welfare ratio (${outcome})`, scale: 100, unit: 'points', digits: 2 }),
      '',
      ...readingAgainstBaseline(summaries, BASELINE_METHOD, { metric: 'logloss', label: 'logloss of the raw model', digits: 4, higherIsBetter: false }),
      '',
      ...readingAgainstBaseline(summaries, BASELINE_METHOD, { metric: 'recalibratedLogloss', label: 'logloss after recalibration', digits: 4, higherIsBetter: false }),
    ],
    ...(offPolicy === undefined ? {} : { sections: [offPolicy] }),
    charts,
    provenance,
  });
  return { markdown: await out.writeMarkdown(markdown), metrics, charts: charts.map((c) => c.file) };
}
