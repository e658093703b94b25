// @counterweight/summary: the main job (the four apps' comparisons) and the summary page built from their runs.
export { appBinPath } from './app-bin.js';
export { buildSummary, type BuildSummaryOptions, type SummaryFiles } from './build-summary.js';
export { domainChart, type ChartSpec } from './domain-chart.js';
export { domainReading } from './domain-reading.js';
export { domainTable } from './domain-table.js';
export { DOMAINS, selectDomains, type DomainId, type DomainSpec, type SummaryMetric } from './domains.js';
export { MainJobError } from './main-job-error.js';
export { defaultPlan, runMainJob, type MainJobOptions, type MainJobResult, type MainJobStep } from './main-job.js';
export { readComparison, type CurvePoint, type FinishedComparison, type RunCurve } from './read-comparison.js';
export { escapeHtml, renderHtml } from './render-html.js';
export { renderMarkdown } from './render-markdown.js';
export type { DomainSection, SummaryCell, SummaryChart, SummaryDocument, SummaryTable } from './summary-document.js';
