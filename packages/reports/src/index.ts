export { ReportError, type ReportLocation } from './report-error.js';
export { ReportOptionError } from './report-option-error.js';
export { renderChartPng, type RenderChartOptions } from './render-chart.js';
export { CHART_CONFIG, CHART_FONT, type ChartFrameOptions, type FieldOf } from './chart-frame.js';
export { lineChart, type LineChartOptions } from './line-chart.js';
export { scatterChart, type ScatterChartOptions } from './scatter-chart.js';
export { groupedBarChart, type GroupedBarChartOptions } from './grouped-bar-chart.js';
export { heatmap, type HeatmapOptions } from './heatmap.js';
export { reliabilityDiagram, type ReliabilityBin, type ReliabilityDiagramOptions } from './reliability-diagram.js';
export {
  formatMeanStd,
  formatNumber,
  markdownTable,
  meanAndStd,
  type MarkdownAlign,
  type MarkdownCell,
  type MarkdownTableOptions,
} from './markdown.js';
