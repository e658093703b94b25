import type { AlignedTable, MissingCount } from '../data/aligned-table.js';
import type { ForecastWindows } from '../data/forecast-windows.js';
import { loadStationData, makeWindows, readMappingFile } from '../data/index.js';
import { targetDeciles, type TargetDeciles } from '../evaluation/index.js';
import type { AirSettings } from './settings.js';
import { worstEpisode, type Episode } from './worst-episode.js';

/** What the report says about the table the windows were cut from (no series: they stay out of the run threads' messages). */
export interface TableSummary {
  readonly frequency: AlignedTable['frequency'];
  readonly stations: readonly string[];
  readonly pollutants: readonly string[];
  readonly weather: readonly string[];
  readonly steps: number;
  readonly start: number;
  readonly units: Readonly<Record<string, string>>;
  readonly missing: readonly MissingCount[];
  readonly sources: readonly string[];
}

/** The data of a comparison: the windows of every split and what the evaluation needs beside them. */
export interface AirData {
  readonly table: TableSummary;
  readonly windows: ForecastWindows;
  /** Decile edges and top-decile threshold of the extremes variable, from the training targets (original units). */
  readonly deciles: TargetDeciles;
  /** The test period's worst episode of the extremes variable (for the forecast-against-observed chart). */
  readonly episode: Episode | undefined;
}

/**
 * Loads the station table of the settings, aligns it and cuts the windows (normalisation fitted on training windows),
 * and finds what the evaluation needs: the top-decile threshold and the worst test episode.
 * @throws the data layer's DataFileError / ConfigError naming the file, row, column or flag.
 */
export async function prepareData(settings: AirSettings): Promise<AirData> {
  const table = await loadStationData({
    source: settings.data.source,
    ...(settings.data.mapping === undefined ? {} : { mapping: readMappingFile(settings.data.mapping) }),
    frequency: settings.data.frequency,
    interpolateMaxGap: settings.data.interpolateMaxGap,
  });
  const w = settings.windows;
  const windows = makeWindows(table, {
    history: w.history,
    horizons: w.horizons,
    stride: w.stride,
    ...(w.periods === undefined ? {} : { periods: w.periods }),
  });
  const variable = settings.extremes.variable;
  return {
    table: {
      frequency: table.frequency,
      stations: table.stations.map((s) => s.station),
      pollutants: table.pollutants,
      weather: table.weather,
      steps: table.length,
      start: table.start,
      units: table.units,
      missing: table.missing,
      sources: table.sources,
    },
    windows,
    deciles: targetDeciles(windows.train, windows.targets, windows.horizons.length, variable),
    episode: worstEpisode(windows, variable),
  };
}
