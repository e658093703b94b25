import { fileURLToPath } from 'node:url';

import type { AlignedTable } from './aligned-table.js';
import { alignStations, type AlignOptions } from './align.js';
import { beijingDataFiles, type BeijingDataFilesOptions } from './fetch.js';
import { BEIJING_MAPPING, type StationTableMapping } from './mapping.js';
import { readStationTable } from './read-station-table.js';

/** The embedded sample: three unchanged Beijing station files (Dongsi urban, Changping suburban, Dingling rural), full period. */
export const BEIJING_SAMPLE_DIR = fileURLToPath(new URL('../../data/beijing-sample/', import.meta.url));
/** Stations of the embedded sample. */
export const BEIJING_SAMPLE_STATIONS: readonly string[] = ['Changping', 'Dingling', 'Dongsi'];

/** Options of {@link loadStationData}. */
export interface LoadStationDataOptions extends AlignOptions, BeijingDataFilesOptions {
  /**
   * `'beijing'`: the twelve Beijing files (fetched copy, else the shared data); `sample`: the embedded three-station
   * sample (`'sample'`); otherwise a path or glob, or several, read with `mapping`.
   */
  readonly source: string | readonly string[];
  /** Column mapping; default {@link BEIJING_MAPPING} (files shaped like the Beijing CSVs). */
  readonly mapping?: StationTableMapping;
  /** DuckDB threads. */
  readonly threads?: number;
}

/** Files a source names: the Beijing files, the sample files, or the given paths/globs. */
export function sourceFiles(options: Pick<LoadStationDataOptions, 'source' | 'fetchDir' | 'sharedDir' | 'stations'>): string | readonly string[] {
  if (options.source === 'beijing') return beijingDataFiles(options);
  if (options.source === 'sample') return `${BEIJING_SAMPLE_DIR}*.csv.gz`;
  return options.source;
}

/**
 * The one entry to the data: reads a source with {@link readStationTable} (DuckDB) and aligns it with
 * {@link alignStations} (hourly by default; `frequency: 'daily'` for daily means; `interpolateMaxGap` for short gaps).
 * @throws DataFileError / ConfigError from reading and aligning (file, row, column or option named).
 */
export async function loadStationData(options: LoadStationDataOptions): Promise<AlignedTable> {
  const records = await readStationTable({
    files: sourceFiles(options),
    mapping: options.mapping ?? BEIJING_MAPPING,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
  return alignStations(records, options);
}
