import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { KernelInputError } from './kernel-input-error.js';
import { conv2DBackpropFilterKernel } from './conv2d-backprop-filter.js';
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
  { name: '3×3 valid', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { name: '3×3 same', x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: 'stride 2 valid, odd size', x: [3, 9, 9, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'valid' },
  { name: 'stride 2 same, even size', x: [2, 8, 10, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { name: 'stride 2 same, odd size', x: [2, 9, 7, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { name: 'strides (2, 1), 5×3 filter', x: [2, 11, 8, 2], filter: [5, 3, 2, 3], strides: [2, 1], pad: 'same' },
  { name: 'stride 3 valid', x: [1, 10, 11, 2], filter: [2, 2, 2, 3], strides: 3, pad: 'valid' },
  { name: 'batch 1', x: [1, 6, 6, 4], filter: [3, 3, 4, 4], strides: 1, pad: 'valid' },
  { name: '1×1 filter', x: [3, 5, 4, 6], filter: [1, 1, 6, 7], strides: 1, pad: 'valid' },
  { name: '1×1 filter, stride 2', x: [2, 5, 5, 3], filter: [1, 1, 3, 2], strides: 2, pad: 'same' },
  { name: 'filter = input size', x: [4, 5, 5, 3], filter: [5, 5, 3, 2], strides: 1, pad: 'valid' },
  { name: 'C_in = 1 (first layer)', x: [5, 12, 12, 1], filter: [3, 3, 1, 8], strides: 1, pad: 'valid' },
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
      [1, 3],
      [0, 0],
    ],
  },
  { name: 'numeric padding with round', x: [2, 8, 8, 2], filter: [3, 3, 2, 2], strides: 2, pad: 1, dimRoundingMode: 'round' },
];

function filterGradient(c: Case, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): () => tf.Tensor {
  const xData = normal(c.x, 11, c.name, 'x');
  return () => {
    const x = tensorOf(xData);
    const { outShape } = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
    const dy = tf.tensor(normal(outShape, 11, c.name, 'dy').values, outShape);
    const transposeToNchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
    return runKernel(
      'Conv2DBackpropFilter',
      dataFormat === 'NHWC' ? { x, dy } : { x: transposeToNchw(x), dy: transposeToNchw(dy) },
      {
        strides: c.strides,
        pad: c.pad,
        dataFormat,
        filterShape: c.filter,
        ...(c.dimRoundingMode === undefined ? {} : { dimRoundingMode: c.dimRoundingMode }),
      },
    );
  };
}

/** The weight gradient by its definition, with dilations (which tfjs-cpu's kernel does not take). */
function referenceFilterGradient(
  x: Float32Array,
  xs: number[],
  dy: Float32Array,
  ys: number[],
  filter: number[],
  strides: [number, number],
  dilations: [number, number],
  pads: [number, number],
): Float32Array {
  const [n, h, w, ci] = xs as [number, number, number, number];
  const [, oh, ow, co] = ys as [number, number, number, number];
  const [kh, kw] = filter as [number, number];
  const out = new Float32Array(kh * kw * ci * co);
  for (let a = 0; a < kh; a += 1)
    for (let b = 0; b < kw; b += 1)
      for (let i = 0; i < ci; i += 1)
        for (let o = 0; o < co; o += 1) {
          let sum = 0;
          for (let s = 0; s < n; s += 1)
            for (let r = 0; r < oh; r += 1)
              for (let q = 0; q < ow; q += 1) {
                const ih = r * strides[0] + a * dilations[0] - pads[0];
                const iw = q * strides[1] + b * dilations[1] - pads[1];
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                sum += (x[((s * h + ih) * w + iw) * ci + i] as number) * (dy[((s * oh + r) * ow + q) * co + o] as number);
              }
          out[((a * kw + b) * ci + i) * co + o] = sum;
        }
  return out;
}

describe('Conv2DBackpropFilter on wasm', () => {
  it('is registered (tfjs-backend-wasm lacks it)', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm').kernelFunc).toBe(conv2DBackpropFilterKernel.kernelFunc);
  });

  for (const c of CASES) {
    it(`${c.name}: matches cpu`, async () => {
      await expectSameOnBothBackends(filterGradient(c), { rtol: 1e-5, atol: 1e-4 });
    });
  }

  it('takes NCHW data', async () => {
    const c = CASES[3] as Case;
    const nhwc = await runOn('cpu', filterGradient(c));
    const nchw = await runOn('wasm', filterGradient(c, 'NCHW'));
    expectClose(nchw.values[0] as Float32Array, nhwc.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-4 });
  });

  it('keeps long reductions within float32 tolerance (CNN-like shape, N·OH·OW = 43,264)', async () => {
    const c: Case = { name: 'long', x: [64, 28, 28, 1], filter: [3, 3, 1, 8], strides: 1, pad: 'valid' };
    await expectSameOnBothBackends(filterGradient(c), { rtol: 1e-4, rtolOfMax: 1e-4 });
  });

  it('supports a dilations attribute (checked against the definition)', async () => {
    for (const [strides, dilations, pad] of [
      [[1, 1], [2, 2], 'valid'],
      [[2, 1], [1, 3], 'same'],
      [[1, 2], [2, 1], 'same'],
    ] as Array<[[number, number], [number, number], 'valid' | 'same']>) {
      await tf.setBackend('wasm');
      const xs = [2, 9, 8, 3];
      const filterShape = [3, 2, 3, 4];
      const x = normal(xs, 12, 'dilated', 'x');
      const info = tf.backend_util.computeConv2DInfo(xs as [number, number, number, number], filterShape as [number, number, number, number], strides, dilations, pad);
      const dy = normal(info.outShape, 12, 'dilated', 'dy');
      const out = tf.tidy(() =>
        runKernel('Conv2DBackpropFilter', { x: tensorOf(x), dy: tensorOf(dy) }, { strides, dilations, pad, dataFormat: 'NHWC', filterShape }).dataSync(),
      );
      const expected = referenceFilterGradient(
        x.values as Float32Array,
        xs,
        dy.values as Float32Array,
        info.outShape,
        filterShape,
        strides,
        dilations,
        [info.padInfo.top, info.padInfo.left],
      );
      expectClose(out, expected, { rtol: 1e-5, atol: 1e-4 }, `strides ${strides.join(',')} dilations ${dilations.join(',')} ${pad}`);
    }
  });

  it('splits large patch matrices into groups of taps with the same result', async () => {
    // 64·30·30 output positions × 5·5 taps × 16 channels > 2^24 patch elements: several groups of taps. The weight
    // gradient is a sum over the batch, so it must equal the sum of the two halves' gradients (one group each).
    await tf.setBackend('wasm');
    const x = tf.tensor(normal([64, 34, 34, 16], 15, 'x').values, [64, 34, 34, 16]);
    const dy = tf.tensor(normal([64, 30, 30, 2], 15, 'dy').values, [64, 30, 30, 2]);
    const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [5, 5, 16, 2] };
    const whole = tf.tidy(() => runKernel('Conv2DBackpropFilter', { x, dy }, attrs).dataSync());
    const halves = tf.tidy(() => {
      const [x1, x2] = tf.split(x, 2, 0) as [tf.Tensor, tf.Tensor];
      const [d1, d2] = tf.split(dy, 2, 0) as [tf.Tensor, tf.Tensor];
      return tf.add(runKernel('Conv2DBackpropFilter', { x: x1, dy: d1 }, attrs), runKernel('Conv2DBackpropFilter', { x: x2, dy: d2 }, attrs)).dataSync();
    });
    expectClose(whole, halves, { rtol: 1e-4, rtolOfMax: 1e-5 });
    tf.dispose([x, dy]);
  });

  it('rejects non-float32 data with a KernelInputError naming the attribute', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 1], 'int32');
    const dy = tf.zeros([1, 2, 2, 1], 'int32');
    expect(() => runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1] })).toThrow(KernelInputError);
    expect(() => runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1] })).toThrow(/Conv2DBackpropFilter\.dtype/);
    tf.dispose([x, dy]);
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(normal([2, 9, 9, 3], 13, 'x').values, [2, 9, 9, 3]);
    const dy = tf.tensor(normal([2, 5, 5, 4], 13, 'dy').values, [2, 5, 5, 4]);
    // No tf.tidy around the body: it would dispose a leaked tensor and the count could not fail.
    expectNoLeak(() => {
      const [xT, dyT] = [tf.transpose(x, [0, 3, 1, 2]), tf.transpose(dy, [0, 3, 1, 2])];
      tf.dispose([
        runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }),
        runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, { strides: 2, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] }),
        xT,
        dyT,
      ]);
    });
    tf.dispose([x, dy]);
  });

  it('gives the same gradients as cpu through tf.grad of a small CNN', async () => {
    const x = normal([3, 10, 10, 2], 14, 'x');
    const w1 = normal([3, 3, 2, 4], 14, 'w1');
    const w2 = normal([3, 3, 4, 3], 14, 'w2');
    const loss = (input: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => {
      const h = tf.relu(tf.conv2d(input as tf.Tensor4D, a as tf.Tensor4D, 1, 'same'));
      const p = tf.maxPool(h, 2, 2, 'valid');
      const y = tf.conv2d(p, b as tf.Tensor4D, 2, 'same');
      return tf.sum(tf.square(y));
    };
    await expectSameOnBothBackends(() => tf.grads(loss)([tensorOf(x), tensorOf(w1), tensorOf(w2)]), { rtol: 1e-4, atol: 1e-4 });
  });
});
