import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { forecastSplit } from '../experiment/forecast-outputs.js';
import { trainForecaster } from '../experiment/train-forecaster.js';
import { prepareShiftData, type ShiftData } from './shift-data.js';
import { runShift } from './shift-runner.js';
import type { ShiftSettings } from './shift-settings.js';
import { withTrainingWeights } from './weighted-windows.js';

const settings: ShiftSettings = {
  data: { source: 'sample', frequency: 'daily', interpolateMaxGap: 0 },
  windows: { history: 7, horizons: [1], stride: 1 },
  domains: { trainStations: ['Dongsi'], testStations: ['Dingling'] },
  model: { kind: 'mlp', hidden: 8, layers: 1, headHidden: 4, kernelSize: 3 },
  training: { epochs: 2, batchSize: 64, learningRate: 0.01, patience: 0 },
  extremes: { variable: 'PM2.5', thresholds: [75] },
  weights: { kernelRows: 100, dwD: 4, dwRank: 40, seed: 0 },
};

let dir: string;
let data: ShiftData;
beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'ap-shift-'));
  data = await prepareShiftData(settings);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runShift on the embedded sample (daily, Dongsi → Dingling)', () => {
  it('leaves no tensor behind, for the unweighted run (with the attribution) and a weighted one', async () => {
    for (const weighting of ['none', 'classifier'] as const) {
      const before = tf.memory().numTensors;
      const result = await runShift({ method: weighting, options: { weighting }, repetition: 0, seed: 3, settings, dir: join(dir, weighting) }, data);
      expect(tf.memory().numTensors, weighting).toBe(before);
      expect(result.test.headline['mae.PM2.5']).toBeGreaterThan(0);
      expect(result.sourceTest?.['mae.PM2.5']).toBeGreaterThan(0);
      if (weighting === 'none') {
        const a = result.attribution!;
        expect(a.weather + a.pm25GivenWeather).toBeCloseTo(a.attributed, 9);
        expect(a.targetLoss - a.sourceLoss).toBeCloseTo(a.observed, 9);
        expect(result.effectiveSampleSize).toBeCloseTo(data.shift.windows.train.count, 6);
      } else {
        expect(result.attribution).toBeNull();
        expect(result.effectiveSampleSize).toBeLessThan(data.shift.windows.train.count);
      }
    }
  }, 60_000);

  it('weights of 1 train exactly the unweighted forecaster (the mask route changes nothing else)', async () => {
    const w = data.shift.windows;
    const forecast = async (windows: typeof w, sub: string): Promise<Float32Array> => {
      const trained = await trainForecaster(windows, { objective: 'mae', model: settings.model, training: settings.training, seed: 5, dir: join(dir, sub) });
      try {
        return forecastSplit(trained.model, trained.objective, w, w.test).point;
      } finally {
        trained.model.dispose();
        trained.objective.dispose();
      }
    };
    expect(await forecast(withTrainingWeights(w, new Float32Array(w.train.count).fill(1)), 'ones')).toEqual(await forecast(w, 'plain'));
  }, 60_000);
});
