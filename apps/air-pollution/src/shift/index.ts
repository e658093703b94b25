// Real shift (issue 19): train the forecaster on one domain (stations or years), test on another, with importance
// weights for the training windows, and attribute the error change to the mechanisms of weather → PM2.5.
export { DEFAULT_SHIFT_STATIONS, parseYearRange, resolveShiftDomains, type ShiftDomainSpec, type ShiftDomains, type YearRange } from './shift-domains.js';
export { domainTable } from './domain-table.js';
export { windowRows } from './window-rows.js';
export { shiftWindows, type ShiftWindowOptions, type ShiftWindows } from './shift-windows.js';
export { covariateSummary, type CovariateSummary } from './covariate-summary.js';
export { effectiveSampleSize } from './effective-sample-size.js';
export { WEIGHTING_NAMES, shiftWeights, type ShiftWeightOptions, type ShiftWeights, type WeightingName } from './shift-weights.js';
export { withTrainingWeights } from './weighted-windows.js';
export { attributionRows, type AttributionRows } from './attribution-rows.js';
export { SHIFT_GRAPH, attributeShift, type ShiftAttributionSummary } from './attribute-shift.js';
export { UNWEIGHTED, shiftMethods, type ShiftMethodOptions, type ShiftSettings } from './shift-settings.js';
export { prepareShiftData, type ShiftData, type ShiftTableSummary } from './shift-data.js';
export { runShift, shiftRunner, type ShiftRunResult } from './shift-runner.js';
export { shiftHeadlineKeys, shiftRunMetrics, summarizeShiftRuns } from './shift-metrics.js';
export { writeShiftReport, type ShiftReportFiles, type ShiftReportInput } from './shift-report.js';
export { compareWeightings, type ShiftExperiment, type ShiftExperimentOptions } from './shift-experiment.js';
