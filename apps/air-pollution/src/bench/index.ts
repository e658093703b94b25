// The air-pollution benchmark's parts (issue 16): data and training throughput, the PyTorch peer and its comparison.
export { BEIJING_WINDOW_SHAPE, syntheticWindows, type BenchWindowShape, type SyntheticWindowsOptions } from './synthetic-windows.js';
export { TABLE_FORMATS, writeTableCopies, type TableCopies, type TableFormat } from './table-copies.js';
export { measureDataThroughput, type DataStageSeconds, type DataThroughput, type DataThroughputOptions } from './data-throughput.js';
export { measureForecasterTraining, type ForecasterTraining, type ForecasterTrainingOptions } from './training-throughput.js';
export {
  TORCH_FORECASTER_SCRIPT,
  peerArguments,
  runTorchPeer,
  torchPeer,
  type TorchPeerOutcome,
  type TorchPeerRecord,
  type TorchPeerRunOptions,
  type TorchPeerSpec,
} from './torch-peer.js';
export { peerRatios, type PeerRatio, type TfjsRate } from './peer-comparison.js';
