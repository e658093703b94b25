import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import { OnnxModelError } from '@counterweight/runtime/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createForecastModel } from '../models/forecast-model.js';
import { exportForecastModel } from './export.js';
import { OnnxForecaster, predictOnnx } from './predict.js';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'air-pollution-onnx-predict-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('OnnxForecaster errors', () => {
  it('names the file when it is missing or a folder, or the windows do not fit', async () => {
    await expect(OnnxForecaster.load(join(dir, 'missing.onnx'))).rejects.toThrow(OnnxModelError);
    await expect(OnnxForecaster.load(join(dir, 'missing.onnx'))).rejects.toThrow(/missing\.onnx: file not found; give a model written by `air-pollution export`/);
    await expect(OnnxForecaster.load(dir)).rejects.toThrow(`${dir}: is a folder, not an ONNX model file`);
    const model = createForecastModel({ kind: 'mlp', hidden: 4, layers: 1, headHidden: 3, kernelSize: 2 }, { history: 8, features: 5, weatherOutputs: 0, pollutantOutputs: 4 }, 1);
    const path = join(dir, 'small.onnx');
    try {
      await exportForecastModel(model, path);
    } finally {
      model.dispose();
    }
    await expect(predictOnnx(path, new Float32Array(41))).rejects.toThrow(/small\.onnx: 41 values are not a whole number of windows of 40 values/);
    await expect(predictOnnx(path, new Float32Array(80), { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    expect((await predictOnnx(path, new Float32Array(80))).length).toBe(8);
  });
});
