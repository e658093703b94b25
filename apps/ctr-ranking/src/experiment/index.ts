export { auctionDataset, logAsAuctions, predictProbabilities } from './auction-rows.js';
export { compareObjectives, type CtrComparison, type CtrComparisonOptions } from './compare.js';
export { evaluateProbabilities, validValues, type CalibrationSummary, type CtrEvaluation, type ReliabilityPoint } from './evaluate.js';
export { TRAINED_MODEL_FILE, exportRun, loadTrainedModel, writeTrainedModelInfo, type TrainedModelInfo } from './export-run.js';
export {
  AUCTION_EXTRAS,
  OBJECTIVES,
  checkObjective,
  needsTeacher,
  objectiveLoss,
  type AuctionExtra,
  type ObjectiveName,
  type ObjectiveSettings,
} from './objectives.js';
export { offPolicySection } from './off-policy-section.js';
export { prepareData, type CtrData, type DataSource } from './prepare-data.js';
export { CTR_METRICS, ctrRunMetrics, summarizeCtrRuns, writeCtrReport, type CtrReportInput, type ReportFiles } from './report.js';
export {
  clickRate,
  ctrRunner,
  runCtrMethod,
  trainCtrModel,
  type CtrRunResult,
  type CtrTrainingSpec,
  type RunEpoch,
  type TrainCtrModelOptions,
} from './run-one.js';
export {
  BASELINE_METHOD,
  checkCtrSettings,
  ctrMethods,
  type CtrMethodOptions,
  type CtrSettings,
  type OptimizerName,
  type TeacherSettings,
} from './settings.js';
export { teacherFolder, teacherScores } from './teacher.js';
