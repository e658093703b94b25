// The comparison pipeline of imbalanced-vision on @counterweight/experiment: split → runs (recipe × seed) →
// evaluation → report; export/predict.
export { baselineOf, compare, type CompareResult } from './compare.js';
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
  settingsOf,
  validateCompareOptions,
  type CompareOptions,
  type ExperimentSettings,
  type Task,
} from './options.js';
export { expandImagePaths, predictImages, type ImagePrediction, type PredictImagesOptions, type PredictImagesResult } from './predict-images.js';
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
  batchSizeOf,
  recipeContext,
  recipeNamed,
  runOne,
  visionRunner,
  type RecipeOptions,
  type RunEpoch,
  type RunResult,
  type VisionTask,
} from './run-one.js';
export { MULTI_LABEL_COLUMNS, SINGLE_LABEL_COLUMNS, headlineMetrics, runMetrics } from './run-metrics.js';
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
