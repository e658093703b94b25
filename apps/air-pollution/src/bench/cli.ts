#!/usr/bin/env node
// air-pollution benchmark (`npx nx run air-pollution:bench`), one process, one sitting:
//  1. data: windows/s from the Beijing station files (embedded sample by default) to batched tensors through the data
//     layer (loadStationData → makeWindows → createDataset().batches), from the CSVs and from Parquet and Arrow IPC
//     copies of them written once into a temporary directory;
//  2. training: samples/s of the forecaster (default MLP, and the TCN) with the `mae` objective through runtime train(),
//     batch 256, Beijing window shapes (48 × 19 inputs, 15 + 18 outputs), on the wasm and cpu backends;
//  3. the PyTorch peer: the same MLP, loss, optimiser, batch and steps in bench/torch_forecaster.py, one process per
//     thread count (1 and 2), OpenBLAS overrides unset in its processes only; the headline is tfjs-wasm / torch.
// Prints one JSON line per measurement and writes everything to bench-results/air-pollution.json at the repository root.
//
// Options (all optional): --data sample|beijing|<file,file,…>  --formats csv,parquet,arrow  --backends wasm,cpu
// --models mlp,tcn  --steps N  --repetitions N  --threads 1,2 (torch)  --torch-python PATH  --no-torch  --quick (one
// repetition, 2 steps: a smoke test, not numbers to quote)  --out FILE. A partial run still writes the file.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { BenchOptionError, benchMachine, errorText, listOption, loadAverage, peerWarnings } from '@counterweight/bench-kit';
import { initBackend, repositoryRoot, writeJsonAtomic } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import { BEIJING_SAMPLE_DIR, beijingDataFiles } from '../data/index.js';
import { DEFAULT_FORECAST_MODEL, FORECAST_MODEL_KINDS, createForecastModel, type ForecastModelKind } from '../models/index.js';
import type { ForecastModelConfig } from '../models/forecast-model-config.js';
import { measureDataThroughput } from './data-throughput.js';
import { peerRatios, type TfjsRate } from './peer-comparison.js';
import { BEIJING_WINDOW_SHAPE, syntheticWindows } from './synthetic-windows.js';
import { TABLE_FORMATS, writeTableCopies, type TableCopies } from './table-copies.js';
import { torchPeer, type TorchPeerOutcome, type TorchPeerSpec } from './torch-peer.js';
import { measureForecasterTraining } from './training-throughput.js';

const BENCH_BACKENDS = ['wasm', 'cpu'] as const;
const BATCH_SIZE = 256;
const SEED = 1;
const LEARNING_RATE = 1e-3;
/** Seconds of timed training repetitions per model and backend at most (estimated from the warm-up epoch). */
const BUDGET_SECONDS = 60;
const OPTIONS = '--data, --formats, --backends, --models, --steps, --repetitions, --threads, --torch-python, --no-torch, --quick, --out';

const METHOD = {
  data:
    'loadStationData (DuckDB read_csv / read_parquet, apache-arrow for Arrow IPC; checks; hourly alignment) → makeWindows (history 48, ' +
    'horizons 1,6,24) → createDataset({inputs, targets, mask}).batches(256, shuffled) for train, validation and test, every batch ' +
    'made as tensors on the active backend and disposed; one untimed warm-up pass before the first format; windows/s = windows ' +
    'batched / seconds of the whole pass, median over repetitions',
  training:
    'runtime train() with Adam (lr 1e-3) and the mae objective (masked MAE per head, summed) on synthetic windows of the Beijing shape; ' +
    "one untimed warm-up epoch, then epochs of `steps` steps; samples/s = the trainer's rows / seconds of its steps (batch gather, " +
    'forward, backward, update, loss read-back), median over repetitions',
  peer:
    'bench/torch_forecaster.py: the same MLP sizes, Glorot init, masked MAE per head summed, Adam (lr 1e-3, eps 1e-7), batch and steps; ' +
    'one process per thread count with OMP/OPENBLAS/MKL_NUM_THREADS set and OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset; each step timed ' +
    'from the batch gather to loss.item(); median over repetitions; ratio = tfjs samples/s ÷ torch samples/s',
};

type Emit = (record: Record<string, unknown>) => void;

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** Whole numbers from 100 up, two decimals below. */
function roundRate(rate: number): number {
  return rate >= 100 ? Math.round(rate) : round(rate, 2);
}

function positiveInteger(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new BenchOptionError(flag, `must be a positive integer, got "${value}"`);
  return n;
}

function threadCounts(value: string | undefined): number[] {
  if (value === undefined) return [1, 2];
  const counts = value.split(',').map((v) => v.trim()).filter((v) => v !== '').map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new BenchOptionError('--threads', `must be comma-separated positive integers, got "${value}"`);
  }
  return [...new Set(counts)];
}

/** The station CSVs a `--data` value names: the embedded sample, the twelve Beijing files, or a comma-separated list. */
async function dataFiles(data: string): Promise<readonly string[]> {
  if (data === 'sample') {
    const names = (await readdir(BEIJING_SAMPLE_DIR)).filter((f) => f.endsWith('.csv.gz')).sort();
    return names.map((f) => join(BEIJING_SAMPLE_DIR, f));
  }
  if (data === 'beijing') return beijingDataFiles();
  return data.split(',').map((f) => f.trim()).filter((f) => f !== '');
}

function modelConfig(kind: ForecastModelKind): ForecastModelConfig {
  return { ...DEFAULT_FORECAST_MODEL, kind };
}

/** Parameters of the MLP at the Beijing shape (what the peer must match). */
function mlpParameterCount(): number {
  const shape = BEIJING_WINDOW_SHAPE;
  const model = createForecastModel(
    modelConfig('mlp'),
    {
      history: shape.history,
      features: shape.weather.length + shape.pollutants.length + shape.otherFeatures.length,
      weatherOutputs: shape.horizons.length * shape.weather.length,
      pollutantOutputs: shape.horizons.length * shape.pollutants.length,
    },
    SEED,
  );
  const count = model.parameterCount;
  model.dispose();
  return count;
}

interface Plan {
  readonly files: readonly string[];
  readonly data: string;
  readonly formats: readonly (typeof TABLE_FORMATS)[number][];
  readonly backends: readonly (typeof BENCH_BACKENDS)[number][];
  readonly models: readonly ForecastModelKind[];
  readonly steps: number;
  readonly repetitions: number;
  readonly dataRepetitions: number;
}

async function benchData(plan: Plan, emit: Emit): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'air-pollution-bench-'));
  const backend = plan.backends[0] ?? 'wasm';
  const results: Record<string, unknown>[] = [];
  let copies: TableCopies | undefined;
  try {
    await initBackend(backend, { log: null });
    copies = await writeTableCopies(plan.files, dir);
    for (const [i, format] of plan.formats.entries()) {
      try {
        const m = await measureDataThroughput({
          files: copies.files[format],
          history: BEIJING_WINDOW_SHAPE.history,
          horizons: BEIJING_WINDOW_SHAPE.horizons,
          batchSize: BATCH_SIZE,
          repetitions: plan.dataRepetitions,
          seed: SEED,
          warmupPasses: i === 0 ? 1 : 0,
        });
        const record = {
          stage: 'data',
          format,
          backend,
          windowsPerSec: roundRate(m.windowsPerSec),
          windows: m.windows,
          stations: m.stations,
          stepsPerStation: m.steps,
          bytes: copies.bytes[format],
          seconds: Object.fromEntries(Object.entries(m.seconds).map(([k, v]: [string, number]) => [k, round(v, 3)])),
          repetitions: m.repetitions,
          spread: round(m.spread, 3),
        };
        results.push(record);
        emit(record);
      } catch (error) {
        const record = { stage: 'data', format, backend, error: errorText(error) };
        results.push(record);
        emit(record);
      }
    }
  } catch (error) {
    const record = { stage: 'data', backend, error: errorText(error) };
    results.push(record);
    emit(record);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const csvRate = results.find((r) => r['format'] === 'csv')?.['windowsPerSec'];
  const relative = Object.fromEntries(
    results
      .filter((r) => typeof r['windowsPerSec'] === 'number' && r['format'] !== 'csv' && typeof csvRate === 'number')
      .map((r) => [`${String(r['format'])}/csv`, round((r['windowsPerSec'] as number) / (csvRate as number), 3)]),
  );
  return { source: plan.data, files: plan.files.length, batchSize: BATCH_SIZE, results, ...(Object.keys(relative).length > 0 ? { ratios: relative } : {}) };
}

async function benchTraining(plan: Plan, emit: Emit): Promise<{ results: Record<string, unknown>[]; mlpRates: TfjsRate[] }> {
  const windows = syntheticWindows(BEIJING_WINDOW_SHAPE, { train: plan.steps * BATCH_SIZE, seed: SEED });
  const results: Record<string, unknown>[] = [];
  const mlpRates: TfjsRate[] = [];
  for (const backend of plan.backends) {
    let threads: number;
    let simd: boolean | undefined;
    try {
      ({ threads, simd } = await initBackend(backend, { log: null }));
    } catch (error) {
      const record = { stage: 'training', backend, skipped: errorText(error) };
      results.push(record);
      emit(record);
      continue;
    }
    for (const kind of plan.models) {
      const model = modelConfig(kind);
      try {
        const m = await measureForecasterTraining({
          windows,
          model,
          objective: 'mae',
          batchSize: BATCH_SIZE,
          steps: plan.steps,
          repetitions: plan.repetitions,
          budgetSeconds: BUDGET_SECONDS,
          seed: SEED,
          learningRate: LEARNING_RATE,
        });
        const record = {
          stage: 'training',
          model: kind,
          objective: 'mae',
          backend: m.backend,
          threads,
          ...(simd === undefined ? {} : { simd }),
          batchSize: BATCH_SIZE,
          samplesPerSec: roundRate(m.samplesPerSec),
          stepMs: round(m.stepMs, 3),
          repetitions: m.repetitions,
          stepsPerRepetition: m.stepsPerRepetition,
          spread: round(m.spread, 3),
          firstLoss: round(m.firstLoss, 4),
          lastLoss: round(m.lastLoss, 4),
          parameterCount: m.parameterCount,
          config: model,
        };
        results.push(record);
        emit(record);
        if (kind === 'mlp') mlpRates.push({ backend: m.backend, threads, samplesPerSec: m.samplesPerSec });
      } catch (error) {
        const record = { stage: 'training', model: kind, backend, error: errorText(error) };
        results.push(record);
        emit(record);
      }
    }
  }
  return { results, mlpRates };
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      data: { type: 'string' },
      formats: { type: 'string' },
      backends: { type: 'string' },
      models: { type: 'string' },
      steps: { type: 'string' },
      repetitions: { type: 'string' },
      threads: { type: 'string' },
      'torch-python': { type: 'string' },
      'no-torch': { type: 'boolean' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const quick = flags.quick === true;
  const data = flags.data ?? 'sample';
  const plan: Plan = {
    data,
    files: await dataFiles(data),
    formats: listOption(flags.formats, TABLE_FORMATS, '--formats'),
    backends: listOption(flags.backends, BENCH_BACKENDS, '--backends'),
    models: listOption(flags.models, FORECAST_MODEL_KINDS, '--models'),
    steps: positiveInteger(flags.steps, quick ? 2 : 20, '--steps'),
    repetitions: positiveInteger(flags.repetitions, quick ? 1 : 5, '--repetitions'),
    dataRepetitions: positiveInteger(flags.repetitions, quick ? 1 : 3, '--repetitions'),
  };
  if (plan.files.length === 0) throw new BenchOptionError('--data', 'names no station file');
  const threads = threadCounts(flags.threads);
  const out = flags.out ?? join(repositoryRoot(), 'bench-results', 'air-pollution.json');
  const started = performance.now();
  const machine = benchMachine({ tfjs: tf.version_core });
  const results: Record<string, unknown>[] = [];
  const emit: Emit = (record) => {
    results.push(record);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  };

  const dataSummary = await benchData(plan, emit);
  const training = await benchTraining(plan, emit);

  const shape = BEIJING_WINDOW_SHAPE;
  const mlp = modelConfig('mlp');
  const spec: TorchPeerSpec = {
    history: shape.history,
    features: shape.weather.length + shape.pollutants.length + shape.otherFeatures.length,
    weather: shape.weather.length,
    pollutants: shape.pollutants.length,
    horizons: shape.horizons.length,
    hidden: mlp.hidden,
    layers: mlp.layers,
    headHidden: mlp.headHidden,
    batchSize: BATCH_SIZE,
    steps: plan.steps,
    repetitions: plan.repetitions,
    seed: SEED,
    learningRate: LEARNING_RATE,
  };
  let peer: TorchPeerOutcome;
  if (flags['no-torch'] === true) {
    peer = { status: 'unavailable', reason: '--no-torch' };
  } else {
    try {
      peer = await torchPeer(spec, threads, flags['torch-python'] === undefined ? {} : { pythons: [flags['torch-python']] });
    } catch (error) {
      peer = { status: 'unavailable', reason: errorText(error) };
    }
  }
  emit({ stage: 'peer', ...peer });
  const comparisons =
    peer.status === 'measured'
      ? peerRatios(training.mlpRates, peer.records).map((r) => ({ ...r, ratio: round(r.ratio, 4), tfjs: roundRate(r.tfjs), torch: roundRate(r.torch) }))
      : [];
  for (const c of comparisons) emit({ stage: 'comparison', model: 'mlp', ...c });
  const warnings = peer.status === 'measured' ? peerWarnings(peer.records, mlpParameterCount()) : [];
  for (const warning of warnings) emit({ stage: 'peer', warning });
  const headline = comparisons.find((c) => c.comparison === 'tfjs-wasm/torch-1t');
  const bestTorch = comparisons.find((c) => c.backend === 'wasm' && c.bestTorch);

  const seconds = round((performance.now() - started) / 1000, 1);
  await writeJsonAtomic(out, {
    benchmark: 'air-pollution',
    date: new Date().toISOString(),
    quick,
    method: METHOD,
    machine: { ...machine, loadAverageAtEnd: loadAverage() },
    settings: {
      batchSize: BATCH_SIZE,
      history: shape.history,
      horizons: shape.horizons,
      features: spec.features,
      outputs: { weather: shape.horizons.length * spec.weather, pollutant: shape.horizons.length * spec.pollutants },
      steps: plan.steps,
      repetitions: plan.repetitions,
      dataRepetitions: plan.dataRepetitions,
      models: Object.fromEntries(plan.models.map((k) => [k, modelConfig(k)])),
      torchThreads: threads,
    },
    data: dataSummary,
    training: training.results,
    peer,
    comparisons,
    headline:
      headline === undefined
        ? { 'tfjs-wasm/torch-1t': null, reason: peer.status === 'unavailable' ? `peer unavailable: ${peer.reason}` : 'no wasm MLP measurement' }
        : {
            'tfjs-wasm/torch-1t': headline.ratio,
            ...(bestTorch === undefined ? {} : { 'tfjs-wasm/torch-best': bestTorch.ratio, bestTorchThreads: bestTorch.torchThreads }),
          },
    warnings,
    seconds,
    results,
  });
  process.stderr.write(`wrote ${out} (${seconds} s)\n`);
}

main().catch((error: unknown) => {
  // A bad flag is one line, the last on screen; a failure of the bench itself keeps its stack.
  const code = (error as { code?: unknown }).code;
  const flagError = error instanceof BenchOptionError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
  const text = flagError ? `${errorText(error)} (options: ${OPTIONS})` : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`air-pollution bench: ${text}\n`);
  process.exitCode = 1;
});
