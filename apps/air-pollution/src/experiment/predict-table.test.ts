import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ConfigError, DataFileError, createOptimizer, initBackend, train } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BEIJING_MAPPING, BEIJING_SAMPLE_DIR, formatGridTime, inferenceWindows, loadStationData, makeWindows, type AlignedTable, type ForecastWindows } from '../data/index.js';
import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { createForecastModel } from '../models/index.js';
import { createObjective } from '../objectives/index.js';
import type { ObjectiveName } from '../objectives/objective.js';
import { exportForecastModel } from '../onnx/index.js';
import { exportRun, writeTrainedForecaster } from './export-run.js';
import { predictTable, quantileColumnName } from './predict-table.js';
import { windowDataset } from './train-forecaster.js';

const HISTORY = 6;
const HORIZONS = [1, 3];
const LAST = 3;

let table: AlignedTable;
let windows: ForecastWindows;
let dir: string;

beforeAll(async () => {
  await initBackend('cpu', { log: null });
  dir = await tempDir('predict');
  table = await loadStationData({ source: 'sample' });
  windows = makeWindows(table, { history: HISTORY, horizons: HORIZONS, stride: 97 });
}, 120_000);
afterAll(removeTempDirs);

/**
 * Trains a tiny MLP with `name` for a few steps, saves it as a run folder the way `compare` does, exports it to ONNX,
 * and returns the tfjs forecasts of the last `LAST` windows of every station in original units: the point forecast
 * `[N, H, V]` and (quantile) the quantiles `[N, H, V, Q]`, sorted per cell.
 */
async function trainedModel(name: ObjectiveName): Promise<{ onnx: string; point: Float32Array; quantiles?: Float32Array; levels?: readonly number[] }> {
  const objective = createObjective(name, windows);
  const model = createForecastModel(
    { kind: 'mlp', hidden: 8, layers: 1, headHidden: 4, kernelSize: 2 },
    { history: HISTORY, features: windows.features.length, weatherOutputs: objective.weatherOutputs, pollutantOutputs: objective.pollutantOutputs },
    11,
  );
  const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
  try {
    await train({ model, loss: objective.loss, train: windowDataset(windows, windows.train, objective, 'train'), epochs: 1, batchSize: 128, optimizer, seed: 3, progress: { quiet: true } });
    const run = join(dir, 'runs', name, 'seed-1');
    await mkdir(run, { recursive: true });
    await writeTrainedForecaster(run, { model, objective, history: [], taskWeights: [], trainSeconds: 0, bestEpoch: 1 }, windows);
    const onnx = join(dir, `${name}.onnx`);
    await exportRun(run, onnx);
    // tfjs forecasts of the same windows.
    const cut = inferenceWindows(table, { history: HISTORY, features: windows.features, scaling: windows.scaling, last: LAST });
    const before = tf.memory().numTensors;
    const { point, quantiles } = tf.tidy(() => {
      const outputs = model.predict(tf.tensor2d(cut.inputs, [cut.count, HISTORY * windows.features.length]), { training: false }) as tf.Tensor2D;
      return {
        point: objective.point(outputs).dataSync() as Float32Array,
        quantiles: objective.quantiles === undefined ? undefined : (objective.quantiles(outputs).dataSync() as Float32Array),
      };
    });
    expect(tf.memory().numTensors).toBe(before);
    const V = windows.targets.length;
    const scale = windows.targets.map((v) => windows.scaling[v] ?? { mean: NaN, std: NaN });
    point.forEach((x, k) => (point[k] = x * (scale[k % V]?.std ?? NaN) + (scale[k % V]?.mean ?? NaN)));
    const levels = objective.quantileLevels;
    if (quantiles === undefined || levels === undefined) return { onnx, point };
    const Q = levels.length;
    for (let cell = 0; cell < quantiles.length / Q; cell++) {
      const s = scale[cell % V];
      const sorted = Array.from(quantiles.subarray(cell * Q, (cell + 1) * Q), (x) => x * (s?.std ?? NaN) + (s?.mean ?? NaN)).sort((a, b) => a - b);
      quantiles.set(sorted, cell * Q);
    }
    return { onnx, point, quantiles, levels };
  } finally {
    optimizer.dispose();
    model.dispose();
    objective.dispose();
  }
}

let mae: ReturnType<typeof trainedModel> | undefined;
/** The MAE model, trained once for the tests that use it. */
const maeModel = (): ReturnType<typeof trainedModel> => (mae ??= trainedModel('mae'));

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split('\n');
  return { header: (lines[0] ?? '').split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));

describe('predictTable', () => {
  it('writes the forecasts of the last windows of every sample station, equal to the tfjs model (MAE objective)', async () => {
    const { onnx, point } = await maeModel();
    const out = join(dir, 'out', 'mae.csv');
    const result = await predictTable({ model: onnx, source: 'sample', last: LAST, out });
    const V = windows.targets.length;
    const Hn = HORIZONS.length;
    expect(result).toEqual({ rows: 3 * LAST * Hn * V, windows: 3 * LAST, stations: 3 });
    const { header, rows } = parseCsv(await readFile(out, 'utf8'));
    expect(header).toEqual(['station', 'time', 'horizon', 'target_time', 'variable', 'forecast']);
    expect(rows.length).toBe(result.rows);
    const lastTime = table.start + (table.length - 1) * table.stepMs;
    let r = 0;
    ['Changping', 'Dingling', 'Dongsi'].forEach((station, s) => {
      for (let e = 0; e < LAST; e++) {
        const end = lastTime - (LAST - 1 - e) * table.stepMs;
        HORIZONS.forEach((h, j) => {
          windows.targets.forEach((variable, v) => {
            const row = rows[r++] ?? [];
            expect(row.slice(0, 5)).toEqual([station, formatGridTime(end), String(h), formatGridTime(end + h * table.stepMs), variable]);
            const expected = point[((s * LAST + e) * Hn + j) * V + v] ?? NaN;
            const got = Number(row[5]);
            if (!close(got, expected)) expect.fail(`${station} ${formatGridTime(end)} h=${h} ${variable}: ONNX ${got}, tfjs ${expected}`);
          });
        });
      }
    });
    expect(formatGridTime(lastTime)).toBe('2017-02-28 23:00');
    // --variables keeps those rows only, in the model's target order.
    const some = join(dir, 'out', 'some.csv');
    const picked = await predictTable({ model: onnx, source: 'sample', last: 1, variables: ['PM2.5', 'TEMP'], out: some });
    expect(picked).toEqual({ rows: 3 * Hn * 2, windows: 3, stations: 3 });
    expect(parseCsv(await readFile(some, 'utf8')).rows.map((row) => row[4])).toEqual(Array.from({ length: 3 * Hn }, () => ['TEMP', 'PM2.5']).flat());
  }, 240_000);

  it('adds one column per quantile level, equal to the tfjs quantiles (sorted) of the quantile objective', async () => {
    const { onnx, quantiles, levels } = await trainedModel('quantile');
    expect(levels).toEqual([0.1, 0.5, 0.9]);
    const out = join(dir, 'out', 'quantile.csv');
    await predictTable({ model: onnx, source: 'sample', last: LAST, out });
    const { header, rows } = parseCsv(await readFile(out, 'utf8'));
    expect(header).toEqual(['station', 'time', 'horizon', 'target_time', 'variable', 'forecast', 'p10', 'p50', 'p90']);
    expect(rows.length).toBe(3 * LAST * HORIZONS.length * windows.targets.length);
    rows.forEach((row, i) => {
      for (let q = 0; q < 3; q++) {
        const expected = quantiles?.[i * 3 + q] ?? NaN;
        if (!close(Number(row[6 + q]), expected)) expect.fail(`row ${i + 2} ${header[6 + q]}: ONNX ${row[6 + q]}, tfjs ${expected}`);
      }
    });
    expect([0.025, 0.1, 0.5, 0.975].map(quantileColumnName)).toEqual(['p2.5', 'p10', 'p50', 'p97.5']);
  }, 240_000);

  it('names the model without a spec, an unknown --variables and a missing feature column, and leaves no file behind', async () => {
    const errors = join(dir, 'errors');
    await mkdir(errors, { recursive: true });
    const out = join(errors, 'forecasts.csv');
    // A bare export (no spec in the metadata).
    const bare = createForecastModel({ kind: 'mlp', hidden: 4, layers: 1, headHidden: 3, kernelSize: 2 }, { history: HISTORY, features: windows.features.length, weatherOutputs: 10, pollutantOutputs: 12 }, 1);
    const barePath = join(errors, 'bare.onnx');
    try {
      await exportForecastModel(bare, barePath);
    } finally {
      bare.dispose();
    }
    const noSpec = predictTable({ model: barePath, source: 'sample', out });
    await expect(noSpec).rejects.toThrow(DataFileError);
    await expect(predictTable({ model: barePath, source: 'sample', out })).rejects.toThrow(/bare\.onnx: has no forecast spec in its metadata/);

    const { onnx } = await maeModel();
    const unknown = predictTable({ model: onnx, source: 'sample', variables: ['PM2.5', 'PM1'], out });
    await expect(unknown).rejects.toThrow(ConfigError);
    await expect(predictTable({ model: onnx, source: 'sample', variables: ['PM2.5', 'PM1'], out })).rejects.toThrow(
      /--variables: unknown variable "PM1"; mae\.onnx forecasts TEMP, PRES, DEWP, RAIN, WSPM, PM2\.5, PM10, SO2, NO2, CO, O3/,
    );

    // The sample files read with a mapping that leaves out TEMP: the model's first feature cannot be made.
    const { TEMP: _unit, ...units } = BEIJING_MAPPING.units ?? {};
    const mapping = join(errors, 'no-temp.json');
    await writeFile(mapping, JSON.stringify({ ...BEIJING_MAPPING, weather: BEIJING_MAPPING.weather?.filter((w) => w !== 'TEMP'), units }));
    const missing = predictTable({ model: onnx, source: `${BEIJING_SAMPLE_DIR}*.csv.gz`, mapping, last: 2, out });
    await expect(missing).rejects.toThrow(DataFileError);
    await expect(predictTable({ model: onnx, source: `${BEIJING_SAMPLE_DIR}*.csv.gz`, mapping, last: 2, out })).rejects.toThrow(
      /column "TEMP": the input feature "TEMP" cannot be made from this hourly table: its variables are PRES, DEWP, RAIN, WSPM, PM2\.5/,
    );
    expect((await readdir(errors)).sort()).toEqual(['bare.onnx', 'no-temp.json']);
  }, 240_000);
});
