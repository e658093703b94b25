export { auctionDataset, logAsAuctions, predictProbabilities } from './auction-rows.js';
export { compareObjectives, runLabel, type CompareOptions, type CompareResult, type TeacherSource } from './compare.js';
export { evaluateProbabilities, validValues, type CalibrationSummary, type CtrEvaluation, type ReliabilityPoint } from './evaluate.js';
export { TRAINED_MODEL_FILE, exportRun, loadTrainedModel, writeTrainedModelInfo, type TrainedModelInfo } from './export-run.js';
export {
  OBJECTIVES,
  TARGET_COLUMNS,
  checkObjective,
  needsTeacher,
  objectiveLoss,
  type ObjectiveName,
  type ObjectiveSettings,
} from './objectives.js';
export { prepareData, type DataSource, type PreparedData } from './prepare-data.js';
export { SUMMARY_METRICS, summarizeRuns, writeCompareReport, type ObjectiveSummary, type ReportFiles, type Spread, type SummaryMetric } from './report.js';
export {
  RESULT_FILE,
  clickRate,
  runOne,
  trainCtrModel,
  type ExperimentData,
  type OptimizerName,
  type RunEpoch,
  type RunResult,
  type RunSpec,
  type TrainCtrModelOptions,
} from './run-one.js';
