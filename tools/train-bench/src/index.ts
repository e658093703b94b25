// The benchmark workloads of issue 3 and their measurement, for `nx run train-bench:bench` and the loss bench.
export {
  DEFAULT_BATCHES,
  WORKLOAD_NAMES,
  binaryCrossEntropyLoss,
  type Workload,
  type WorkloadFactory,
  type WorkloadName,
  type WorkloadOptions,
} from './workload.js';
export { WORKLOADS } from './workloads.js';
export { MLP_BATCH_SIZE, MLP_HIDDEN, MLP_INPUT_WIDTH, mlpWorkload } from './mlp.js';
export { CNN_BATCH_SIZE, CNN_CLASSES, CNN_IMAGE_SIZE, cnnWorkload, type CnnWorkloadOptions } from './cnn.js';
export {
  GPT_BATCH_SIZE,
  GPT_BLOCKS,
  GPT_CONTEXT,
  GPT_HEADS,
  GPT_VOCABULARY,
  GPT_WIDTH,
  NANOGPT_BATCH_SIZE,
  NANOGPT_BLOCKS,
  NANOGPT_CONTEXT,
  gptWorkload,
  nanogptWorkload,
  type GptWorkloadOptions,
} from './gpt.js';
export {
  CTR_BATCH_SIZE,
  CTR_CATEGORICAL_FIELDS,
  CTR_DENSE_FEATURES,
  CTR_EMBEDDING_WIDTH,
  CTR_HIDDEN,
  CTR_TABLE_ROWS,
  ctrWorkload,
  type CtrWorkloadOptions,
} from './ctr.js';
export { measureLosses, measureWorkload, summarizeThroughput, type MeasureOptions, type ThroughputSample } from './measure.js';
export { roundRate, roundTo, throughputRecord, type TrainingMode } from './throughput-record.js';
export {
  checkThreadedWasmOptions,
  measureThreadedWasm,
  threadedWasmThreads,
  type ThreadedWasmMeasurement,
  type ThreadedWasmOptions,
  type ThreadedWasmRun,
} from './threaded-wasm.js';
export {
  compareGradients,
  workloadGradients,
  type GradientMismatch,
  type GradientTolerance,
  type WorkloadGradients,
} from './gradients.js';
export { TORCH_SCRIPT, bestByWorkload, runTorchPeer, type TorchPeerOptions, type TorchRecord } from './torch-peer.js';
// Finding the peer's interpreter is bench-kit's (shared with the apps' peers); re-exported for this package's users.
export { TORCH_PYTHON_ENV, findTorchPython, torchPythonCandidates, type TorchPython } from '@counterweight/bench-kit';
export { WORKLOAD_REPLICA_MODULE, workloadReplica, type WorkloadReplicaOptions } from './replica.js';
