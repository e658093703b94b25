/**
 * The runtime's side of the wasm training kernels (`@counterweight/wasm-kernels`): `initBackend('wasm')` registers
 * them, and the runtime's `train()` runs long on wasm without leaking tensors or wasm heap buffers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { wasmTrainingKernelsRegistered } from '@counterweight/wasm-kernels';
import { beforeAll, describe, expect, it } from 'vitest';

import { activeBackend, initBackend } from './backend.js';
import { SeededRandom } from './random.js';
import { createDataset, createOptimizer, fromVariables, isSingleInput, train, type LossInputs, type ModelInputs } from './index.js';

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

function normal(shape: readonly number[], label: string): Float32Array {
  return SeededRandom.fromSeed(10, label).normalArray(shape.reduce((a, b) => a * b, 1));
}

function normalTensor(shape: readonly number[], label: string): tf.Tensor {
  return tf.tensor(normal(shape, label), [...shape]);
}

function integers(shape: readonly number[], max: number, label: string): Int32Array {
  const random = SeededRandom.fromSeed(10, label);
  return Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random.int(0, max));
}

describe('training on wasm', () => {
  it('initBackend registers the wasm training kernels when it selects wasm', () => {
    expect(activeBackend()?.name).toBe('wasm');
    expect(wasmTrainingKernelsRegistered()).toBe(true);
  });

  it("1,000 steps of the runtime's train() on wasm keep the tensor count and the wasm heap's buffers flat", async () => {
    const rows = 64;
    const x = normal([rows, 5], 'x');
    const ids = integers([rows, 2], 19, 'ids');
    const y = Float32Array.from({ length: rows }, (_, i) => ((x[i * 5] as number) > 0 ? 1 : 0));
    const w = tf.variable(normalTensor([5 + 2 * 3, 8], 'w'));
    const table = tf.variable(normalTensor([20, 3], 'table'));
    const out = tf.variable(normalTensor([8, 1], 'out'));
    const model = fromVariables({
      variables: { w, table, out },
      forward: (inputs: ModelInputs) =>
        tf.tidy(() => {
          if (isSingleInput(inputs)) throw new Error('expects named inputs');
          const features = tf.concat([inputs['x'] as tf.Tensor2D, tf.reshape(tf.gather(table, inputs['ids'] as tf.Tensor), [-1, 6])], 1);
          const h = tf.tanh(tf.matMul(features as tf.Tensor2D, w));
          return tf.matMul(h, out);
        }),
    });
    const data = createDataset({
      inputs: { x: { values: x, shape: [5] }, ids: { values: ids, shape: [2] } },
      targets: { values: y, shape: [1] },
    });
    const loss = ({ targets, predictions }: LossInputs) => tf.losses.sigmoidCrossEntropy<tf.Tensor, tf.Scalar>(targets, predictions);
    const counts: Array<[number, number]> = [];
    const history = await train({
      model,
      loss,
      train: data,
      epochs: 125, // 8 steps per epoch
      batchSize: 8,
      seed: 1,
      optimizer: createOptimizer({ name: 'adam', learningRate: 0.01 }),
      progress: { quiet: true },
      callbacks: {
        onStepEnd: (info) => {
          if (info.globalStep === 10 || info.globalStep % 100 === 0) counts.push([tf.memory().numTensors, tf.backend().numDataIds()]);
        },
      },
    });
    expect(history.globalStep).toBe(1000);
    expect(counts).toHaveLength(11);
    for (const count of counts) expect(count).toEqual(counts[0]);
    expect(history.epochs.at(-1)?.loss).toBeLessThan(history.epochs[0]?.loss ?? 0);
    tf.dispose([w, table, out]);
  });
});
