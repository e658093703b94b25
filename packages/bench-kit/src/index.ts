export { median } from './median.js';
export { medianCallMilliseconds, type MedianCallOptions } from './median-call.js';
export { listOption } from './list-option.js';
export { errorText } from './error-text.js';
export { BenchOptionError } from './bench-option-error.js';
export {
  PEER_UNSET_ENV,
  TORCH_PYTHON_ENV,
  captureProcess,
  findTorchPython,
  peerEnvironment,
  torchPythonCandidates,
  type CapturedProcess,
  type TorchPython,
} from './torch-python.js';
export {
  isPeerRecord,
  lastPeerRecord,
  runPeerScript,
  runTorchPeerScript,
  type PeerOutcome,
  type PeerRecord,
  type PeerRunOptions,
} from './peer-script.js';
export { benchMachine, loadAverage, lscpuModelName, type BenchMachine } from './bench-machine.js';
export { peerWarnings } from './peer-warnings.js';
export { lastJsonObject, runNodeChild, type NodeChildOutcome } from './node-child.js';
