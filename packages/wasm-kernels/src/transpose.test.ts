import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TestRandom } from './test-support/random.js';
import { expectNoLeak, expectSameOnBothBackends, integers, normal, tensorOf, useWasm } from './test-support/compare.js';
import { simplifyPermutation, transposeKernel } from './transpose.js';

beforeAll(useWasm);

describe('simplifyPermutation', () => {
  it('drops size-1 axes and merges axes that stay adjacent', () => {
    expect(simplifyPermutation([16, 128, 4, 32], [0, 2, 1, 3])).toEqual({ shape: [16, 128, 4, 32], perm: [0, 2, 1, 3] });
    expect(simplifyPermutation([2, 3, 4, 5], [2, 3, 0, 1])).toEqual({ shape: [6, 20], perm: [1, 0] });
    expect(simplifyPermutation([1, 7, 1, 5], [3, 2, 1, 0])).toEqual({ shape: [7, 5], perm: [1, 0] });
    expect(simplifyPermutation([4, 1, 5], [0, 1, 2])).toEqual({ shape: [20], perm: [0] });
    expect(simplifyPermutation([16, 128, 3, 4, 32], [2, 0, 3, 1, 4])).toEqual({ shape: [16, 128, 3, 4, 32], perm: [2, 0, 3, 1, 4] });
  });
});

describe('Transpose on wasm', () => {
  it('is registered in place of the original', () => {
    expect(tf.getKernel('Transpose', 'wasm').kernelFunc).toBe(transposeKernel.kernelFunc);
  });

  const cases: Array<[number[], number[]]> = [
    [[5, 7], [1, 0]],
    [[70, 45], [1, 0]], // several 32×32 tiles, partial edges
    [[3, 4, 5], [0, 2, 1]],
    [[3, 4, 5], [2, 0, 1]],
    [[3, 4, 5], [1, 0, 2]], // innermost axis stays: runs
    [[2, 40, 3, 20], [0, 2, 1, 3]], // runs of 20 (copyWithin)
    [[4, 6, 3, 4, 8], [2, 0, 3, 1, 4]], // fused-QKV head split
    [[2, 3, 1, 4, 5, 2], [5, 3, 1, 0, 4, 2]],
    [[1, 9, 1], [2, 1, 0]],
    [[6], [0]],
    [[0, 4], [1, 0]],
  ];
  for (const [shape, perm] of cases) {
    it(`[${shape.join(', ')}] by [${perm.join(', ')}] matches cpu (float32 and int32)`, async () => {
      const x = normal(shape, 41, shape.join('x'));
      await expectSameOnBothBackends(() => tf.transpose(tensorOf(x), perm), { rtol: 0, atol: 0 });
      const n = integers(shape, -1000, 1000, 41, shape.join('x'));
      await expectSameOnBothBackends(() => tf.transpose(tensorOf(n), perm), { rtol: 0, atol: 0 });
    });
  }

  it('matches cpu on random permutations of random shapes, bool included', async () => {
    const random = TestRandom.fromSeed(42, 'transpose');
    for (let trial = 0; trial < 20; trial += 1) {
      const rank = random.int(1, 6);
      const shape = Array.from({ length: rank }, () => random.int(1, 5));
      const perm = [...random.permutation(rank)];
      const x = normal(shape, 43, trial);
      await expectSameOnBothBackends(() => tf.transpose(tensorOf(x), perm), { rtol: 0, atol: 0 }, `[${shape.join(',')}] by [${perm.join(',')}]`);
      await expectSameOnBothBackends(() => tf.transpose(tf.greater(tensorOf(x), 0), perm), { rtol: 0, atol: 0 });
    }
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(normal([4, 6, 3, 4, 8], 44, 'x').values, [4, 6, 3, 4, 8]);
    expectNoLeak(() => tf.transpose(x, [2, 0, 3, 1, 4]).dispose());
    x.dispose();
  });
});
