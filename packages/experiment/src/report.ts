import { formatNumber, markdownTable } from '@counterweight/reports';

import { scrubPaths, type Provenance } from './provenance.js';
import type { MethodSummary, SeedStatistics } from './summary.js';

/** A report's parts, in the order every app's report.md has them. */
export interface ReportSkeleton {
  /** The `# ` heading. */
  readonly title: string;
  /** `## Settings`: data, model, training, seeds (markdown lines). */
  readonly settings: readonly string[];
  /** `## Results`: the heading's text after `Results` (e.g. `(test set, %, mean ± std over 3 seeds)`) and the table. */
  readonly results: { readonly caption: string; readonly table: string; readonly notes?: readonly string[] };
  /** `## Against the baseline`: e.g. from {@link readingAgainstBaseline}. */
  readonly reading: readonly string[];
  /** The app's own sections, after the reading (e.g. methods and their references). */
  readonly sections?: ReadonlyArray<{ readonly heading: string; readonly lines: readonly string[] }>;
  /** `## Charts`: files relative to the report. */
  readonly charts: ReadonlyArray<{ readonly caption: string; readonly file: string }>;
  readonly provenance: Provenance;
}

/**
 * The markdown of a report: title, settings, results table, reading against the baseline, the app's sections,
 * charts, provenance (backend, versions, machine). Absolute paths of this machine are replaced (see scrubPaths).
 */
export function renderReport(report: ReportSkeleton): string {
  const lines = [
    `# ${report.title}`,
    '',
    '## Settings',
    '',
    ...report.settings,
    '',
    `## Results ${report.results.caption}`.trimEnd(),
    '',
    report.results.table,
    ...(report.results.notes === undefined || report.results.notes.length === 0 ? [] : ['', ...report.results.notes]),
    '',
    '## Against the baseline',
    '',
    ...report.reading,
    '',
    ...(report.sections ?? []).flatMap((s) => [`## ${s.heading}`, '', ...s.lines, '']),
    '## Charts',
    '',
    ...report.charts.flatMap((c) => [`${c.caption}:`, '', `![${c.caption}](${c.file})`, '']),
    '## Provenance',
    '',
    `- Backend: ${report.provenance.backend}`,
    `- Versions: ${Object.entries(report.provenance.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- Machine: ${report.provenance.machine}`,
    '',
  ];
  return scrubPaths(lines.join('\n'));
}

/** Options of {@link readingAgainstBaseline}. */
export interface ReadingOptions {
  /** The metric key in the summaries. */
  readonly metric: string;
  /** How the metric is called in prose, e.g. `balanced accuracy`. */
  readonly label: string;
  /** Multiply values by this before printing (100 for percentages). Default 1. */
  readonly scale?: number;
  /** Unit after a difference, e.g. `pp` (percentage points). Default none. */
  readonly unit?: string;
  /** Decimals. Default 1. */
  readonly digits?: number;
  /** Whether larger is better (ECE, log loss: false). Default true. */
  readonly higherIsBetter?: boolean;
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? '+' : '−'}${formatNumber(Math.abs(value), digits)}`;
}

/**
 * One line per method that has a paired difference against the baseline: the mean difference and its 95 % t-interval
 * over the paired repetitions, and whether the interval lies above zero, below it, or contains it. A reader sees at
 * once which differences the seeds support.
 */
export function readingAgainstBaseline(summaries: readonly MethodSummary[], baseline: string, options: ReadingOptions): string[] {
  const scale = options.scale ?? 1;
  const digits = options.digits ?? 1;
  const unit = options.unit === undefined ? '' : ` ${options.unit}`;
  const better = options.higherIsBetter ?? true;
  const rows = summaries.flatMap((s) => {
    const d: SeedStatistics | undefined = s.againstBaseline?.[options.metric];
    if (d === undefined) return [];
    const mean = `${signed(scale * d.mean, digits)}${unit}`;
    if (d.interval95 === null) return [`- \`${s.method}\`: ${mean} (one seed: no interval).`];
    const lower = scale * d.interval95.lower;
    const upper = scale * d.interval95.upper;
    const verdict =
      lower > 0 ? (better ? 'better than' : 'worse than') : upper < 0 ? (better ? 'worse than' : 'better than') : 'not distinguishable from';
    return [`- \`${s.method}\`: ${mean} (95 % interval ${signed(lower, digits)} to ${signed(upper, digits)}, ${d.n} paired seeds): ${verdict} \`${baseline}\`.`];
  });
  if (rows.length === 0) return [`No method to compare with \`${baseline}\` (it is absent or the only method).`];
  return [`Difference in ${options.label} against \`${baseline}\`, method minus baseline, paired by seed:`, '', ...rows];
}

/** A summaries table: one row per method, one column per metric as `mean ± std` (scaled), with a header per metric. */
export function summaryTable(
  summaries: readonly MethodSummary[],
  columns: ReadonlyArray<{ readonly metric: string; readonly title: string; readonly scale?: number; readonly digits?: number }>,
): string {
  const cell = (s: SeedStatistics | undefined, scale: number, digits: number): string =>
    s === undefined ? '' : s.n > 1 ? `${formatNumber(scale * s.mean, digits)} ± ${formatNumber(scale * s.std, digits)}` : formatNumber(scale * s.mean, digits);
  return markdownTable(
    ['method', ...columns.map((c) => c.title)],
    summaries.map((s) => [`\`${s.method}\``, ...columns.map((c) => cell(s.metrics[c.metric], c.scale ?? 1, c.digits ?? 3))]),
    { align: ['left', ...columns.map(() => 'right' as const)] },
  );
}
