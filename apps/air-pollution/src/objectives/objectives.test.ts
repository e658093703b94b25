import { ConfigError, createDataset, createOptimizer, fromVariables, initBackend, train } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { OBJECTIVE_NAMES, type ObjectiveName } from './objective.js';
import { OBJECTIVES, createObjective } from './objectives.js';
import { batchTensors, lossInputs, lossOf, plainBatch, somePredictions } from './test-support/batch.js';
import { tinyWindows } from './test-support/tiny-windows.js';

beforeAll(() => initBackend('cpu', { log: null }));

const windows = tinyWindows();
const SMALL = { car: { numBins: 4 } } as const;

/** Outputs [weather, pollutant] per objective on the tiny windows (H = 2, V_w = 1, V_p = 2). */
const OUTPUTS: Record<ObjectiveName, [number, number]> = {
  mae: [2, 4],
  fmae: [2, 4],
  uncertainty: [2, 4],
  igb: [2, 4],
  lds: [2, 4],
  'balanced-mse': [2, 4],
  car: [2, 4 + 2 * (4 + 4)],
  quantile: [6, 12],
};

describe('OBJECTIVES', () => {
  it('lists every objective name, the baseline mae first, each with a description and a reference', () => {
    expect(Object.keys(OBJECTIVES)).toEqual([...OBJECTIVE_NAMES]);
    expect(Object.keys(OBJECTIVES)[0]).toBe('mae');
    for (const entry of Object.values(OBJECTIVES)) {
      expect(entry.description.length).toBeGreaterThan(10);
      expect(entry.reference).toMatch(/\d{4}/);
    }
  });

  it('rejects an unknown objective with a ConfigError listing the valid ones', () => {
    const run = (): unknown => createObjective('mse' as ObjectiveName, windows);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`unknown objective "mse"; valid: ${OBJECTIVE_NAMES.join(', ')}`);
  });
});

describe.each(OBJECTIVE_NAMES)('objective %s', (name) => {
  it('has the expected head sizes and extra columns aligned with each split\'s windows', () => {
    const objective = createObjective(name, windows, SMALL);
    expect(objective.name).toBe(name);
    expect([objective.weatherOutputs, objective.pollutantOutputs]).toEqual(OUTPUTS[name]);
    for (const split of ['train', 'validation'] as const) {
      const extras = objective.extras(split);
      for (const declared of objective.loss.extras ?? []) expect(Object.keys(extras)).toContain(declared);
      for (const column of Object.values(extras)) {
        expect(column.values.length).toBe(windows[split].count * column.shape.reduce((a, b) => a * b, 1));
      }
    }
    objective.dispose();
  });

  it('ignores masked targets and leaks no tensor in loss value + gradient, point and quantiles', () => {
    const objective = createObjective(name, windows, SMALL);
    const outputs = objective.weatherOutputs + objective.pollutantOutputs;
    const batch = plainBatch(objective, windows, 'train', 10);
    const predictions = somePredictions(10, outputs, 0.1);
    const before = lossOf(objective, batch, predictions);
    const mask = batch.extras.mask?.values ?? new Float32Array();
    for (let k = 0; k < mask.length; k += 1) if (mask[k] === 0) batch.targets[k] = 1000 + k;
    // igb's weights and uncertainty's losses are recorded per call; the value itself must not move
    expect(lossOf(objective, batch, predictions)).toBeCloseTo(before, 5);

    const tensors = batchTensors(batch);
    const x = tf.tensor2d(predictions, [10, outputs]);
    const count = tf.memory().numTensors;
    const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => objective.loss(lossInputs(tensors, p)))(x);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(grad.shape).toEqual([10, outputs]);
    expect(Array.from(grad.dataSync()).some((g) => g !== 0)).toBe(true);
    const forward = objective.loss(lossInputs(tensors, x));
    expect(forward.dataSync()[0]).toBeCloseTo(value.dataSync()[0] ?? Number.NaN, 5);
    const point = objective.point(x);
    expect(point.shape).toEqual([10, 6]);
    const quantiles = objective.quantiles?.(x);
    if (name === 'quantile') expect(quantiles?.shape).toEqual([10, 6, 3]);
    else expect(quantiles).toBeUndefined();
    tf.dispose([value, grad, forward, point, ...(quantiles === undefined ? [] : [quantiles])]);
    expect(tf.memory().numTensors, 'tensors left behind').toBe(count);
    tf.dispose([x, tensors.targets, ...Object.values(tensors.extras)]);
    objective.dispose();
  });

  it('builds on a pollutant-only table unless it weighs the two heads', () => {
    const pollutantOnly = tinyWindows({ weather: false });
    if (name === 'uncertainty' || name === 'igb') {
      expect(() => createObjective(name, pollutantOnly)).toThrow(`"${name}" needs a weather head`);
      return;
    }
    const objective = createObjective(name, pollutantOnly, SMALL);
    expect(objective.weatherOutputs).toBe(0);
    const batch = plainBatch(objective, pollutantOnly, 'train', 6);
    expect(Number.isFinite(lossOf(objective, batch, somePredictions(6, objective.pollutantOutputs)))).toBe(true);
    objective.dispose();
  });
});

describe('with the runtime trainer', () => {
  it('trains a linear forecaster and the uncertainty log-variances through train() with the objective\'s extras', async () => {
    const objective = createObjective('uncertainty', windows);
    const features = windows.history * windows.features.length;
    const outputs = objective.weatherOutputs + objective.pollutantOutputs;
    const kernel = tf.variable(tf.zeros([features, outputs]), true);
    const bias = tf.variable(tf.zeros([outputs]), true);
    const logVariances = objective.variables[0] as tf.Variable;
    const model = fromVariables({
      variables: { kernel, bias, logVariances },
      forward: (inputs) => tf.add(tf.matMul(tf.reshape(inputs as tf.Tensor, [-1, features]), kernel), bias),
    });
    const width = windows.horizons.length * windows.targets.length;
    const dataset = (split: 'train' | 'validation') =>
      createDataset({
        inputs: { values: windows[split].inputs, shape: [windows.history, windows.features.length] },
        targets: { values: windows[split].targets, shape: [width] },
        extras: objective.extras(split),
      });
    const history = await train({
      model,
      loss: objective.loss,
      train: dataset('train'),
      validation: dataset('validation'),
      epochs: 4,
      batchSize: 8,
      optimizer: createOptimizer({ name: 'adam', learningRate: 0.05 }),
      seed: 3,
      progress: { quiet: true },
    });
    const losses = history.epochs.map((e) => e.loss);
    expect(losses[losses.length - 1] ?? 0).toBeLessThan(losses[0] ?? 0);
    expect(Array.from(logVariances.dataSync()).every((s) => s !== 0)).toBe(true);
    tf.dispose([kernel, bias]);
    objective.dispose();
  });
});
