export type { ParityAdapter } from './adapters/adapter.js';
export { ADAPTERS } from './adapters/registry.js';
export { compareValues, type Comparison, type Tolerance } from './compare.js';
export {
  DEFAULT_POLICY,
  formatReport,
  runParity,
  type CaseResult,
  type CaseStatus,
  type ParityReport,
  type TolerancePolicy,
} from './run.js';
export { readVectorDirectory, readVectorFile, VectorFileError, type VectorCase, type VectorFile } from './vectors.js';
