import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SeededRandom, initBackend } from '@counterweight/runtime';
import { onnx } from '@counterweight/runtime/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ForecastModelConfig, ForecastModelKind, ForecastModelShape } from '../models/forecast-model-config.js';
import { createForecastModel } from '../models/forecast-model.js';
import { syntheticDataset, syntheticWindows, trainBriefly } from '../models/test-support/synthetic-windows.js';
import { FORECAST_ONNX_CONFIG_KEY, FORECAST_ONNX_SHAPE_KEY, buildForecastOnnx, convKernelToOnnx, exportForecastModel } from './export.js';
import { OnnxForecaster } from './predict.js';

const SHAPES: Record<string, ForecastModelShape> = {
  'with weather': { history: 8, features: 5, weatherOutputs: 3, pollutantOutputs: 4 },
  'pollutants only': { history: 8, features: 5, weatherOutputs: 0, pollutantOutputs: 4 },
};
const config = (kind: ForecastModelKind): ForecastModelConfig => ({ kind, hidden: 12, layers: 3, headHidden: 6, kernelSize: 3 });

let dir: string;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'air-pollution-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('convKernelToOnnx', () => {
  it('moves the tap axis last and the output channels first: [k, C, H] → [H, C, k]', () => {
    // value = 100·j + 10·c + h at [j, c, h]
    const values = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => 100 * Math.floor(i / 12) + 10 * (Math.floor(i / 4) % 3) + (i % 4));
    const out = convKernelToOnnx(values, [2, 3, 4]);
    for (let h = 0; h < 4; h += 1) for (let c = 0; c < 3; c += 1) for (let j = 0; j < 2; j += 1) expect(out[(h * 3 + c) * 2 + j]).toBe(100 * j + 10 * c + h);
  });
});

describe.each(['mlp', 'tcn'] as const)('ONNX export of the %s forecaster', (kind) => {
  it.each(Object.keys(SHAPES))('%s: onnxruntime forecasts agree with tfjs within 1e-4 after a few training steps', async (label) => {
    const shape = SHAPES[label] as ForecastModelShape;
    const model = createForecastModel(config(kind), shape, 21);
    try {
      await trainBriefly(model, syntheticDataset(shape, syntheticWindows(shape, 96, 2)), { epochs: 2, batchSize: 16, learningRate: 0.02 });
      const path = join(dir, `${kind}-${shape.weatherOutputs}.onnx`);
      const result = await exportForecastModel(model, path, { metadata: { 'counterweight.air-pollution.objective': 'mae' } });
      expect(result.bytes).toBe((await stat(path)).size);
      expect(result.opset).toBe(13);
      const rows = 37;
      const windows = SeededRandom.fromSeed(3, 'onnx-windows').normalArray(rows * model.inputSize);
      const expected = tf.tidy(() => model.predict(tf.tensor2d(windows, [rows, model.inputSize]), { training: false }).dataSync());
      const forecaster = await OnnxForecaster.load(path);
      try {
        expect(forecaster.inputSize).toBe(shape.history * shape.features);
        expect(forecaster.outputSize).toBe(shape.weatherOutputs + shape.pollutantOutputs);
        expect(JSON.parse(forecaster.metadata[FORECAST_ONNX_CONFIG_KEY] ?? 'null')).toEqual(config(kind));
        expect(JSON.parse(forecaster.metadata[FORECAST_ONNX_SHAPE_KEY] ?? 'null')).toEqual(shape);
        expect(forecaster.metadata['counterweight.air-pollution.objective']).toBe('mae');
        // Batches of 8 over 37 rows: a short last batch too.
        const actual = await forecaster.predict(windows, { batchSize: 8 });
        expect(actual.length).toBe(expected.length);
        let worst = 0;
        expected.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (actual[i] as number)))));
        expect(worst).toBeLessThan(1e-4);
        // The outputs are of order 1, so the tolerance is meaningful.
        expect(Math.max(...Array.from(expected, Math.abs))).toBeGreaterThan(0.1);
      } finally {
        await forecaster.release();
      }
    } finally {
      model.dispose();
    }
  });
});

describe('exported graph', () => {
  it('uses Gemm for dense layers and causal dilated 1-D Conv for TCN blocks', async () => {
    const model = createForecastModel(config('tcn'), SHAPES['with weather'] as ForecastModelShape, 1);
    try {
      const { bytes } = await buildForecastOnnx(model);
      const graph = onnx.ModelProto.decode(bytes).graph;
      const convs = (graph?.node ?? []).filter((n) => n.opType === 'Conv');
      expect(convs.length).toBe(3);
      const ints = (node: (typeof convs)[number], name: string): number[] =>
        ((node.attribute ?? []).find((a) => a.name === name)?.ints ?? []).map(Number);
      expect(convs.map((n) => ints(n, 'dilations'))).toEqual([[1], [2], [2]]);
      expect(convs.map((n) => ints(n, 'pads'))).toEqual([
        [2, 0],
        [4, 0],
        [4, 0],
      ]);
      expect((graph?.node ?? []).filter((n) => n.opType === 'Gemm').length).toBe(4);
      expect((graph?.input ?? []).map((i) => i.name)).toEqual(['window']);
      expect((graph?.output ?? []).map((o) => o.name)).toEqual(['forecast']);
    } finally {
      model.dispose();
    }
  });
});
