import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { conv2DBackpropInputKernel } from './conv2d-backprop-input.js';
import { expectClose, expectNoLeak, expectSameOnBothBackends, normal, runKernel, runOn, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: number | [number, number];
  readonly pad: Pad;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const CASES: Case[] = [
  { name: '3×3 valid (one flipped convolution)', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { name: '3×3 same', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: 'stride 2 valid, odd size', x: [3, 9, 9, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'valid' },
  { name: 'stride 2 valid, even size (last row unused)', x: [2, 8, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { name: 'stride 2 same, even size', x: [2, 8, 10, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { name: 'stride 2 same, odd size', x: [2, 9, 7, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { name: 'strides (2, 1), 5×3 filter', x: [2, 11, 8, 2], filter: [5, 3, 2, 3], strides: [2, 1], pad: 'same' },
  { name: 'stride 3 > filter 2 (positions no tap reaches)', x: [1, 10, 11, 2], filter: [2, 2, 2, 3], strides: 3, pad: 'valid' },
  { name: 'stride 2, 4×4 filter, same', x: [2, 12, 12, 3], filter: [4, 4, 3, 2], strides: 2, pad: 'same' },
  { name: 'batch 1', x: [1, 6, 6, 4], filter: [3, 3, 4, 4], strides: 1, pad: 'valid' },
  { name: '1×1 filter', x: [3, 5, 4, 6], filter: [1, 1, 6, 7], strides: 1, pad: 'valid' },
  { name: '1×1 filter, stride 2', x: [2, 5, 5, 3], filter: [1, 1, 3, 2], strides: 2, pad: 'same' },
  { name: 'filter = input size', x: [4, 5, 5, 3], filter: [5, 5, 3, 2], strides: 1, pad: 'valid' },
  { name: 'C_in = 1', x: [5, 12, 12, 1], filter: [3, 3, 1, 8], strides: 1, pad: 'valid' },
  { name: 'numeric padding 1', x: [2, 6, 7, 2], filter: [3, 3, 2, 3], strides: 1, pad: 1 },
  { name: 'numeric padding 2 with stride 2', x: [2, 9, 9, 2], filter: [3, 3, 2, 3], strides: 2, pad: 2 },
  {
    name: 'explicit asymmetric padding',
    x: [2, 6, 5, 2],
    filter: [3, 2, 2, 3],
    strides: [1, 2],
    pad: [
      [0, 0],
      [2, 0],
      [1, 1],
      [0, 0],
    ],
  },
  {
    name: 'explicit padding larger than the filter (original kernel)',
    x: [1, 4, 4, 2],
    filter: [2, 2, 2, 2],
    strides: 1,
    pad: [
      [0, 0],
      [3, 3],
      [2, 2],
      [0, 0],
    ],
  },
  { name: 'numeric padding with ceil', x: [2, 8, 8, 2], filter: [3, 3, 2, 2], strides: 2, pad: 1, dimRoundingMode: 'ceil' },
];

function inputGradient(c: Case): () => tf.Tensor {
  return () => {
    const { outShape } = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
    const dy = tensorOf(normal(outShape, 21, c.name, 'dy'));
    const filter = tensorOf(normal(c.filter, 21, c.name, 'filter'));
    return runKernel('Conv2DBackpropInput', { dy, filter }, {
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      inputShape: c.x,
      ...(c.dimRoundingMode === undefined ? {} : { dimRoundingMode: c.dimRoundingMode }),
    });
  };
}

describe('Conv2DBackpropInput on wasm', () => {
  it('is registered in place of the original', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc).toBe(conv2DBackpropInputKernel.kernelFunc);
  });

  for (const c of CASES) {
    it(`${c.name}: matches cpu`, async () => {
      await expectSameOnBothBackends(inputGradient(c), { rtol: 1e-5, atol: 1e-4 });
    });
  }

  it('keeps long reductions within float32 tolerance (3×3×256 taps per output)', async () => {
    const c: Case = { name: 'wide', x: [2, 9, 9, 4], filter: [3, 3, 4, 256], strides: 1, pad: 'same' };
    await expectSameOnBothBackends(inputGradient(c), { rtol: 1e-4, rtolOfMax: 1e-5 });
  });

  it('equals conv2dTranspose on cpu (the public op built on this kernel)', async () => {
    const dy = normal([2, 4, 4, 3], 22, 'dy');
    const filter = normal([3, 3, 5, 3], 22, 'filter');
    const compute = () => tf.conv2dTranspose(tensorOf(dy) as tf.Tensor4D, tensorOf(filter) as tf.Tensor4D, [2, 8, 8, 5], 2, 'same');
    const cpu = await runOn('cpu', compute);
    const wasm = await runOn('wasm', compute);
    expectClose(wasm.values[0] as Float32Array, cpu.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-4 });
  });

  it('leaves no tensors or heap buffers behind (one phase, several phases, original fallback)', async () => {
    await tf.setBackend('wasm');
    const run = (c: Case) => tf.tidy(() => void inputGradient(c)());
    expectNoLeak(() => {
      run(CASES[0] as Case);
      run(CASES[5] as Case);
      run(CASES[7] as Case);
      run(CASES[17] as Case);
    });
  });

  it('gives the same input gradients as cpu through tf.grad of a small CNN', async () => {
    const x = normal([2, 11, 11, 3], 23, 'x');
    const w1 = normal([3, 3, 3, 4], 23, 'w1');
    const w2 = normal([3, 3, 4, 2], 23, 'w2');
    const loss = (input: tf.Tensor) => {
      const h = tf.relu(tf.conv2d(input as tf.Tensor4D, tensorOf(w1) as tf.Tensor4D, 2, 'same'));
      return tf.sum(tf.square(tf.conv2d(h, tensorOf(w2) as tf.Tensor4D, 1, 'valid')));
    };
    await expectSameOnBothBackends(() => tf.grad(loss)(tensorOf(x)), { rtol: 1e-4, atol: 1e-4 });
  });
});
