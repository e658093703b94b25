export type { LmObjective } from './objective.js';
export { NTL_VARIANTS, type ObjectiveOptions } from './objective-options.js';
export { OBJECTIVES, OBJECTIVE_NAMES, createObjective, type ObjectiveEntry, type ObjectiveName } from './objectives.js';
export { buildUniformObjective, plainCrossEntropy } from './uniform.js';
export {
  DEFAULT_TEMPERATURES,
  REWEIGHTING_METHODS,
  REWEIGHTING_STRATEGIES,
  buildReweightingObjective,
  type ReweightingMethod,
  type ReweightingObjective,
} from './reweighting.js';
export {
  WeightRecorder,
  type WeightHistogram,
  type WeightHistogramOptions,
  type WeightRecord,
  type WeightRecorderOptions,
  type WeightSample,
  type WeightSummary,
} from './weight-recorder.js';
export { buildNumberTokenObjective, type NumberTokenMethod } from './number-token.js';
export { buildSphericalZObjective } from './spherical-z.js';
export { buildLogPartitionObjective } from './log-partition.js';
export { buildMd4Objective } from './md4.js';
export { md4Rows, type Md4ExtraColumn, type Md4Rows, type Md4RowsOptions } from './md4-batch.js';
export { md4ScheduleOption } from './md4-schedule-option.js';
export { checkTokenBatch } from './token-loss-checks.js';
