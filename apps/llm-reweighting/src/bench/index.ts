// The llm-reweighting benchmark's parts (issue 18): GPT training throughput (single, data-parallel and threaded), the PyTorch
// peer and its comparison, the step-time overhead of loss-based reweighting, and tfjs vs onnxruntime generation.
export { benchTokenWindows, type BenchTokenWindowsOptions } from './bench-token-windows.js';
export { BENCH_GPT_REPLICA_MODULE, benchGptReplica, type BenchGptReplicaOptions } from './gpt-replica.js';
export {
  BENCH_ADAMW,
  benchDataset,
  measureGptTraining,
  type BenchAdamW,
  type GptTraining,
  type GptTrainingMode,
  type GptTrainingOptions,
} from './training-throughput.js';
export { defaultWasmThreads, measureThreadedGptTraining, type ThreadedGptTraining, type ThreadedGptTrainingOptions } from './threaded-training.js';
export {
  TORCH_GPT_SCRIPT,
  runTorchGptPeer,
  torchGptArguments,
  torchGptPeer,
  type TorchGptPeerOptions,
  type TorchGptRecord,
  type TorchGptSpec,
} from './torch-gpt-peer.js';
export { trainingHeadline, trainingRatios, type TfjsTokenRate, type TrainingHeadline, type TrainingRatio } from './training-comparison.js';
export { measureReweightingOverhead, overheadFromStepTimes, type ReweightingOverhead, type ReweightingOverheadOptions } from './reweighting-overhead.js';
export { measureLossGradientTimes, type LossGradientTimeOptions, type LossGradientTimes } from './loss-gradient-time.js';
export {
  engineGeneration,
  measureGenerationThroughput,
  type EngineGeneration,
  type GenerationThroughput,
  type GenerationThroughputOptions,
} from './generation-throughput.js';
