import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { gatherKernel } from './gather.js';
import { expectNoLeak, expectSameOnBothBackends, integers, normal, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

describe('GatherV2 on wasm', () => {
  it('is registered in place of the original', () => {
    expect(tf.getKernel('GatherV2', 'wasm').kernelFunc).toBe(gatherKernel.kernelFunc);
  });

  const cases: Array<[string, number[], number[], number, number]> = [
    ['embedding rows of 16 (copyWithin)', [50, 16], [4, 26], 0, 0],
    ['rows of 3', [20, 3], [30], 0, 0],
    ['axis 1', [4, 9, 5], [2, 3], 1, 0],
    ['last axis', [4, 5, 9], [7], -1, 0],
    ['batch dims 1', [3, 8, 4], [3, 5], 1, 1],
    ['scalar rows', [12], [5, 2], 0, 0],
  ];
  for (const [name, xShape, indexShape, axis, batchDims] of cases) {
    it(`${name}: matches cpu for float32 and int32`, async () => {
      const dim = xShape[axis < 0 ? xShape.length + axis : axis] as number;
      const ids = integers(indexShape, 0, dim - 1, 81, name);
      const x = normal(xShape, 81, name);
      await expectSameOnBothBackends(() => tf.gather(tensorOf(x), tensorOf(ids), axis, batchDims), { rtol: 0, atol: 0 });
      const n = integers(xShape, -50, 50, 82, name);
      await expectSameOnBothBackends(() => tf.gather(tensorOf(n), tensorOf(ids), axis, batchDims), { rtol: 0, atol: 0 });
    });
  }

  it('throws for an index out of range, with the original message', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([5, 2]);
    const ids = tf.tensor1d([0, 5], 'int32');
    expect(() => tf.gather(x, ids)).toThrow('GatherV2: the index value 5 is not in [0, 4]');
    tf.dispose([x, ids]);
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(normal([50, 16], 83, 'x').values, [50, 16]);
    const ids = tf.tensor(integers([4, 26], 0, 49, 83, 'ids').values, [4, 26], 'int32');
    expectNoLeak(() => tf.gather(x, ids).dispose());
    tf.dispose([x, ids]);
  });
});
