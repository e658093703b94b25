import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { DataFileError, parseJsonBytes, writeJsonAtomic } from '@counterweight/runtime';

import type { ForecastWindows, Scaling } from '../data/forecast-windows.js';
import { FORECAST_MODEL_FILE, loadForecastModel, saveForecastModel } from '../models/index.js';
import type { ObjectiveName } from '../objectives/objective.js';
import { exportForecastModel } from '../onnx/index.js';
import { decoderColumns } from './output-columns.js';
import type { TrainedForecaster } from './train-forecaster.js';

/** File (in a run folder) that says how to build a trained forecaster's inputs and read its outputs. */
export const FORECAST_SPEC_FILE = 'forecast-spec.json';
/** ONNX metadata key holding the {@link ForecastSpec} as JSON. */
export const FORECAST_SPEC_KEY = 'counterweight.air-pollution.spec';

/** How a trained forecaster's windows are made and its outputs decoded (everything `predict` needs besides the weights). */
export interface ForecastSpec {
  readonly format: 'counterweight-air-pollution-forecast-spec';
  readonly version: 1;
  readonly objective: ObjectiveName;
  readonly frequency: 'hourly' | 'daily';
  /** Gaps filled by interpolation when the training table was aligned (`--interpolate`); absent in older specs: 0. */
  readonly interpolateMaxGap?: number;
  readonly history: number;
  readonly horizons: readonly number[];
  /** Input features per step, in layout order. */
  readonly features: readonly string[];
  /** Output variables (weather then pollutants). */
  readonly targets: readonly string[];
  readonly weatherTargets: readonly string[];
  readonly pollutantTargets: readonly string[];
  /** Training scaling of every feature and target. */
  readonly scaling: Readonly<Record<string, Scaling>>;
  /** Model output column of each target index `h·V + v` (normalised point forecast). */
  readonly pointColumns: readonly number[];
  /** Quantile objectives: levels and, per target index, the output column of each level. */
  readonly quantiles?: { readonly levels: readonly number[]; readonly columns: readonly (readonly number[])[] };
}

/** The spec of a trained forecaster on `windows`. */
export function forecastSpec(trained: TrainedForecaster, windows: ForecastWindows, width: number, interpolateMaxGap = 0): ForecastSpec {
  const columns = decoderColumns(trained.objective, width);
  const levels = trained.objective.quantileLevels;
  return {
    format: 'counterweight-air-pollution-forecast-spec',
    version: 1,
    objective: trained.objective.name,
    frequency: windows.frequency,
    interpolateMaxGap,
    history: windows.history,
    horizons: windows.horizons,
    features: windows.features,
    targets: windows.targets,
    weatherTargets: windows.weatherTargets,
    pollutantTargets: windows.pollutantTargets,
    scaling: windows.scaling,
    pointColumns: columns.point,
    ...(columns.quantiles === undefined || levels === undefined ? {} : { quantiles: { levels, columns: columns.quantiles } }),
  };
}

/** Saves a run's trained forecaster (weights + architecture) and its {@link ForecastSpec} into the run folder, atomically. */
export async function writeTrainedForecaster(dir: string, trained: TrainedForecaster, windows: ForecastWindows, interpolateMaxGap = 0): Promise<void> {
  const model = trained.model;
  await saveForecastModel(dir, model);
  await writeJsonAtomic(join(dir, FORECAST_SPEC_FILE), forecastSpec(trained, windows, model.outputSize, interpolateMaxGap));
}

/**
 * Checks that `dir` is a folder and that the JSON files of its saved forecaster (`forecast-spec.json`,
 * `forecaster.json`) are UTF-8 JSON, before anything parses them.
 * @throws DataFileError naming the folder (missing, or a file) or the file (empty, binary or not UTF-8 with the byte's
 *   line, column and offset, or a JSON syntax error with line and column).
 */
function checkRunFolder(dir: string): void {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat === undefined) throw new DataFileError({ file: dir }, 'does not exist; give a run folder of `compare` (<out>/runs/<method>/seed-<r>)');
  if (!stat.isDirectory()) throw new DataFileError({ file: dir }, 'is not a folder; give a run folder of `compare` (<out>/runs/<method>/seed-<r>)');
  for (const name of [FORECAST_SPEC_FILE, FORECAST_MODEL_FILE]) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const { problem } = parseJsonBytes(readFileSync(file));
    if (problem !== undefined) throw new DataFileError({ file }, problem);
  }
}

/** Reads a run folder's {@link ForecastSpec}. @throws DataFileError naming the folder or file when it is missing, not JSON or not a spec. */
export async function readForecastSpec(dir: string): Promise<ForecastSpec> {
  checkRunFolder(dir);
  const file = join(dir, FORECAST_SPEC_FILE);
  if (!existsSync(file)) {
    throw new DataFileError({ file }, 'no trained forecaster here (baselines and ordinal-aqi runs have none, nor does a run that has not finished; give a run folder of a trained objective)');
  }
  const json = parseJsonBytes(await readFile(file));
  if (json.problem !== undefined) throw new DataFileError({ file }, json.problem);
  const spec = json.value as ForecastSpec | null;
  if (spec === null || typeof spec !== 'object' || spec.format !== 'counterweight-air-pollution-forecast-spec') throw new DataFileError({ file }, 'is not an air-pollution forecast spec');
  return spec;
}

/**
 * `export`: writes the trained forecaster of a run folder as ONNX (input `window` `[N, history·features]` normalised,
 * output `forecast` `[N, outputs]`), with the {@link ForecastSpec} in its metadata so `predict` can build windows from a
 * table and decode the outputs.
 */
export async function exportRun(run: string, out: string): Promise<{ path: string; objective: string; nodes: number; opset: number; bytes: number }> {
  const spec = await readForecastSpec(run);
  const model = await loadForecastModel(run);
  try {
    const written = await exportForecastModel(model, out, { metadata: { [FORECAST_SPEC_KEY]: JSON.stringify(spec) } });
    return { path: written.path, objective: spec.objective, nodes: written.nodes, opset: written.opset, bytes: written.bytes };
  } finally {
    model.dispose();
  }
}
