import { SeededRandom, VariableBuilder, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { applyMlpTrunk, createMlpTrunk } from './mlp-trunk.js';
import { applyTaskHead, createTaskHead } from './task-heads.js';

beforeAll(async () => {
  await initBackend('cpu', { log: null });
});

describe('MLP trunk and task heads', () => {
  it('name their variables by layer and compute relu(x·W + b) layer by layer, the head output linear', () => {
    const init = new VariableBuilder(SeededRandom.fromSeed(1, 'mlp-test'));
    try {
      const trunk = createMlpTrunk(init, 4, 3, 2);
      const head = createTaskHead(init, 'pollutant', 3, 2, 5);
      expect(Object.keys(init.variables)).toEqual([
        'trunk/dense0/kernel',
        'trunk/dense0/bias',
        'trunk/dense1/kernel',
        'trunk/dense1/bias',
        'pollutant/hidden/kernel',
        'pollutant/hidden/bias',
        'pollutant/output/kernel',
        'pollutant/output/bias',
      ]);
      tf.tidy(() => {
        // Non-zero biases so that the bias and the ReLU both matter.
        Object.entries(init.variables)
          .filter(([name]) => name.endsWith('/bias'))
          .forEach(([, v], i) => v.assign(tf.fill(v.shape, i % 2 === 0 ? -0.3 : 0.2)));
        // A negative output bias: a ReLU on the output layer would show.
        head.output.bias.assign(tf.fill([5], -5));
        const x = tf.tensor2d(SeededRandom.fromSeed(2, 'x').normalArray(6 * 4), [6, 4]);
        const layer = (h: tf.Tensor2D, k: tf.Tensor, b: tf.Tensor, relu: boolean): tf.Tensor2D => {
          const z = tf.add<tf.Tensor2D>(tf.matMul(h, k), b);
          return relu ? tf.relu(z) : z;
        };
        let expected = x;
        for (const l of trunk.layers) expected = layer(expected, l.kernel, l.bias, true);
        const features = applyMlpTrunk(trunk, x);
        expect(features.arraySync()).toEqual(expected.arraySync());
        const out = applyTaskHead(head, features);
        const reference = layer(layer(expected, head.hidden.kernel, head.hidden.bias, true), head.output.kernel, head.output.bias, false);
        expect(out.shape).toEqual([6, 5]);
        const [a, b] = [out.dataSync(), reference.dataSync()];
        b.forEach((v, i) => expect(a[i] as number).toBeCloseTo(v, 5));
        expect(Array.from(a).some((v) => v < 0)).toBe(true);
      });
    } finally {
      init.dispose();
    }
  });
});
