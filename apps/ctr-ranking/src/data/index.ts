export { allocateAuctionArrays, type AuctionArrays, type AuctionSet, type FeatureSpec } from './auction-set.js';
export type { OffPolicyLog } from './off-policy-log.js';
export { CategoryCounter, Vocabulary, checkBuckets, fnv1a32, hashBucket, type VocabularyJson } from './encoding.js';
export { assembleAuctions, auctionSetStats, fixedSizeGroups, groupsByKey, randomGroups, type CandidateRows } from './grouping.js';
export {
  DEFAULT_SPLIT,
  checkFractions,
  fitAuctionStandardizer,
  splitAuctions,
  splitIndices,
  standardizeAuctions,
  standardizeSplits,
  subsetAuctions,
  type AuctionSplits,
  type IndexSplit,
  type SplitFractions,
} from './splits.js';
export { generateSyntheticAuctions, type SyntheticGenerator, type SyntheticOptions } from './synthetic.js';
export {
  CRITEO_CATEGORICAL_FIELDS,
  CRITEO_COLUMNS,
  CRITEO_FIELDS,
  CRITEO_INTEGER_FIELDS,
  criteoIntegerToken,
  fitCriteoVocabulary,
  loadCriteo,
  type CriteoEncoding,
  type CriteoOptions,
  type CriteoResult,
  type CriteoVocabulary,
  type MalformedReport,
} from './criteo.js';
export {
  OBD_CATEGORICAL_FIELDS,
  OBD_NUMERIC_NAMES,
  loadOpenBandit,
  openBanditDir,
  type ObdCampaign,
  type ObdGrouping,
  type ObdPolicy,
  type ObdValue,
  type OpenBanditData,
  type OpenBanditOptions,
} from './open-bandit.js';
export {
  BANK_ADDITIONAL_CATEGORIES,
  BANK_ADDITIONAL_NUMERIC,
  BANK_ADDITIONAL_SCHEMA,
  readBankAdditional,
  type BankAdditionalTypes,
} from './bank-additional.js';
export { bankMarketingPath, loadBankMarketing, type BankMarketingData, type BankMarketingOptions } from './bank-marketing.js';
export {
  loadTableInput,
  readColumnMapping,
  readMappedTable,
  tableFormat,
  validateColumnMapping,
  type ColumnMapping,
  type TableFormat,
  type TableInputOptions,
} from './table-input.js';
export {
  BANK_MARKETING_URL,
  BANK_MARKETING_ZIP_BLOB,
  CTR_DATA_FILES,
  OBD_BASE_URL,
  defaultCtrFetchDir,
  fetchCtrData,
  verifyContent,
  type ContentCheck,
  type CtrDataFile,
  type FetchCtrDataOptions,
  type FetchedFile,
} from './fetch.js';
export { readLines } from './line-reader.js';
export { extractZipEntry } from './zip.js';
