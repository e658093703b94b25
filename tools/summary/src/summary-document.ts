import type { DomainSpec } from './domains.js';

/** A table cell of the summary: plain text, a method name (code), or a number emphasised (interval excludes zero). */
export interface SummaryCell {
  readonly text: string;
  /** Shown as code (method names). */
  readonly code?: boolean;
  /** Plain text after the code, e.g. `(baseline)`. */
  readonly note?: string;
  /** Shown in bold: a paired difference whose 95 % interval excludes zero. */
  readonly strong?: boolean;
}

/** A table of the summary, rendered to markdown with the reports package's markdownTable and to HTML. */
export interface SummaryTable {
  readonly headers: readonly string[];
  readonly align: ReadonlyArray<'left' | 'right'>;
  /** One row per method of the domain, in the app's order. */
  readonly rows: ReadonlyArray<readonly SummaryCell[]>;
}

/** A PNG chart of the summary: its file name beside summary.md and its bytes (inlined into summary.html). */
export interface SummaryChart {
  readonly file: string;
  readonly caption: string;
  readonly png: Buffer;
}

/** One domain's section of the summary page. */
export interface DomainSection {
  readonly spec: DomainSpec;
  /** The app's report, relative to the summary's folder (a link). */
  readonly reportLink: string;
  /** Training seeds of the baseline's repetitions. */
  readonly seeds: readonly number[];
  /** What the table's numbers are, e.g. `mean [95 % interval] over 2 seeds; Δ = method − ce, paired by seed`. */
  readonly caption: string;
  readonly table: SummaryTable;
  /** One sentence computed from the numbers; method names in backticks. */
  readonly reading: string;
  readonly chart: SummaryChart;
}

/** The whole page: title, introduction and the domains' sections. */
export interface SummaryDocument {
  readonly title: string;
  /** Paragraphs under the title; method names and paths in backticks. */
  readonly introduction: readonly string[];
  readonly sections: readonly DomainSection[];
}
