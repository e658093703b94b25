import { median } from '@counterweight/bench-kit';
import { ConfigError, createDataset, disposeBatch } from '@counterweight/runtime';

import type { ForecastWindows } from '../data/forecast-windows.js';
import { BEIJING_MAPPING, SPLITS, loadStationData, makeWindows, type StationTableMapping } from '../data/index.js';
import { MASK_EXTRA } from '../objectives/index.js';

/** Options of {@link measureDataThroughput}. */
export interface DataThroughputOptions {
  /** The station files of one format (CSV, Parquet or Arrow IPC, as the data layer tells them apart by extension). */
  readonly files: readonly string[];
  /** Column mapping; default `BEIJING_MAPPING`. */
  readonly mapping?: StationTableMapping;
  /** Input steps per window (the comparison uses 48). */
  readonly history: number;
  /** Steps ahead (the comparison uses 1, 6, 24). */
  readonly horizons: readonly number[];
  /** Windows per batch (256). */
  readonly batchSize: number;
  /** Timed passes from the files to the last batch; the median is reported. */
  readonly repetitions: number;
  /** DuckDB threads of the reader; default DuckDB's (all cores). */
  readonly threads?: number;
  /** Seeds the batch order (shuffled like the trainer's). */
  readonly seed: number;
  /**
   * Untimed passes before the timed ones (default 0): the first pass in a process also pays for compiling the data
   * layer's JavaScript and loading DuckDB's Parquet reader, so the first format measured warms up once.
   */
  readonly warmupPasses?: number;
}

/** Median seconds of each stage of a pass. */
export interface DataStageSeconds {
  /** `loadStationData`: DuckDB reads and checks the files, then the stations are aligned on the hourly grid. */
  readonly load: number;
  /** `makeWindows`: standardised windows of every split. */
  readonly windows: number;
  /** `createDataset(…).batches(…)`: every window of every split gathered into batch tensors (inputs, targets, mask). */
  readonly batches: number;
  readonly total: number;
}

/** Windows/s of the data path on one format. */
export interface DataThroughput {
  /** Windows made and batched per pass (train + validation + test). */
  readonly windows: number;
  readonly stations: number;
  /** Grid steps per station. */
  readonly steps: number;
  /** Median over repetitions of windows / seconds of the whole pass. */
  readonly windowsPerSec: number;
  readonly seconds: DataStageSeconds;
  readonly repetitions: number;
  /** `(max − min) / median` of the per-repetition throughputs. */
  readonly spread: number;
}

/** Batches every split of `windows` as the trainer would (inputs `[B, history·features]`, targets and mask `[B, H·V]`), disposing each batch. */
function batchAll(windows: ForecastWindows, batchSize: number, seed: number): number {
  let rows = 0;
  const width = windows.horizons.length * windows.targets.length;
  for (const name of SPLITS) {
    const split = windows[name];
    if (split.count === 0) continue;
    const data = createDataset({
      inputs: { values: split.inputs, shape: [windows.history * windows.features.length] },
      targets: { values: split.targets, shape: [width] },
      extras: { [MASK_EXTRA]: { values: split.mask, shape: [width] } },
    });
    for (const batch of data.batches({ batchSize, seed, epoch: 0 })) {
      rows += batch.size;
      disposeBatch(batch);
    }
  }
  return rows;
}

/**
 * Windows per second from station files to batched tensors, through the app's data layer: `loadStationData` (DuckDB
 * reading CSV/Parquet, apache-arrow reading Arrow IPC, then alignment) → `makeWindows` → `createDataset(…).batches`
 * over train, validation and test (shuffled, the mask as the extra column the objectives read; each batch's tensors
 * are made on the active backend and disposed). After `warmupPasses` untimed passes, each repetition is a full pass;
 * the median is reported with the median time of each stage. Leaves no tensors behind.
 * @throws ConfigError naming `repetitions`/`batchSize` (not a positive integer), `warmupPasses` (negative) or `files` (empty); the data layer's
 *   DataFileError/ConfigError for a bad file or window option.
 */
export async function measureDataThroughput(options: DataThroughputOptions): Promise<DataThroughput> {
  for (const [name, value] of [['repetitions', options.repetitions], ['batchSize', options.batchSize]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigError(name, `must be an integer ≥ 1, got ${value}`);
  }
  if (options.files.length === 0) throw new ConfigError('files', 'needs at least one station file');
  const stages = { load: [] as number[], windows: [] as number[], batches: [] as number[], total: [] as number[] };
  const rates: number[] = [];
  let count = 0;
  let stations = 0;
  let steps = 0;
  const warmup = options.warmupPasses ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0) throw new ConfigError('warmupPasses', `must be an integer ≥ 0, got ${warmup}`);
  for (let rep = -warmup; rep < options.repetitions; rep += 1) {
    const t0 = performance.now();
    const table = await loadStationData({
      source: options.files,
      mapping: options.mapping ?? BEIJING_MAPPING,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    const t1 = performance.now();
    const windows = makeWindows(table, { history: options.history, horizons: options.horizons });
    const t2 = performance.now();
    count = batchAll(windows, options.batchSize, options.seed);
    const t3 = performance.now();
    if (rep < 0) continue;
    stations = table.stations.length;
    steps = table.length;
    stages.load.push((t1 - t0) / 1000);
    stages.windows.push((t2 - t1) / 1000);
    stages.batches.push((t3 - t2) / 1000);
    stages.total.push((t3 - t0) / 1000);
    rates.push(count / ((t3 - t0) / 1000));
  }
  const windowsPerSec = median(rates);
  return {
    windows: count,
    stations,
    steps,
    windowsPerSec,
    seconds: { load: median(stages.load), windows: median(stages.windows), batches: median(stages.batches), total: median(stages.total) },
    repetitions: rates.length,
    spread: (Math.max(...rates) - Math.min(...rates)) / windowsPerSec,
  };
}
