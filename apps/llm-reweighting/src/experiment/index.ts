export { NANOGPT_CPU_TRAINING, checkLmSettings, checkTrainingSettings, warmupInSteps, type CorpusSettings, type LmSettings, type LmTrainingSettings, type ObjectiveSettings, type SampleSettings } from './settings.js';
export { BASELINE_METHOD, lmMethods, type LmMethodOptions } from './methods.js';
export { leadingText, loadTokenCorpus, type LoadedCorpus } from './load-corpus.js';
export { VALIDATION_SEED, prepareData, type LmData } from './prepare-data.js';
export { rowsDataset, trainLanguageModel, type CurvePoint, type LanguageModelSpec, type LmRows, type TrainedLanguageModel } from './train-language-model.js';
export { lmRunner, objectiveOf, runLanguageModel, trainingRows, type GeneratedSamples, type LmRunResult } from './run-one.js';
export { WEIGHT_LOG_FILE, readWeightLog, writeWeightLog } from './weight-log.js';
export { compareStrategies, type LmComparison, type LmComparisonOptions } from './compare.js';
export { headlineColumns, lmRunMetrics, stepsToBaseline, summarizeLmRuns, writeLmReport, type HeadlineColumn, type LmReportInput, type ReportFiles, type StepsToBaseline } from './report.js';
export { meanCurves, weightHistogram, writeLmCharts, type ChartFile } from './report-charts.js';
export {
  ARITHMETIC_BASELINE,
  NTL_CHOICES,
  arithmeticMethods,
  checkArithmeticSettings,
  type ArithmeticMethodOptions,
  type ArithmeticProblemSettings,
  type ArithmeticSettings,
  type NtlChoice,
} from './arithmetic-settings.js';
export { PROBLEM_SEED, answerQuestions, arithmeticRunner, prepareArithmetic, runArithmetic, type ArithmeticData, type ArithmeticRunResult } from './arithmetic-run.js';
export { arithmeticRunMetrics, compareNumberTokenLoss, summarizeArithmeticRuns, type ArithmeticComparison, type ArithmeticComparisonOptions } from './arithmetic-compare.js';
export { exportRun, type ExportedLanguageModel } from './export-run.js';
export { generateFromOnnx, type GenerateFromOnnxOptions } from './generate-command.js';
