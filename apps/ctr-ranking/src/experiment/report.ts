import { formatNumber, markdownTable, meanAndStd, reliabilityDiagram, scatterChart } from '@counterweight/reports';
import type { RunDirectory } from '@counterweight/runtime';

import type { CtrEvaluation } from './evaluate.js';
import type { RunResult } from './run-one.js';

/** Files a comparison report consists of, relative to the output directory. */
export interface ReportFiles {
  readonly markdown: string;
  readonly metrics: string;
  readonly charts: readonly string[];
}

/** Mean and standard deviation over seeds, with the values. */
export interface Spread {
  readonly mean: number;
  readonly std: number;
  readonly values: readonly number[];
}

/** The metrics summarised per objective (mean ± std over seeds). */
export const SUMMARY_METRICS = [
  'welfareRatio',
  'revenuePerAuction',
  'auc',
  'logloss',
  'normalizedEntropy',
  'ece',
  'predictedOverObserved',
  'recalibratedLogloss',
  'recalibratedEce',
  'recalibratedRevenuePerAuction',
  'trainSeconds',
] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

/** One objective (one λ for `combined`) over its seeds. */
export interface ObjectiveSummary {
  readonly label: string;
  readonly objective: string;
  readonly lambda?: number;
  readonly seeds: number;
  readonly metrics: Readonly<Record<SummaryMetric, Spread>>;
}

function label(run: RunResult): string {
  return run.spec.objective === 'combined' ? `combined λ=${run.spec.settings.lambda}` : run.spec.objective;
}

function metricOf(run: RunResult, metric: SummaryMetric): number {
  const t: CtrEvaluation = run.test;
  switch (metric) {
    case 'recalibratedLogloss':
      return t.recalibrated.logloss;
    case 'recalibratedEce':
      return t.recalibrated.ece;
    case 'recalibratedRevenuePerAuction':
      return t.recalibrated.revenuePerAuction;
    case 'trainSeconds':
      return run.trainSeconds;
    default:
      return t[metric];
  }
}

function spread(values: readonly number[]): Spread {
  const { mean, std } = meanAndStd(values);
  return { mean, std, values };
}

/** Groups runs by objective label (first-appearance order) and summarises every metric over seeds. */
export function summarizeRuns(runs: readonly RunResult[]): ObjectiveSummary[] {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) groups.set(label(run), [...(groups.get(label(run)) ?? []), run]);
  return [...groups.entries()].map(([name, group]) => {
    const first = group[0] as RunResult;
    return {
      label: name,
      objective: first.spec.objective,
      ...(first.spec.objective === 'combined' ? { lambda: first.spec.settings.lambda } : {}),
      seeds: group.length,
      metrics: Object.fromEntries(SUMMARY_METRICS.map((m) => [m, spread(group.map((r) => metricOf(r, m)))])) as Record<SummaryMetric, Spread>,
    };
  });
}

function cell(s: Spread, digits: number): string {
  return s.values.length > 1 ? `${formatNumber(s.mean, digits)} ± ${formatNumber(s.std, digits)}` : formatNumber(s.mean, digits);
}

function offPolicySection(runs: readonly RunResult[]): string[] {
  const withLogs = runs.filter((r) => r.offPolicy !== undefined);
  if (withLogs.length === 0) return [];
  const groups = new Map<string, RunResult[]>();
  for (const run of withLogs) groups.set(label(run), [...(groups.get(label(run)) ?? []), run]);
  const interval = (e: { estimate: number; ci95: readonly [number, number] }, scale: number, digits: number): string =>
    `${formatNumber(scale * e.estimate, digits)} [${formatNumber(scale * e.ci95[0], digits)}, ${formatNumber(scale * e.ci95[1], digits)}]`;
  const logged = withLogs[0]?.offPolicy?.logged;
  const rows = [...groups.entries()].flatMap(([name, group]) =>
    group.map((r, i) => {
      const o = r.offPolicy as NonNullable<RunResult['offPolicy']>;
      return [
        i === 0 ? name : '',
        i,
        o.matched,
        interval(o.ips.clickRate, 100, 3),
        interval(o.ips.welfare, 100, 3),
        interval(o.snips.welfare, 100, 3),
      ];
    }),
  );
  return [
    '',
    '## Off-policy estimates on the logged test impressions',
    '',
    'The logging policy chose items uniformly at random, so inverse-propensity scoring (IPS) of the allocation "show the ' +
      'item with the highest value × predicted CTR" is unbiased. Per 100 impressions, with 95 % normal-approximation ' +
      `intervals; ${withLogs[0]?.offPolicy?.rows ?? 0} impressions, of which only those where the model picks the logged item count ("matched").`,
    '',
    markdownTable(['objective', 'seed', 'matched', 'IPS clicks / 100', 'IPS welfare / 100', 'SNIPS welfare / 100'], rows, {
      align: ['left', 'right', 'right', 'right', 'right', 'right'],
    }),
    '',
    logged === undefined
      ? ''
      : `Uniform logging policy itself: clicks / 100 ${interval(logged.clickRate, 100, 3)}, welfare / 100 ${interval(logged.welfare, 100, 3)}.`,
  ];
}

function reading(summaries: readonly ObjectiveSummary[], outcome: string): string[] {
  const base = summaries.find((s) => s.objective === 'logloss');
  if (base === undefined) return [];
  const lines: string[] = [];
  for (const s of summaries) {
    if (s === base) continue;
    const dWelfare = s.metrics.welfareRatio.mean - base.metrics.welfareRatio.mean;
    const dLogloss = s.metrics.logloss.mean - base.metrics.logloss.mean;
    const dRecal = s.metrics.recalibratedLogloss.mean - base.metrics.recalibratedLogloss.mean;
    lines.push(
      `- ${s.label}: welfare ratio ${dWelfare >= 0 ? '+' : ''}${formatNumber(100 * dWelfare, 2)} points over logloss ` +
        `(${outcome}); logloss ${dLogloss >= 0 ? '+' : ''}${formatNumber(dLogloss, 4)} raw, ${dRecal >= 0 ? '+' : ''}${formatNumber(dRecal, 4)} after recalibration.`,
    );
  }
  return lines;
}

/** What {@link writeCompareReport} needs. */
export interface CompareReportInput {
  readonly config: Readonly<Record<string, unknown>>;
  readonly runs: readonly RunResult[];
  readonly backend: string;
}

/**
 * Writes `metrics.json` (config, every run, summaries), `report.md` and the charts `tradeoff.png` (welfare ratio
 * against logloss, one point per objective and λ, ± std over seeds) and `reliability.png` (observed against predicted
 * CTR of the first seed's logloss, welfare and combined models) to `out`.
 */
export async function writeCompareReport(out: RunDirectory, input: CompareReportInput): Promise<ReportFiles> {
  const summaries = summarizeRuns(input.runs);
  const first = input.runs[0];
  const outcome = first?.test.welfareOutcome === 'exact' ? 'exact, true CTRs known' : 'estimated with clicks';
  const metrics = await out.writeMetrics({ backend: input.backend, config: input.config, summaries, runs: input.runs });
  const charts: string[] = [];
  charts.push(
    await out.writeChart(
      'tradeoff',
      scatterChart({
        title: 'Auction welfare against logloss',
        subtitle: `test auctions; mean ± std over seeds; welfare ${outcome}`,
        data: summaries.map((s) => ({
          objective: s.objective,
          label: s.lambda === undefined ? s.label : `λ=${s.lambda}`,
          logloss: s.metrics.logloss.mean,
          welfare: s.metrics.welfareRatio.mean,
          loglossStd: s.metrics.logloss.std,
          welfareStd: s.metrics.welfareRatio.std,
        })),
        x: 'logloss',
        y: 'welfare',
        series: 'objective',
        label: 'label',
        xError: 'loglossStd',
        yError: 'welfareStd',
        xTitle: 'logloss of the raw model (lower = better calibrated)',
        yTitle: 'welfare ratio (higher = better auctions)',
      }),
    ),
  );
  const shown = input.runs.filter(
    (r) => r.spec.seed === first?.spec.seed && ['logloss', 'welfare', 'welfare-teacher', 'combined'].includes(r.spec.objective),
  );
  const bins = shown.flatMap((r) => r.test.reliability.map((b) => ({ ...b, series: label(r) })));
  if (bins.length > 0) {
    charts.push(
      await out.writeChart(
        'reliability',
        reliabilityDiagram({
          title: 'Reliability of the predicted CTR',
          subtitle: 'test candidates, 10 equal-mass bins, first seed (raw models, before recalibration)',
          bins,
        }),
      ),
    );
  }
  const config = input.config;
  const lines = [
    '# CTR models for auction welfare: comparison',
    '',
    `Data: ${typeof config['description'] === 'string' ? config['description'] : ''}. Auctions: ${JSON.stringify(config['auctions'])}, ${String(config['slots'])} candidate slots each.`,
    `Model: ${JSON.stringify(config['model'])}; optimiser ${String(config['optimizer'])} (lr ${String(config['learningRate'])}), ` +
      `${String(config['epochs'])} epochs of ${String(config['batchSize'])} auctions; welfare τ = ${String(config['temperature'])} (mean-bid units); ` +
      `seeds: ${String(config['seeds'])} (base seed ${String(config['seed'])}); backend ${input.backend}.`,
    '',
    `Welfare ratio = Σ over auctions of b·p of the candidate with the highest predicted eCPM, over Σ max b·p (${outcome}). ` +
      'Revenue: one-slot second-price, per auction. Calibration: logloss, ECE (15 equal-mass bins) and predicted/observed ' +
      'CTR, raw and after one multiplicative factor fitted on the validation auctions (which changes no auction winner).',
    '',
    markdownTable(
      ['objective', 'welfare ratio', 'revenue / auction', 'AUC', 'logloss', 'NE', 'ECE', 'pred/obs', 'logloss recal.', 'ECE recal.', 'train s'],
      summaries.map((s) => [
        s.label,
        cell(s.metrics.welfareRatio, 4),
        cell(s.metrics.revenuePerAuction, 4),
        cell(s.metrics.auc, 4),
        cell(s.metrics.logloss, 4),
        cell(s.metrics.normalizedEntropy, 3),
        cell(s.metrics.ece, 4),
        cell(s.metrics.predictedOverObserved, 3),
        cell(s.metrics.recalibratedLogloss, 4),
        cell(s.metrics.recalibratedEce, 4),
        formatNumber(s.metrics.trainSeconds.mean, 1),
      ]),
      { align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] },
    ),
    '',
    ...reading(summaries, outcome),
    ...offPolicySection(input.runs),
    '',
    '![welfare against logloss](tradeoff.png)',
    ...(charts.length > 1 ? ['', '![reliability](reliability.png)'] : []),
  ];
  const markdown = await out.writeMarkdown(lines.join('\n'));
  return { markdown, metrics, charts };
}
