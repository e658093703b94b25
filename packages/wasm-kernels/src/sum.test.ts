import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { reductionBlocks, sumKernel, sumMiddleInto } from './sum.js';
import { expectBitwise, expectNoLeak, expectSameOnBothBackends, integers, normal, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

describe('reductionBlocks', () => {
  it('views consecutive reduced axes as [outer, reduced, inner]', () => {
    expect(reductionBlocks([8, 5, 3], [0])).toEqual({ outer: 1, reduced: 8, inner: 15 });
    expect(reductionBlocks([8, 5, 3], [0, 1])).toEqual({ outer: 1, reduced: 40, inner: 3 });
    expect(reductionBlocks([8, 5, 3], [1])).toEqual({ outer: 8, reduced: 5, inner: 3 });
    expect(reductionBlocks([8, 5, 3], [2])).toEqual({ outer: 40, reduced: 3, inner: 1 });
    expect(reductionBlocks([8, 1, 5, 3], [0, 2])).toEqual({ outer: 1, reduced: 40, inner: 3 });
    expect(reductionBlocks([8, 5, 3], [0, 2])).toBeUndefined();
  });
});

describe('Sum on wasm', () => {
  it('is registered in place of the original', () => {
    expect(tf.getKernel('Sum', 'wasm').kernelFunc).toBe(sumKernel.kernelFunc);
  });

  const cases: Array<[number[], number | number[]]> = [
    [[37, 19], 0], // dense bias gradient
    [[6, 9, 7, 5], [0, 1, 2]], // conv bias gradient
    [[4, 9, 6], 1], // middle axis
    [[4, 9, 6], [0, 1]],
    [[4, 9, 6], 2], // innermost: original kernel
    [[4, 9, 6], [0, 2]], // not consecutive: original kernel
    [[4, 1, 9, 6], [0, 2]], // consecutive once the size-1 axis is ignored
    [[5, 3], [0, 1]], // everything
    [[7], 0],
  ];
  for (const [shape, axis] of cases) {
    for (const keepDims of [false, true]) {
      it(`[${shape.join(', ')}] over ${JSON.stringify(axis)}, keepDims ${keepDims}: matches cpu`, async () => {
        const x = normal(shape, 71, shape.join('x'), JSON.stringify(axis));
        await expectSameOnBothBackends(() => tf.sum(tensorOf(x), axis, keepDims), { rtol: 1e-5, atol: 1e-5 });
      });
    }
  }

  it('keeps long reductions within float32 tolerance (CNN bias gradient, 173,056 rows)', async () => {
    const x = normal([256, 26, 26, 4], 72, 'long');
    await expectSameOnBothBackends(() => tf.sum(tensorOf(x), [0, 1, 2]), { rtol: 1e-5, rtolOfMax: 1e-6 });
  });

  it('is bitwise the float64 JavaScript loop on the compiled path (odd inner size, rows off the groups of four)', async () => {
    await tf.setBackend('wasm');
    const data = normal([3, 1031, 37], 9, 'bitwise');
    const x = tensorOf(data);
    try {
      const viaKernel = tf.sum(x, 1).dataSync() as Float32Array;
      const viaLoop = new Float32Array(3 * 37);
      sumMiddleInto(Float32Array.from(data.values), { outer: 3, reduced: 1031, inner: 37 }, viaLoop, new Float64Array(37));
      expectBitwise(viaKernel, viaLoop);
    } finally {
      x.dispose();
    }
  });

  it('leaves int32 sums to the original kernel, with the same results as cpu', async () => {
    const x = integers([6, 5], -100, 100, 73, 'x');
    await expectSameOnBothBackends(() => tf.sum(tensorOf(x), 0));
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(normal([6, 9, 7, 5], 74, 'x').values, [6, 9, 7, 5]);
    expectNoLeak(() => {
      tf.sum(x, [0, 1, 2]).dispose();
      tf.sum(x, [0, 2], true).dispose();
    });
    x.dispose();
  });
});
