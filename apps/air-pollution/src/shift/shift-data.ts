import type { AlignedTable } from '../data/aligned-table.js';
import { loadStationData, readMappingFile } from '../data/index.js';
import { targetDeciles, type TargetDeciles } from '../evaluation/index.js';
import { covariateSummary, type CovariateSummary } from './covariate-summary.js';
import { resolveShiftDomains } from './shift-domains.js';
import type { ShiftSettings } from './shift-settings.js';
import { shiftWeights, type ShiftWeights, type WeightingName } from './shift-weights.js';
import { shiftWindows, type ShiftWindows } from './shift-windows.js';

/** What the report says about the loaded table. */
export interface ShiftTableSummary {
  readonly frequency: AlignedTable['frequency'];
  readonly stations: readonly string[];
  readonly weather: readonly string[];
  readonly units: Readonly<Record<string, string>>;
  readonly sources: readonly string[];
}

/** The data of a shift experiment: the windows of both domains, their covariate summaries and the weights (made on first use). */
export interface ShiftData {
  readonly table: ShiftTableSummary;
  readonly shift: ShiftWindows;
  /** Decile edges and top-decile threshold of the extremes variable, from the source training targets. */
  readonly deciles: TargetDeciles;
  /** Covariate summary of the source training windows (rows of the weights). */
  readonly trainSummary: CovariateSummary;
  /** Covariate summary of the unlabeled target (test) inputs. */
  readonly testSummary: CovariateSummary;
  /** The importance weights of the training windows for `name`, computed once per thread (deterministic in the settings). */
  weightsFor(name: WeightingName): ShiftWeights;
}

/**
 * Loads the table (`loadStationData`), resolves the domains, cuts the windows (see `shiftWindows`) and the covariate
 * summaries the weights are fitted on.
 * @throws the data layer's DataFileError/ConfigError; ConfigError naming the domain flag (see `resolveShiftDomains`).
 */
export async function prepareShiftData(settings: ShiftSettings): Promise<ShiftData> {
  const table = await loadStationData({
    source: settings.data.source,
    ...(settings.data.mapping === undefined ? {} : { mapping: readMappingFile(settings.data.mapping) }),
    frequency: settings.data.frequency,
    interpolateMaxGap: settings.data.interpolateMaxGap,
  });
  const domains = resolveShiftDomains(table, settings.domains);
  const shift = shiftWindows(table, domains, settings.windows);
  const w = shift.windows;
  const variable = settings.extremes.variable;
  const trainSummary = covariateSummary(w, w.train, variable);
  const testSummary = covariateSummary(w, w.test, variable);
  const cache = new Map<WeightingName, ShiftWeights>();
  return {
    table: { frequency: table.frequency, stations: table.stations.map((s) => s.station), weather: table.weather, units: table.units, sources: table.sources },
    shift,
    deciles: targetDeciles(w.train, w.targets, w.horizons.length, variable),
    trainSummary,
    testSummary,
    weightsFor(name) {
      let weights = cache.get(name);
      if (weights === undefined) {
        weights = shiftWeights(name, trainSummary.matrix, testSummary.matrix, settings.weights);
        cache.set(name, weights);
      }
      return weights;
    },
  };
}
