import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { SeededRandom } from '../random.js';
import { dense, denseLayers, denseStack } from './dense-layers.js';
import { useBackend } from './test-support/backends.js';
import { VariableBuilder } from './variable-builder.js';

beforeAll(() => useBackend('cpu'));

describe('dense', () => {
  it('computes x·W + b, with ReLU only when asked', () => {
    // Worked by hand: [1, 2]·[[1, -1], [0, -2]] + [0.5, 0.5] = [1.5, -4.5].
    const x = tf.tensor2d([[1, 2]]);
    const kernel = tf.tensor2d([
      [1, -1],
      [0, -2],
    ]);
    const bias = tf.tensor1d([0.5, 0.5]);
    const linear = dense(x, kernel, bias);
    const relu = dense(x, kernel, bias, true);
    expect(linear.shape).toEqual([1, 2]);
    expect(Array.from(linear.dataSync())).toEqual([1.5, -4.5]);
    expect(Array.from(relu.dataSync())).toEqual([1.5, 0]);
    tf.dispose([x, kernel, bias, linear, relu]);
  });
});

describe('denseLayers / denseStack', () => {
  it('builds dense<i>/kernel and dense<i>/bias of the given widths, and applies ReLU between layers only', () => {
    const init = new VariableBuilder(SeededRandom.fromSeed(3));
    const layers = denseLayers(init, [4, 3, 2]);
    expect(Object.keys(init.variables)).toEqual(['dense0/kernel', 'dense0/bias', 'dense1/kernel', 'dense1/bias']);
    expect(layers.map((l) => [l.kernel.shape, l.bias.shape])).toEqual([
      [[4, 3], [3]],
      [[3, 2], [2]],
    ]);
    expect(Array.from(layers[0]?.bias.dataSync() ?? [])).toEqual([0, 0, 0]);
    const x = tf.tensor2d([[0.5, -1, 2, 0.25], [-3, 1, 0, 1]]);
    const out = denseStack(x, layers);
    const expected = tf.tidy(() => {
      const [first, second] = layers as [(typeof layers)[0], (typeof layers)[0]];
      const hidden = tf.relu(tf.add(tf.matMul(x, first.kernel), first.bias));
      return tf.add(tf.matMul(hidden, second.kernel), second.bias);
    });
    expect(out.shape).toEqual([2, 2]);
    const got = Array.from(out.dataSync());
    Array.from(expected.dataSync()).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    // The last layer is linear: some logit of these inputs is negative (a ReLU would clip it).
    expect(Math.min(...got)).toBeLessThan(0);
    tf.dispose([x, out, expected]);
    init.dispose();
  });
});
