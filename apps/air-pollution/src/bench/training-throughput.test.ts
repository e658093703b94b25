import { ConfigError, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import type { ForecastModelConfig } from '../models/forecast-model-config.js';
import { BEIJING_WINDOW_SHAPE, syntheticWindows } from './synthetic-windows.js';
import { measureForecasterTraining } from './training-throughput.js';

const MLP: ForecastModelConfig = { kind: 'mlp', hidden: 8, layers: 2, headHidden: 4, kernelSize: 3 };
const TCN: ForecastModelConfig = { ...MLP, kind: 'tcn', layers: 1 };
/** Beijing inputs (48 × 19) and outputs (15 + 18), 4 steps of 8. */
const WINDOWS = syntheticWindows(BEIJING_WINDOW_SHAPE, { train: 40, seed: 1 });

describe.each(['wasm', 'cpu'] as const)('measureForecasterTraining on %s', (backend) => {
  it.each([MLP, TCN])('times $kind training steps with mae through train() and leaks nothing', async (model) => {
    await initBackend(backend, { log: null });
    const before = tf.memory().numTensors;
    const m = await measureForecasterTraining({ windows: WINDOWS, model, batchSize: 8, steps: 4, repetitions: 2, seed: 1, learningRate: 0.01 });
    expect(tf.memory().numTensors).toBe(before);
    expect(m.backend).toBe(backend);
    expect(m.samplesPerSec).toBeGreaterThan(0);
    expect(m.stepMs).toBeCloseTo((1000 * 8) / m.samplesPerSec, 6);
    expect(m.repetitions).toBe(2);
    expect(m.stepsPerRepetition).toBe(4);
    expect(Number.isFinite(m.firstLoss) && Number.isFinite(m.lastLoss)).toBe(true);
    expect(m.spread).toBeGreaterThanOrEqual(0);
    if (model.kind === 'mlp') {
      // trunk 912·8+8 + 8·8+8, heads (8·4+4) + (4·15+15) and (8·4+4) + (4·18+18).
      expect(m.parameterCount).toBe(912 * 8 + 8 + 8 * 8 + 8 + (8 * 4 + 4) * 2 + (4 * 15 + 15) + (4 * 18 + 18));
    }
  }, 60_000);
});

describe('measureForecasterTraining options', () => {
  it('runs one timed repetition within a zero budget', async () => {
    await initBackend('wasm', { log: null });
    const m = await measureForecasterTraining({ windows: WINDOWS, model: MLP, batchSize: 8, steps: 2, repetitions: 5, budgetSeconds: 0, seed: 1 });
    expect(m.repetitions).toBe(1);
  });

  it('names the option when the windows are too few or a count is not positive', async () => {
    await expect(measureForecasterTraining({ windows: WINDOWS, model: MLP, batchSize: 8, steps: 6, repetitions: 1, seed: 1 })).rejects.toThrow(
      /^windows: the training split has 40 windows, fewer than steps × batchSize = 48$/,
    );
    await expect(measureForecasterTraining({ windows: WINDOWS, model: MLP, batchSize: 8, steps: 0, repetitions: 1, seed: 1 })).rejects.toThrow(ConfigError);
  });
});
