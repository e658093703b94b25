import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';
import { expectClose, expectNoLeak, expectSameOnBothBackends, integers, normal, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

describe('UnsortedSegmentSum on wasm', () => {
  it('is registered (tfjs-backend-wasm lacks it)', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm').kernelFunc).toBe(unsortedSegmentSumKernel.kernelFunc);
  });

  it('sums rows into segments like cpu, dropping negative and too-large ids', async () => {
    const x = normal([40, 3], 31, 'x');
    const ids = integers([40], -3, 12, 31, 'ids'); // segments 0..9; -3..-1 and 10..12 are out of range
    await expectSameOnBothBackends(() => tf.unsortedSegmentSum(tensorOf(x), tensorOf(ids) as tf.Tensor1D, 10));
  });

  it('handles 1-D data, wide rows, a single segment and segments nobody hits', async () => {
    for (const [shape, segments] of [
      [[25], 7],
      [[12, 70], 30],
      [[9, 2, 3], 1],
    ] as Array<[number[], number]>) {
      const x = normal(shape, 32, shape.join('x'));
      const ids = integers([shape[0] as number], 0, segments - 1, 32, shape.join('x'));
      await expectSameOnBothBackends(() => tf.unsortedSegmentSum(tensorOf(x), tensorOf(ids) as tf.Tensor1D, segments), {}, shape.join('x'));
    }
  });

  it('takes int32 data and, like cpu, returns float32', async () => {
    const x = integers([10, 4], -5, 5, 33, 'x');
    const ids = integers([10], 0, 3, 33, 'ids');
    const wasm = await expectSameOnBothBackends(() => tf.unsortedSegmentSum(tensorOf(x), tensorOf(ids) as tf.Tensor1D, 4));
    expect(wasm.dtypes).toEqual(['float32']);
  });

  it('rejects segment ids that are not one per row of x', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([4, 3]);
    const ids = tf.zeros([5], 'int32');
    expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 2 })).toThrow(/got shape \[5\]/);
    const ids2 = tf.zeros([4, 3], 'int32');
    expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: ids2 }, { numSegments: 2 })).toThrow(/must be 1-D/);
    tf.dispose([x, ids, ids2]);
  });

  it('computes a CTR-sized embedding gradient (26·1024 lookups into 100,000 rows of 16) exactly', async () => {
    await tf.setBackend('wasm');
    const lookups = 26 * 1024;
    const ids = integers([lookups], 0, 99_999, 35, 'ids');
    const x = normal([lookups, 16], 35, 'x');
    const out = tf.tidy(() => tf.unsortedSegmentSum(tensorOf(x), tensorOf(ids) as tf.Tensor1D, 100_000).dataSync());
    // Reference in float64, then rounded like the float32 kernel's running sums would be at worst.
    const expected = new Float64Array(100_000 * 16);
    for (let i = 0; i < lookups; i += 1) {
      const s = ids.values[i] as number;
      for (let k = 0; k < 16; k += 1) expected[s * 16 + k] = (expected[s * 16 + k] as number) + (x.values[i * 16 + k] as number);
    }
    expectClose(out, expected, { rtol: 1e-6, atol: 1e-6 });
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(normal([30, 5], 36, 'x').values, [30, 5]);
    const ids = tf.tensor(integers([30], -1, 8, 36, 'ids').values, [30], 'int32');
    expectNoLeak(() => tf.unsortedSegmentSum(x, ids as tf.Tensor1D, 8).dispose());
    tf.dispose([x, ids]);
  });

  it('gives the same gradients as cpu through tf.grad of gather (an embedding)', async () => {
    const table = normal([50, 6], 37, 'table');
    const ids = integers([4, 7], 0, 49, 37, 'ids');
    const weights = normal([6, 2], 37, 'w');
    const loss = (t: tf.Tensor) => tf.sum(tf.square(tf.matMul(tf.reshape(tf.gather(t, tensorOf(ids)), [28, 6]), tensorOf(weights))));
    await expectSameOnBothBackends(() => tf.grad(loss)(tensorOf(table)), { rtol: 1e-5, atol: 1e-5 });
  });

  it('gives the gradient of gather along axis 1 like cpu', async () => {
    const x = normal([3, 8, 4], 38, 'x');
    const ids = integers([3, 5], 0, 7, 38, 'ids');
    const alongAxis1 = (t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tensorOf(ids), 1)));
    await expectSameOnBothBackends(() => tf.grad(alongAxis1)(tensorOf(x)), { rtol: 1e-5, atol: 1e-5 });
  });
});
