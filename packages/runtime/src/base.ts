// The part of the runtime that needs no tfjs — errors, atomic writes, progress bars, option checks, seeded random
// numbers, downloads, the shared-data location, and the text and JSON checks of data files — as its own entry, `@counterweight/runtime/base`, so that a
// command line can parse its flags, report a bad flag or a bad file, and print its help without loading tfjs
// (about 3 s of start-up). The main entry exports all of it too; the classes are the same (same modules).
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
export { describeDownloadFailure, downloadBytes, gitBlobSha1, sha256Hex, type DownloadOptions } from './data/download.js';
export { SHARED_DATA_ENV, repositoryRoot, sharedDataDir, type SharedDataDirOptions } from './data/shared-data.js';
export { describeNonText, describeNonTextLine, firstNonTextByte, hexByte, isGzip, requireTextBytes, type NonTextByte, type NonTextKind, type TextScanOptions } from './data/text-bytes.js';
export { jsonSyntaxError, parseJsonBytes, parseJsonText, type JsonParse, type JsonSyntaxError } from './data/json-syntax.js';
export { quoteExcerpt } from './data/quote-excerpt.js';
