// @counterweight/experiment: the comparison harness every Counterweight app runs on.
export {
  runAndRecord,
  runComparison,
  type Comparison,
  type ComparisonOptions,
  type EpochProgress,
  type Method,
  type RunContext,
  type Runner,
  type RunRecord,
  type RunTask,
  type RunWorkerData,
} from './comparison.js';
export { serveRunner } from './serve-runner.js';
export { workerModuleBeside } from './worker-module.js';
export { CONFIG_FILE, RESULT_FILE, RUNS_FOLDER, runFolder } from './layout.js';
export { consecutiveSeeds, derivedSeeds, trainingSeeds, type SeedRule } from './seeds.js';
export { announceResume } from './resume-notice.js';
export { RunFailedError } from './run-failed-error.js';
export { RunFileError, type RunFileLocation } from './run-file-error.js';
export { seedStatistics, summarizeRuns, type Interval, type MethodSummary, type SeedStatistics, type SummarizedRun, type SummarizeOptions } from './summary.js';
export { collectProvenance, describeBackend, scrubPaths, type Provenance } from './provenance.js';
export { readingAgainstBaseline, renderReport, summaryTable, type ReadingOptions, type ReportSkeleton } from './report.js';
export {
  DEFAULT_RUNS_ROOT,
  assertPathSegment,
  createRunDirectory,
  newRunId,
  openRunDirectory,
  type CreateRunDirectoryOptions,
  type OpenMode,
  type OpenRunDirectoryOptions,
  type RunDirectory,
} from './run-dir.js';
export { assertSameSettings } from './settings-guard.js';
export { strictJsonStringify } from './strict-json.js';
