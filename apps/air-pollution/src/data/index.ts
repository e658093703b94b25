export type { AlignedTable, Frequency, MissingCount, StationSeries } from './aligned-table.js';
export type { ForecastWindows, Scaling, WindowSplit } from './forecast-windows.js';
export {
  BEIJING_MAPPING,
  DEFAULT_MISSING,
  mappedColumns,
  mappingPollutants,
  mappingWeather,
  parseMapping,
  readMappingFile,
  timeColumns,
  tokenizeTimeFormat,
  type LongMapping,
  type StationTableMapping,
  type TimeMapping,
  type WideMapping,
  type WindDirectionMapping,
} from './mapping.js';
export type { StationRecords } from './station-records.js';
export { compassDegrees, readStationTable, stationFileFormat, type ReadStationTableOptions, type StationFileFormat } from './read-station-table.js';
export { WIND_FEATURES, alignStations, interpolateShortGaps, type AlignOptions } from './align.js';
export { MISSING_FLAG_SUFFIX, calendarFeatureNames, featureMatrices, inputVariables } from './feature-matrix.js';
export { inferenceWindows, type InferenceWindowSpec, type InferenceWindows } from './inference-windows.js';
export {
  BEIJING_PERIODS,
  SPLITS,
  defaultPeriods,
  formatGridTime,
  makeWindows,
  parsePeriodDate,
  type Period,
  type SplitName,
  type WindowOptions,
} from './windows.js';
export {
  BEIJING_BASE_URL,
  BEIJING_FILES,
  BEIJING_SHARED_FOLDER,
  beijingDataFiles,
  beijingFileName,
  defaultAirPollutionFetchDir,
  fetchBeijingData,
  type BeijingDataFilesOptions,
  type BeijingFile,
  type FetchBeijingOptions,
  type FetchedBeijingFile,
} from './fetch.js';
export { BEIJING_SAMPLE_DIR, BEIJING_SAMPLE_STATIONS, loadStationData, sourceFiles, type LoadStationDataOptions } from './load-data.js';
