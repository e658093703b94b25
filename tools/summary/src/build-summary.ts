import { join, relative, sep } from 'node:path';

import { renderChartPng } from '@counterweight/reports';
import { writeFileAtomic } from '@counterweight/runtime/base';

import { domainChart } from './domain-chart.js';
import { domainReading } from './domain-reading.js';
import { domainTable } from './domain-table.js';
import { DOMAINS, type DomainSpec } from './domains.js';
import { readComparison } from './read-comparison.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import type { DomainSection, SummaryDocument } from './summary-document.js';

/** Options of {@link buildSummary}. */
export interface BuildSummaryOptions {
  /** The runs directory: each domain's comparison is `<runsDir>/<domain.out>` (the main job's `--out`). */
  readonly runsDir: string;
  /** Where `summary.md`, `summary.html` and the charts `summary-<domain>.png` are written (created if absent). */
  readonly outDir: string;
  /** The domains on the page, in order. Default: all four ({@link DOMAINS}). */
  readonly domains?: readonly DomainSpec[];
  /** Chart pixels per CSS pixel (reports' renderChartPng). Default 2. */
  readonly chartScale?: number;
}

/** What {@link buildSummary} wrote (absolute or as given, joined with `outDir`) and the page it rendered. */
export interface SummaryFiles {
  readonly markdown: string;
  readonly html: string;
  readonly charts: readonly string[];
  readonly document: SummaryDocument;
}

/** A path relative to `from`, with forward slashes (a link in markdown and HTML). */
function link(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

/**
 * Builds the summary page from finished comparisons (it trains nothing): for each domain it reads
 * `<runsDir>/<domain.out>/metrics.json` (the app's summaries over seeds), builds the table (mean and 95 % interval of
 * the domain's metrics, paired differences from the baseline), one sentence of reading and a chart (reports'
 * groupedBarChart or lineChart, rendered by renderChartPng), and writes `summary-<domain>.png`, `summary.md` and the
 * self-contained `summary.html` into `outDir`, each atomically (a temporary file renamed). The same finished runs
 * give the same bytes: no time stamp is written.
 *
 * @throws DataFileError naming the file and key path of a comparison that is missing, unfinished or malformed — before
 *   anything is written.
 */
export async function buildSummary(options: BuildSummaryOptions): Promise<SummaryFiles> {
  const domains = options.domains ?? DOMAINS;
  const comparisons = await Promise.all(domains.map((d) => readComparison(join(options.runsDir, d.out))));
  const sections: DomainSection[] = [];
  for (const [i, spec] of domains.entries()) {
    const comparison = comparisons[i];
    if (comparison === undefined) continue;
    const { summaries } = comparison;
    const baseline = summaries.find((s) => s.method === spec.baseline) ?? summaries[0];
    const seeds = baseline?.seeds ?? [];
    const png = await renderChartPng(domainChart(spec, summaries, comparison.curves), { scale: options.chartScale ?? 2 });
    sections.push({
      spec,
      reportLink: link(options.outDir, comparison.report),
      seeds,
      caption: `Mean [95 % t-interval] over ${seeds.length} seed${seeds.length === 1 ? '' : 's'}; Δ = method − \`${spec.baseline}\` paired by seed, in bold when its interval excludes zero`,
      table: domainTable(spec, summaries),
      reading: domainReading(spec, summaries),
      chart: {
        file: `summary-${spec.id}.png`,
        caption: spec.chart === 'curves' && comparison.curves.length > 0 ? `${spec.title}: validation loss against steps` : `${spec.title}: difference from ${spec.baseline} with 95 % intervals`,
        png,
      },
    });
  }
  const document: SummaryDocument = {
    title: 'Counterweight: the plain baseline against weighted objectives, four domains',
    introduction: [
      'Each app trained its plain baseline and its weighted objectives on the same data with the same seeds (its embedded sample, the settings of `npm start`). ' +
        'Per domain: the metric that domain cares about, as mean and 95 % t-interval over the seeds, and each method’s difference from the baseline paired by seed; ' +
        'one sentence reads the numbers, and the app’s own report has everything else. With two seeds a t-interval is wide (t = 12.7): a difference whose interval excludes zero is a strong one.',
      `Built from the finished comparisons under \`${link(options.outDir, options.runsDir) || '.'}\` by \`counterweight-summary\` (\`npm start\`).`,
    ],
    sections,
  };
  const charts: string[] = [];
  for (const s of sections) {
    const file = join(options.outDir, s.chart.file);
    await writeFileAtomic(file, s.chart.png);
    charts.push(file);
  }
  const markdown = join(options.outDir, 'summary.md');
  const html = join(options.outDir, 'summary.html');
  await writeFileAtomic(markdown, renderMarkdown(document));
  await writeFileAtomic(html, renderHtml(document));
  return { markdown, html, charts, document };
}
