import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { ConfigError, DataFileError, parseJsonBytes } from '@counterweight/runtime';
import { repairQuantileCrossing } from '@counterweight/solvers';

import { formatGridTime, inferenceWindows, loadStationData, readMappingFile, type AlignedTable } from '../data/index.js';
import { OnnxForecaster } from '../onnx/index.js';
import { FORECAST_SPEC_KEY, type ForecastSpec } from './export-run.js';

/** Options of {@link predictTable} (the `predict` command's flags). */
export interface PredictTableOptions {
  /** ONNX model written by `air-pollution export` (`--model`). */
  readonly model: string;
  /** `sample`, `beijing`, or a station table path/glob (`--data`). */
  readonly source: string;
  /** Column mapping JSON of a table file (`--mapping`); default the Beijing layout. */
  readonly mapping?: string;
  /** Only the last `last` window ends of each station (`--last`). */
  readonly last?: number;
  /** Only these forecast variables (`--variables`); default every target of the model. */
  readonly variables?: readonly string[];
  /** Output CSV path (`--out`), written atomically. */
  readonly out: string;
  /** Windows per onnxruntime run (default 1024). */
  readonly batchSize?: number;
}

/** What {@link predictTable} wrote. */
export interface PredictTableResult {
  /** CSV data rows (window × horizon × variable). */
  readonly rows: number;
  readonly windows: number;
  readonly stations: number;
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((x) => typeof x === 'string');
const isIntegerList = (value: unknown): value is number[] => Array.isArray(value) && value.every((x) => Number.isInteger(x));

/**
 * The {@link ForecastSpec} in an exported model's metadata (key {@link FORECAST_SPEC_KEY}), checked against the model:
 * `history·features` must be its input width, one point column per target cell `h·V + v` inside its output width, and
 * a scaling for every target.
 * @throws DataFileError naming the model file when the key is absent (not exported by `air-pollution export`), the
 *   JSON is broken, or the spec does not fit the model.
 */
export function modelForecastSpec(forecaster: Pick<OnnxForecaster, 'path' | 'metadata' | 'inputSize' | 'outputSize'>): ForecastSpec {
  const file = forecaster.path;
  const text = forecaster.metadata[FORECAST_SPEC_KEY];
  if (text === undefined) {
    throw new DataFileError(
      { file },
      `has no forecast spec in its metadata (key "${FORECAST_SPEC_KEY}"): export a trained run with \`air-pollution export --run <out>/runs/<method>/seed-<r> --out model.onnx\``,
    );
  }
  const json = parseJsonBytes(Buffer.from(text), 'a JSON forecast spec');
  if (json.problem !== undefined) throw new DataFileError({ file }, `metadata "${FORECAST_SPEC_KEY}": ${json.problem}`);
  const spec = json.value as ForecastSpec;
  const bad = (what: string): never => {
    throw new DataFileError({ file }, `metadata "${FORECAST_SPEC_KEY}": ${what}`);
  };
  if (spec === null || typeof spec !== 'object' || spec.format !== 'counterweight-air-pollution-forecast-spec') bad('is not an air-pollution forecast spec');
  if (spec.frequency !== 'hourly' && spec.frequency !== 'daily') bad(`frequency must be "hourly" or "daily", got ${JSON.stringify(spec.frequency)}`);
  if (!Number.isInteger(spec.history) || spec.history < 1) bad(`history must be an integer ≥ 1, got ${JSON.stringify(spec.history)}`);
  if (!isIntegerList(spec.horizons) || spec.horizons.length === 0) bad('horizons must be a non-empty list of integers');
  if (!isStringList(spec.features) || !isStringList(spec.targets) || spec.targets.length === 0) bad('features and targets must be lists of names');
  if (spec.history * spec.features.length !== forecaster.inputSize) {
    bad(`history ${spec.history} × ${spec.features.length} features = ${spec.history * spec.features.length} does not match the model's input width ${forecaster.inputSize}`);
  }
  const cells = spec.horizons.length * spec.targets.length;
  const inside = (c: number): boolean => Number.isInteger(c) && c >= 0 && c < forecaster.outputSize;
  if (!isIntegerList(spec.pointColumns) || spec.pointColumns.length !== cells || !spec.pointColumns.every(inside)) {
    bad(`pointColumns must hold ${cells} output columns (horizons × targets) below ${forecaster.outputSize}`);
  }
  if (spec.quantiles !== undefined) {
    const { levels, columns } = spec.quantiles;
    if (!Array.isArray(levels) || !levels.every((l) => typeof l === 'number' && l > 0 && l < 1)) bad('quantiles.levels must be numbers in (0, 1)');
    if (!Array.isArray(columns) || columns.length !== cells || !columns.every((c) => isIntegerList(c) && c.length === levels.length && c.every(inside))) {
      bad(`quantiles.columns must hold ${levels.length} output columns for each of the ${cells} cells`);
    }
  }
  for (const name of spec.targets) {
    const s = spec.scaling?.[name];
    if (s === undefined || !Number.isFinite(s.mean) || !Number.isFinite(s.std)) bad(`no scaling for target "${name}"`);
  }
  return spec;
}

/** CSV column name of a quantile level: 0.1 → `p10`, 0.5 → `p50`, 0.025 → `p2.5`. */
export function quantileColumnName(level: number): string {
  return `p${Number((level * 100).toFixed(6))}`;
}

/** A CSV cell: quoted (inner quotes doubled) when it holds a comma, quote or line break. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A forecast value with 7 significant digits (float32 precision); empty when not finite. */
function csvNumber(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(7))) : '';
}

/**
 * Writes text pieces to `path` so that readers see either no file (or the old one) or the complete new one: the pieces
 * stream to a temporary sibling (buffered, flushed to disk), which is renamed over `path`; on any error it is removed.
 * A streaming form of the runtime's `writeFileAtomic`, for outputs too large for one string.
 */
async function writeTextAtomic(path: string, produce: (write: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp-${process.pid}`);
  const handle = await open(tmp, 'w');
  let closed = false;
  try {
    let buffer: string[] = [];
    let size = 0;
    const flush = async (): Promise<void> => {
      if (buffer.length === 0) return;
      const text = buffer.join('');
      buffer = [];
      size = 0;
      await handle.write(text);
    };
    await produce(async (text) => {
      buffer.push(text);
      size += text.length;
      if (size >= 1 << 20) await flush();
    });
    await flush();
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(tmp, path);
  } catch (error) {
    if (!closed) await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * `predict`: forecasts every window of a station table with an exported model and writes them as CSV.
 *
 * 1. Reads the {@link ForecastSpec} from the model's ONNX metadata ({@link modelForecastSpec}).
 * 2. Loads the table with `loadStationData` (`source`, `mapping`, the spec's frequency) and cuts, station by station,
 *    the windows of {@link inferenceWindows} (every end `t ≥ history − 1`, or the last `last`), normalised with the
 *    spec's training scaling.
 * 3. Runs onnxruntime-node in batches; the point forecast of target `v` at horizon `h` is output column
 *    `pointColumns[h·V + v]`, de-normalised as `x·std_v + mean_v` (training scaling of `v`). Quantile models also give
 *    one column per level (`p10`, `p50`, `p90`, …), de-normalised the same way and with crossings repaired by sorting
 *    (rearrangement, Chernozhukov, Fernández-Val & Galichon 2010); no conformal calibration (the report's is fitted on
 *    validation windows, which `predict` has not got).
 * 4. Writes `station,time,horizon,target_time,variable,forecast[,p…]` rows (times `YYYY-MM-DD HH:mm`, wall clock of
 *    the table; `horizon` in grid steps; `target_time` = time + horizon steps), station-major, then time, horizon and
 *    variable in the model's target order — only `variables` when given — atomically: on any error no file is left.
 *
 * Memory: one station's windows at a time (`steps × history × features × 4` bytes) plus its outputs.
 * @throws DataFileError naming the model file (no or bad spec) or the table's files (a feature the table cannot
 *   make, too short); ConfigError `--variables` (an unknown variable, listing the model's), `--last`, `--mapping`;
 *   OnnxModelError naming the model file when it cannot be loaded or run.
 */
export async function predictTable(options: PredictTableOptions): Promise<PredictTableResult> {
  const forecaster = await OnnxForecaster.load(options.model);
  try {
    const spec = modelForecastSpec(forecaster);
    const wanted = options.variables ?? spec.targets;
    const unknown = wanted.filter((v) => !spec.targets.includes(v));
    if (unknown.length > 0 || wanted.length === 0) {
      throw new ConfigError(
        '--variables',
        `${unknown.length > 0 ? `unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((v) => `"${v}"`).join(', ')}` : 'no variable given'}; ${basename(options.model)} forecasts ${spec.targets.join(', ')}`,
      );
    }
    if (options.last !== undefined && (!Number.isInteger(options.last) || options.last < 1)) throw new ConfigError('--last', `must be an integer ≥ 1, got ${options.last}`);
    const table: AlignedTable = await loadStationData({
      source: options.source,
      ...(options.mapping === undefined ? {} : { mapping: readMappingFile(options.mapping) }),
      frequency: spec.frequency,
      interpolateMaxGap: spec.interpolateMaxGap ?? 0,
    });

    const V = spec.targets.length;
    const horizons = spec.horizons;
    const variableIndex = spec.targets.flatMap((name, v) => (wanted.includes(name) ? [v] : []));
    const scale = spec.targets.map((name) => spec.scaling[name] ?? { mean: 0, std: 1 });
    const levels = spec.quantiles?.levels ?? [];
    const quantileColumns = spec.quantiles?.columns ?? [];
    const W = forecaster.outputSize;
    const header = ['station', 'time', 'horizon', 'target_time', 'variable', 'forecast', ...levels.map(quantileColumnName)];
    let rows = 0;
    let windows = 0;
    await writeTextAtomic(options.out, async (write) => {
      await write(`${header.join(',')}\n`);
      for (const series of table.stations) {
        const cut = inferenceWindows({ ...table, stations: [series] }, { history: spec.history, features: spec.features, scaling: spec.scaling, ...(options.last === undefined ? {} : { last: options.last }) });
        const outputs = await forecaster.predict(cut.inputs, options.batchSize === undefined ? {} : { batchSize: options.batchSize });
        const station = csvCell(series.station);
        const lines: string[] = [];
        for (let w = 0; w < cut.count; w++) {
          const end = cut.time[w] ?? 0;
          const time = formatGridTime(end);
          const row = outputs.subarray(w * W, (w + 1) * W);
          const repaired = levels.length === 0 ? [] : repairQuantileCrossing(quantileColumns.map((cols, k) => cols.map((c) => (row[c] ?? NaN) * (scale[k % V]?.std ?? 1) + (scale[k % V]?.mean ?? 0))));
          horizons.forEach((h, j) => {
            const prefix = `${station},${time},${h},${formatGridTime(end + h * table.stepMs)},`;
            for (const v of variableIndex) {
              const k = j * V + v;
              const s = scale[v] ?? { mean: 0, std: 1 };
              const point = (row[spec.pointColumns[k] ?? 0] ?? NaN) * s.std + s.mean;
              const q = repaired[k];
              lines.push(`${prefix}${csvCell(spec.targets[v] ?? '')},${csvNumber(point)}${q === undefined ? '' : `,${Array.from(q, csvNumber).join(',')}`}\n`);
            }
          });
          if (lines.length >= 8192) await write(lines.splice(0).join(''));
        }
        await write(lines.join(''));
        rows += cut.count * horizons.length * variableIndex.length;
        windows += cut.count;
      }
    });
    return { rows, windows, stations: table.stations.length };
  } finally {
    await forecaster.release();
  }
}
