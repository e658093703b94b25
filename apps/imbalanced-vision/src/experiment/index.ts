// The comparison pipeline of imbalanced-vision: split → runs (recipe × seed) → evaluation → report; export/predict.
export { compare, runDirectory, type CompareResult } from './compare.js';
export {
  CALIBRATION_BINS,
  EVALUATION_BATCH,
  evaluateLogits,
  frequencyThirds,
  metricGrouping,
  testLogits,
  type CalibrationBin,
  type Evaluation,
  type MultiLabelEvaluation,
  type SingleLabelEvaluation,
} from './evaluate.js';
export {
  CLASS_NAMES_METADATA_KEY,
  INPUT_METADATA_KEY,
  RECIPE_METADATA_KEY,
  TASK_METADATA_KEY,
  exportRun,
  takesPixels,
} from './export-run.js';
export {
  COMPARE_DEFAULTS,
  defaultJobs,
  settingsOf,
  validateCompareOptions,
  type CompareOptions,
  type ExperimentSettings,
  type RunSpec,
  type Task,
} from './options.js';
export { predictImages, type ImagePrediction, type PredictImagesOptions, type PredictImagesResult } from './predict-images.js';
export {
  defaultClassNames,
  isFashionMnistDir,
  prepareData,
  type ExperimentData,
  type MultiLabelData,
  type MultiLabelMetadata,
  type SingleLabelData,
} from './prepare-data.js';
export { writeReport, type ReportFiles } from './report.js';
export {
  RESULT_FILE,
  batchSizeOf,
  finishedResult,
  recipeContext,
  recipeNamed,
  runOne,
  type RunEpoch,
  type RunOneOptions,
  type RunProgress,
  type RunResult,
} from './run-one.js';
export { RunFailedError, runAll, type RunAllOptions } from './run-pool.js';
export {
  MULTI_LABEL_COLUMNS,
  SINGLE_LABEL_COLUMNS,
  headlineMetrics,
  spread,
  summarize,
  type RecipeSummary,
  type Spread,
} from './summary.js';
export {
  TRAINED_MODEL,
  TRAINED_WEIGHTS,
  loadTrainedModel,
  normalizationAffine,
  posthocAffine,
  saveTrainedModel,
  type TrainedModel,
  type TrainedModelInfo,
} from './trained-model.js';
