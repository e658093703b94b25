import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { maxPoolGradKernel } from './max-pool-grad.js';
import { expectNoLeak, expectSameOnBothBackends, integers, normal, tensorOf, useWasm, type Data } from './test-support/compare.js';

beforeAll(useWasm);

interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly filter: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: 'valid' | 'same' | number;
}

const CASES: Case[] = [
  { name: '2×2 stride 2 valid (unrolled path)', x: [2, 8, 8, 3], filter: 2, strides: 2, pad: 'valid' },
  { name: '2×2 stride 2 valid, odd size', x: [2, 9, 7, 3], filter: 2, strides: 2, pad: 'valid' },
  { name: '2×2 stride 2 same, odd size (edge windows)', x: [2, 9, 7, 3], filter: 2, strides: 2, pad: 'same' },
  { name: '3×3 stride 1 same (overlapping windows)', x: [2, 6, 6, 2], filter: 3, strides: 1, pad: 'same' },
  { name: '3×3 stride 2 valid', x: [1, 9, 9, 4], filter: 3, strides: 2, pad: 'valid' },
  { name: '(3, 2) filter, (1, 2) strides', x: [2, 7, 8, 2], filter: [3, 2], strides: [1, 2], pad: 'same' },
  { name: 'window = image', x: [3, 4, 4, 2], filter: 4, strides: 1, pad: 'valid' },
  { name: 'numeric padding', x: [2, 6, 6, 2], filter: 3, strides: 2, pad: 1 },
  { name: 'one channel, batch 1', x: [1, 10, 10, 1], filter: 2, strides: 2, pad: 'valid' },
];

function poolGradient(c: Case, xData: Data): () => tf.Tensor {
  return () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.filter, c.strides, c.pad), tf.reshape(tf.range(1, 1 + outSize(c)), outShape(c)))))(tensorOf(xData));
}

function outShape(c: Case): number[] {
  return tf.backend_util.computePool2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
}

function outSize(c: Case): number {
  return outShape(c).reduce((a, b) => a * b, 1);
}

describe('MaxPoolGrad on wasm', () => {
  it('is registered in place of the original', () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm').kernelFunc).toBe(maxPoolGradKernel.kernelFunc);
  });

  for (const c of CASES) {
    it(`${c.name}: matches cpu on distinct values`, async () => {
      await expectSameOnBothBackends(poolGradient(c, normal(c.x, 61, c.name)), { rtol: 0, atol: 0 });
    });
    it(`${c.name}: matches cpu on ties (the first maximum wins)`, async () => {
      // Values in {0, 1, 2}: most windows have ties, as after a ReLU.
      const ties = integers(c.x, 0, 2, 62, c.name);
      await expectSameOnBothBackends(poolGradient(c, { values: Float32Array.from(ties.values), shape: c.x }), { rtol: 0, atol: 0 });
    });
  }

  for (const c of [CASES[0], CASES[3]] as Case[]) {
    it(`${c.name}: passes no gradient through windows of −∞ and ignores NaN, as cpu does`, async () => {
      const values = Float32Array.from(normal(c.x, 63, 'special', c.name).values);
      values.fill(Number.NEGATIVE_INFINITY, 0, 60);
      values[100] = Number.NaN;
      values[101] = Number.NaN;
      const dy = normal(outShape(c), 63, 'dy', c.name);
      await expectSameOnBothBackends(
        () =>
          tf.engine().runKernel<tf.Tensor>(
            'MaxPoolGrad',
            { dy: tensorOf(dy), input: tensorOf({ values, shape: c.x }), output: tf.zeros(outShape(c)) },
            { filterSize: c.filter, strides: c.strides, pad: c.pad },
          ),
        // Overlapping windows add several float32 gradients into one position (cpu sums them in doubles).
        { rtol: 1e-6, atol: 0 },
      );
    });
  }

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(normal([2, 8, 8, 3], 64, 'x').values, [2, 8, 8, 3]);
    // No tf.tidy around the body: it would dispose a leaked tensor and the count could not fail.
    expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'same')))(x).dispose());
    x.dispose();
  });
});
