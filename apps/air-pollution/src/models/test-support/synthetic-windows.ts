// Test-only: small seeded regression problems for the forecasters.
import { SeededRandom, createDataset, createOptimizer, train, type InMemoryDataset, type LossFunction } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

import type { ForecastModelShape } from '../forecast-model-config.js';
import type { ForecastModel } from '../forecast-model.js';

/** Windows `[count, history·features]` (standard normal) and targets `[count, outputs]` that are a fixed smooth function of them. */
export interface SyntheticWindows {
  readonly count: number;
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
}

/**
 * Seeded random windows whose targets are learnable: output `o` is `tanh` of a fixed random linear combination of the
 * last three steps (so both the MLP and a causal TCN can fit it).
 */
export function syntheticWindows(shape: ForecastModelShape, count: number, seed: number): SyntheticWindows {
  const random = SeededRandom.fromSeed(seed, 'synthetic-windows');
  const inputSize = shape.history * shape.features;
  const outputs = shape.weatherOutputs + shape.pollutantOutputs;
  const inputs = random.normalArray(count * inputSize);
  const reach = Math.min(3, shape.history) * shape.features;
  const mixing = random.normalArray(reach * outputs, 0, 1 / Math.sqrt(reach));
  const targets = new Float32Array(count * outputs);
  for (let n = 0; n < count; n += 1) {
    for (let o = 0; o < outputs; o += 1) {
      let sum = 0;
      for (let i = 0; i < reach; i += 1) sum += (inputs[n * inputSize + inputSize - reach + i] as number) * (mixing[i * outputs + o] as number);
      targets[n * outputs + o] = Math.tanh(sum);
    }
  }
  return { count, inputs, targets };
}

/** Mean squared error over every output. */
export const meanSquaredError: LossFunction = ({ predictions, targets }) => tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(targets, predictions);

/** The runtime data set of synthetic windows. */
export function syntheticDataset(shape: ForecastModelShape, data: SyntheticWindows): InMemoryDataset {
  return createDataset({
    inputs: { values: data.inputs, shape: [shape.history * shape.features] },
    targets: { values: data.targets, shape: [shape.weatherOutputs + shape.pollutantOutputs] },
  });
}

/** Trains `model` with the runtime's `train()` and Adam; returns the mean loss of each epoch and the tensor count after every step from the second on. */
export async function trainBriefly(
  model: ForecastModel,
  dataset: InMemoryDataset,
  options: { readonly epochs: number; readonly batchSize: number; readonly learningRate?: number },
): Promise<{ losses: number[]; tensorCounts: number[]; samplesPerSecond: number[] }> {
  const optimizer = createOptimizer({ name: 'adam', learningRate: options.learningRate ?? 0.01 });
  const tensorCounts: number[] = [];
  try {
    const history = await train({
      model,
      loss: meanSquaredError,
      train: dataset,
      epochs: options.epochs,
      batchSize: options.batchSize,
      optimizer,
      seed: 3,
      progress: { quiet: true },
      callbacks: {
        onStepEnd: (info) => {
          if (info.globalStep > 1) tensorCounts.push(tf.memory().numTensors);
        },
      },
    });
    return { losses: history.epochs.map((e) => e.loss), tensorCounts, samplesPerSecond: history.epochs.map((e) => e.samplesPerSecond) };
  } finally {
    optimizer.dispose();
  }
}

/**
 * Runs `step` outside any `tf.tidy`, disposes the tensors it returns and expects `tf.memory().numTensors` back at its
 * count from before (the pattern of core-losses' leak check).
 */
export function expectNoLeak(step: () => tf.TensorContainer): void {
  if (tf.engine().state.scopeStack.length > 0) throw new Error('expectNoLeak: called inside tf.tidy, where a leak could not be seen');
  const before = tf.memory().numTensors;
  tf.dispose(step());
  expect(tf.memory().numTensors, 'tensors left behind by the step').toBe(before);
}

/** Every variable's values by checkpoint name. */
export function readWeights(model: ForecastModel): Record<string, Float32Array> {
  return Object.fromEntries(model.variables.map((v) => [v.name, v.variable.dataSync() as Float32Array]));
}
