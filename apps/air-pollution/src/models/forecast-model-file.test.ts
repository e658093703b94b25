import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DataFileError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { ForecastModelConfig, ForecastModelShape } from './forecast-model-config.js';
import { FORECAST_MODEL_FILE, FORECAST_WEIGHTS_FILE, forecastModelFromWeights, loadForecastModel, saveForecastModel } from './forecast-model-file.js';
import { createForecastModel } from './forecast-model.js';
import { readWeights, syntheticDataset, syntheticWindows, trainBriefly } from './test-support/synthetic-windows.js';

const SHAPE: ForecastModelShape = { history: 5, features: 3, weatherOutputs: 2, pollutantOutputs: 3 };
const TCN: ForecastModelConfig = { kind: 'tcn', hidden: 6, layers: 2, headHidden: 4, kernelSize: 2 };

let dir: string;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'air-pollution-forecaster-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveForecastModel / loadForecastModel', () => {
  it.each(['mlp', 'tcn'] as const)('round-trips a trained %s: same weights, same predictions', async (kind) => {
    const model = createForecastModel({ ...TCN, kind }, SHAPE, 4);
    await trainBriefly(model, syntheticDataset(SHAPE, syntheticWindows(SHAPE, 64, 1)), { epochs: 1, batchSize: 16 });
    await saveForecastModel(dir, model);
    const loaded = await loadForecastModel(dir);
    const x = tf.randomNormal([7, 15], 0, 1, 'float32', 5);
    try {
      expect(loaded.config).toEqual(model.config);
      expect(loaded.shape).toEqual(SHAPE);
      expect(loaded.seed).toBe(4);
      expect(readWeights(loaded)).toEqual(readWeights(model));
      const a = model.predict(x, { training: false });
      const b = loaded.predict(x, { training: false });
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tf.dispose([a, b]);
    } finally {
      x.dispose();
      model.dispose();
      loaded.dispose();
    }
  });

  it('names the file that is missing, foreign or truncated', async () => {
    await expect(loadForecastModel(dir)).rejects.toThrow(new RegExp(`${FORECAST_MODEL_FILE}: does not exist`));
    await writeFile(join(dir, FORECAST_MODEL_FILE), '{"format":"something-else"}');
    await expect(loadForecastModel(dir)).rejects.toThrow(/is not a saved air-pollution forecaster/);
    const model = createForecastModel(TCN, SHAPE, 1);
    await saveForecastModel(dir, model);
    model.dispose();
    await writeFile(join(dir, FORECAST_WEIGHTS_FILE), new Uint8Array(12));
    const error = await loadForecastModel(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect(String(error)).toMatch(new RegExp(`${FORECAST_WEIGHTS_FILE}: has 12 bytes`));
  });
});

describe('forecastModelFromWeights', () => {
  it('rebuilds from named weights and rejects missing, misshapen or foreign variables, without leaking', () => {
    const model = createForecastModel(TCN, SHAPE, 9);
    const weights = Object.fromEntries(model.variables.map((v) => [v.name, v.variable]));
    const before = tf.memory().numTensors;
    const rebuilt = forecastModelFromWeights(TCN, SHAPE, weights, { source: 'run/checkpoints' });
    try {
      expect(readWeights(rebuilt)).toEqual(readWeights(model));
      const { 'pollutant/output/bias': _dropped, ...missing } = weights;
      expect(() => forecastModelFromWeights(TCN, SHAPE, missing, { source: 'run/checkpoints' })).toThrow(
        'run/checkpoints: lacks variable pollutant/output/bias [',
      );
      expect(() => forecastModelFromWeights({ ...TCN, hidden: 7 }, SHAPE, weights)).toThrow(/variable trunk\/conv0\/kernel has shape \[2, 3, 6\], this tcn architecture needs \[2, 3, 7\]/);
      expect(() => forecastModelFromWeights({ ...TCN, kind: 'mlp' }, SHAPE, weights)).toThrow(/does not have: trunk\/conv0\/kernel/);
      expect(tf.memory().numTensors).toBe(before + rebuilt.variables.length);
    } finally {
      rebuilt.dispose();
      model.dispose();
    }
  });
});
