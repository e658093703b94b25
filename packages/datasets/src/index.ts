// @counterweight/datasets: every data set the apps use, and one fetcher for them.
export { checkContent, type ContentCheck } from './content-check.js';
export type { ArchiveSource, Dataset, DatasetFile, FileSource, LocalCopy } from './dataset.js';
export { DATASETS, DATASET_NAMES, selectDatasets } from './datasets.js';
export { BANK_MARKETING, BANK_MARKETING_URL, BANK_MARKETING_ZIP_BLOB } from './bank-marketing.js';
export { BEIJING_BASE_URL, BEIJING_MULTISITE, BEIJING_STATIONS, beijingFileName, type BeijingStation } from './beijing-multisite.js';
export { DEBIAN_FASHION_MNIST_DIR, FASHION_MNIST, FASHION_MNIST_URLS } from './fashion-mnist.js';
export { OBD_BASE_URL, OPEN_BANDIT } from './open-bandit.js';
export { EMBEDDED_TINYSHAKESPEARE_FOLDER, TINYSHAKESPEARE, TINYSHAKESPEARE_URL } from './tinyshakespeare.js';
export { TINYSTORIES, TINYSTORIES_URL } from './tinystories.js';
export {
  datasetDir,
  defaultDataDir,
  localCopyPath,
  localCopyPlace,
  localCopyPlaces,
  type LocalCopyOptions,
  type LocalCopyPlace,
} from './data-locations.js';
export { DownloadSession, type DownloadSessionOptions } from './download-session.js';
export { fileContent, verifyBytes, verifyFile } from './file-content.js';
export { fetchDataset, fetchDatasets, type FetchDatasetOptions, type FileOutcome, type FileResult } from './fetch-dataset.js';
export { formatResultsTable, summarizeResults } from './results-table.js';
export { extractZipEntry } from './zip.js';
