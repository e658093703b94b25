import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { OBJECTIVE_NAMES, type ObjectiveName } from './objective.js';
import { createObjective } from './objectives.js';
import { batchTensors, lossInputs, plainBatch, somePredictions } from './test-support/batch.js';
import { tinyWindows } from './test-support/tiny-windows.js';

const windows = tinyWindows();

/** Loss value and gradient with respect to the predictions of a fresh objective on the active backend. */
function valueAndGradient(name: ObjectiveName): { value: number; gradient: number[] } {
  const objective = createObjective(name, windows, { car: { numBins: 4 } });
  const outputs = objective.weatherOutputs + objective.pollutantOutputs;
  const batch = plainBatch(objective, windows, 'train', 12);
  const tensors = batchTensors(batch);
  const x = tf.tensor2d(somePredictions(12, outputs, 0.25), [12, outputs]);
  const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => objective.loss(lossInputs(tensors, p)))(x);
  const result = { value: value.dataSync()[0] ?? Number.NaN, gradient: Array.from(grad.dataSync()) };
  tf.dispose([value, grad, x, tensors.targets, ...Object.values(tensors.extras)]);
  objective.dispose();
  return result;
}

describe('objectives on the wasm backend', () => {
  it('give the cpu backend\'s loss values and gradients', async () => {
    await initBackend('cpu', { log: null });
    const cpu = OBJECTIVE_NAMES.map(valueAndGradient);
    await initBackend('wasm', { log: null });
    expect(tf.getBackend()).toBe('wasm');
    OBJECTIVE_NAMES.forEach((name, i) => {
      const wasm = valueAndGradient(name);
      const reference = cpu[i];
      expect(wasm.value, name).toBeCloseTo(reference?.value ?? Number.NaN, 5);
      wasm.gradient.forEach((g, k) => expect(g, `${name} gradient ${k}`).toBeCloseTo(reference?.gradient[k] ?? Number.NaN, 5));
    });
  });
});
