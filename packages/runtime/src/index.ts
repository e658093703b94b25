export {
  BACKEND_ENV,
  BACKEND_NAMES,
  activeBackend,
  formatBackendInfo,
  initBackend,
  resolveBackendRequest,
  type BackendInfo,
  type BackendName,
  type BackendRequest,
  type InitBackendOptions,
} from './backend.js';
export { MAX_WASM_THREADS, WASM_THREADS_ENV, loadThreadedWasm, resolveWasmThreads, wasmThreadsPerCore } from './wasm-threads.js';
export {
  removeOwnTemporaries,
  removeStaleTemporaries,
  writeDirectoryAtomic,
  writeFileAtomic,
  writeJsonAtomic,
} from './atomic-write.js';
export { CheckpointError, ConfigError, DataFileError, TrainingError, type DataLocation } from './errors.js';
export { finiteNumberOption, integerOption } from './option-checks.js';
export { QUIET_ENV, createProgress, quietFromEnv, type Progress, type ProgressOptions } from './progress.js';
export { SeededRandom, deriveSeed, type RandomState } from './random.js';
export {
  DEFAULT_NA_VALUES,
  readCsvTable,
  type CsvArrowTypes,
  type CsvColumnSpec,
  type CsvColumnType,
  type CsvSchema,
  type CsvTableTypes,
  type ReadCsvTableOptions,
} from './data/csv-table.js';
export { readArrowFile, writeArrowFile } from './data/arrow-file.js';
export { describeDownloadFailure, downloadBytes, gitBlobSha1, sha256Hex, type DownloadOptions } from './data/download.js';
export { fitStandardizer, type Standardizer } from './data/standardizer.js';
export { SHARED_DATA_ENV, repositoryRoot, sharedDataDir, type SharedDataDirOptions } from './data/shared-data.js';
export { describeNonText, describeNonTextLine, firstNonTextByte, hexByte, isGzip, requireTextBytes, type NonTextByte, type NonTextKind, type TextScanOptions } from './data/text-bytes.js';
export { jsonSyntaxError, parseJsonBytes, parseJsonText, type JsonParse, type JsonSyntaxError } from './data/json-syntax.js';
export { quoteExcerpt } from './data/quote-excerpt.js';
export {
  fromLayersModel,
  fromVariables,
  isSingleInput,
  type FromLayersModelOptions,
  type FromVariablesOptions,
  type LayerVariableNaming,
  type ModelInputs,
  type NamedVariable,
  type PredictContext,
  type TrainableModel,
} from './training/model.js';
export { VariableBuilder } from './training/variable-builder.js';
export { dense, denseLayers, denseStack, type DenseLayer } from './training/dense-layers.js';
export { LAYER_NORM_EPSILON, geluTanh, layerNorm, scaledDotProductAttention, type AttentionOptions } from './layers/index.js';
export {
  InMemoryDataset,
  createDataset,
  disposeBatch,
  type Batch,
  type BatchOptions,
  type DatasetSpec,
  type FeatureArray,
  type RowValues,
} from './training/dataset.js';
export {
  fromArrowTable,
  type ArrowInputSpec,
  type ColumnSpec,
  type FromArrowTableOptions,
  type IndicatorColumn,
} from './training/arrow-dataset.js';
export {
  EXTRA_NAMES,
  MissingExtraError,
  withExtras,
  type ExtraName,
  type ExtrasDeclaration,
  type LossFunction,
  type LossInputs,
  type MetricFunction,
} from './training/loss-inputs.js';
export {
  LOSS_AWARE_OPTIMIZERS,
  OPTIMIZER_GLOBAL_STATE,
  createOptimizer,
  validateOptimizerConfig,
  type AdamConfig,
  type AdamWConfig,
  type MomentumConfig,
  type MomoAdamConfig,
  type MomoConfig,
  type OptimizerStepContext,
  type NamedTensor,
  type OptimizerConfig,
  type SgdConfig,
  type TrainingOptimizer,
  type VariableGradient,
} from './training/optimizers.js';
export {
  learningRateAt,
  validateSchedule,
  type ConstantSchedule,
  type LinearWarmupSchedule,
  type LrScheduleConfig,
  type SchedulePosition,
  type StepDecaySchedule,
  type WarmupCosineSchedule,
} from './training/lr-schedule.js';
export {
  clipByGlobalNorm,
  clipByValue,
  clipGradients,
  globalNorm,
  validateClipConfig,
  type ClipConfig,
} from './training/gradient-clipping.js';
export {
  EarlyStopping,
  validateEarlyStopping,
  type EarlyStoppingConfig,
  type EarlyStoppingDecision,
  type EarlyStoppingState,
} from './training/early-stopping.js';
export { MODEL_JSON, WEIGHTS_BIN, fileSystemHandler } from './training/file-io-handler.js';
export { readNamedWeights, writeNamedWeights, type ReadNamedWeightsOptions } from './training/named-weights-file.js';
export {
  assignNamedWeights,
  loadModelWeights,
  modelFromNamedWeights,
  readModelDescription,
  writeModelFiles,
  type ModelDescription,
  type ModelFiles,
  type NamedWeightsModel,
} from './training/model-files.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  LATEST_FILE,
  assignVariables,
  latestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  restoreCheckpoint,
  saveCheckpoint,
  type CheckpointInfo,
  type LoadedCheckpoint,
  type SaveCheckpointOptions,
} from './training/checkpoint.js';
export { train } from './training/trainer.js';
export {
  type CheckpointEvent,
  type CheckpointSchedule,
  type EpochRecord,
  type StepEndInfo,
  type TrainOptions,
  type TrainingHistory,
} from './training/train-options.js';
export { type TrainerState } from './training/trainer-state.js';
export { evaluate, type EvaluateOptions, type EvaluationResult } from './training/validation.js';
export { type PerturbationRadius, type WeightPerturbation } from './training/perturbed-gradients.js';
export { type DataParallelOptions } from './training/data-parallel/data-parallel-gradients.js';
export { loadReplica, replicaModuleUrl, type Replica, type ReplicaSpec } from './training/data-parallel/replica.js';
export {
  GradientWorkerPool,
  combineShards,
  splitRows,
  type GradientWorkerPoolOptions,
} from './training/data-parallel/worker-pool.js';
export { sharedDatasetSpec } from './training/data-parallel/shared-dataset.js';
export { checkNoRowCoupling, rowCouplingOf, withRowCoupling, type RowCouplingDeclaration } from './training/data-parallel/row-coupling.js';
export { TaskFailedError, runTaskPool, serveTasks, startModuleWorker, type TaskPoolOptions } from './parallel/task-pool.js';
