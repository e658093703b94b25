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
