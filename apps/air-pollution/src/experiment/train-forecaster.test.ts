import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createObjective } from '../objectives/index.js';
import { tinyWindows } from '../objectives/test-support/tiny-windows.js';
import { forecastSplit } from './forecast-outputs.js';
import { trainForecaster, validationMae, type ForecasterSpec } from './train-forecaster.js';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'ap-train-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const windows = tinyWindows({ counts: { train: 64, validation: 16, test: 8 } });
// inputs that carry information about the targets, so training has something to learn
windows.train.inputs.forEach((_, k) => (windows.train.inputs[k] = Math.sin(k)));

const spec = (objective: ForecasterSpec['objective'], sub: string, epochs = 3): ForecasterSpec => ({
  objective,
  model: { kind: 'mlp', hidden: 8, layers: 1, headHidden: 4, kernelSize: 3 },
  training: { epochs, batchSize: 16, learningRate: 0.01, patience: 0 },
  seed: 5,
  dir: join(dir, sub),
});

describe('validationMae', () => {
  it('is the masked mean absolute error of the point forecast over all targets', () => {
    const objective = createObjective('quantile', windows);
    try {
      const rows = 3;
      const width = objective.weatherOutputs + objective.pollutantOutputs;
      const cells = windows.horizons.length * windows.targets.length;
      const predictions = Float32Array.from({ length: rows * width }, (_, k) => Math.cos(k));
      const targets = windows.validation.targets.slice(0, rows * cells);
      const mask = windows.validation.mask.slice(0, rows * cells);
      const [value, point] = tf.tidy(() => {
        const p = tf.tensor2d(predictions, [rows, width]);
        const loss = validationMae(objective)({ predictions: p, targets: tf.tensor2d(targets, [rows, cells]), sampleWeights: undefined, extras: { mask: tf.tensor2d(mask, [rows, cells]) } });
        return [loss.dataSync()[0] ?? Number.NaN, Array.from(objective.point(p).dataSync())];
      });
      let sum = 0;
      let n = 0;
      point.forEach((x, k) => {
        if ((mask[k] ?? 0) === 1) {
          sum += Math.abs(x - (targets[k] ?? 0));
          n += 1;
        }
      });
      expect(value).toBeCloseTo(sum / n, 5);
    } finally {
      objective.dispose();
    }
  });
});

describe('trainForecaster', () => {
  it('trains, forecasts a split and frees every tensor it made (checked outside tidy)', async () => {
    const before = tf.memory().numTensors;
    const trained = await trainForecaster(windows, spec('uncertainty', 'leak'));
    const forecasts = forecastSplit(trained.model, trained.objective, windows, windows.test);
    expect(forecasts.point).toHaveLength(windows.test.count * windows.horizons.length * windows.targets.length);
    expect(forecasts.point.every(Number.isFinite)).toBe(true);
    expect(trained.history).toHaveLength(3);
    expect(trained.taskWeights.map((w) => w.epoch)).toEqual([1, 2, 3]);
    trained.model.dispose();
    trained.objective.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps IGB base losses in the run folder and records its head weights per epoch', async () => {
    const trained = await trainForecaster(windows, spec('igb', 'igb'));
    try {
      const base = JSON.parse(await readFile(join(dir, 'igb', 'igb-base-losses.json'), 'utf8')) as number[];
      expect(base).toHaveLength(2);
      expect(base.every((b) => b > 0)).toBe(true);
      const weights = JSON.parse(await readFile(join(dir, 'igb', 'task-weights.json'), 'utf8')) as Array<{ epoch: number; weights: Record<string, number> }>;
      // before the base epoch (index 1) IGB weighs both heads 1; afterwards K·softmax, summing to 2
      const last = Object.values(weights.at(-1)?.weights ?? {});
      expect(last.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 5);
      expect(last.some((w) => Math.abs(w - 1) > 1e-6)).toBe(true);
    } finally {
      trained.model.dispose();
      trained.objective.dispose();
    }
  });

  it('gives the same forecasts for the same seed, and resumes a finished run without training again', async () => {
    const first = await trainForecaster(windows, spec('mae', 'same-a'));
    const second = await trainForecaster(windows, spec('mae', 'same-b'));
    const again = await trainForecaster(windows, spec('mae', 'same-a'));
    try {
      const a = forecastSplit(first.model, first.objective, windows, windows.test).point;
      expect(forecastSplit(second.model, second.objective, windows, windows.test).point).toEqual(a);
      expect(forecastSplit(again.model, again.objective, windows, windows.test).point).toEqual(a);
      expect(existsSync(join(dir, 'same-a', 'checkpoints'))).toBe(true);
    } finally {
      for (const t of [first, second, again]) {
        t.model.dispose();
        t.objective.dispose();
      }
    }
  });
});
