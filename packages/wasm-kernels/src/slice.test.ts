import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TestRandom } from './test-support/random.js';
import { sliceKernel, splitVKernel, unpackKernel } from './slice.js';
import { expectNoLeak, expectSameOnBothBackends, integers, normal, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

describe('Slice, SplitV and Unpack on wasm', () => {
  it('are registered in place of the originals', () => {
    expect(tf.getKernel('Slice', 'wasm').kernelFunc).toBe(sliceKernel.kernelFunc);
    expect(tf.getKernel('SplitV', 'wasm').kernelFunc).toBe(splitVKernel.kernelFunc);
    expect(tf.getKernel('Unpack', 'wasm').kernelFunc).toBe(unpackKernel.kernelFunc);
  });

  it('slices random boxes of ranks 1-5 like cpu (float32, int32, bool; short and long runs)', async () => {
    const random = TestRandom.fromSeed(91, 'slice');
    for (let trial = 0; trial < 30; trial += 1) {
      const rank = random.int(1, 5);
      const shape = Array.from({ length: rank }, () => random.int(1, 20));
      const begin = shape.map((d) => random.int(0, d - 1));
      const size = shape.map((d, i) => (random.uniform() < 0.2 ? -1 : random.int(0, d - (begin[i] as number))));
      const x = normal(shape, 92, trial);
      const what = `[${shape.join(',')}] from [${begin.join(',')}] size [${size.join(',')}]`;
      await expectSameOnBothBackends(() => tf.slice(tensorOf(x), begin, size), { rtol: 0, atol: 0 }, what);
      const n = integers(shape, -9, 9, 92, trial);
      await expectSameOnBothBackends(() => tf.slice(tensorOf(n), begin, size), { rtol: 0, atol: 0 }, what);
      await expectSameOnBothBackends(() => tf.slice(tf.greater(tensorOf(n), 0), begin, size), { rtol: 0, atol: 0 }, what);
    }
  });

  it('splits like cpu (equal pieces, sizes with -1, any axis)', async () => {
    const x = normal([6, 12, 5], 93, 'x');
    await expectSameOnBothBackends(() => tf.split(tensorOf(x), 3, 1), { rtol: 0, atol: 0 });
    await expectSameOnBothBackends(() => tf.split(tensorOf(x), [1, -1, 2], 0), { rtol: 0, atol: 0 });
    await expectSameOnBothBackends(() => tf.split(tensorOf(x), [2, 3], -1), { rtol: 0, atol: 0 });
    const qkv = normal([2, 4, 3, 2, 8], 93, 'qkv');
    await expectSameOnBothBackends(() => tf.split(tensorOf(qkv), 3, 2), { rtol: 0, atol: 0 });
  });

  it('unstacks like cpu along every axis', async () => {
    const x = normal([3, 4, 5], 94, 'x');
    for (const axis of [0, 1, 2, -1]) {
      await expectSameOnBothBackends(() => tf.unstack(tensorOf(x), axis), { rtol: 0, atol: 0 });
    }
  });

  it('gives the same gradients as cpu through split and slice', async () => {
    const x = normal([4, 9], 95, 'x');
    const f = (t: tf.Tensor) => {
      const [a, b, c] = tf.split(t, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      return tf.add(tf.sum(tf.mul(a, b)), tf.sum(tf.square(tf.slice(c, [1, 0], [3, 2]))));
    };
    await expectSameOnBothBackends(() => tf.grad(f)(tensorOf(x)), { rtol: 1e-6, atol: 1e-6 });
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(normal([6, 12, 5], 96, 'x').values, [6, 12, 5]);
    expectNoLeak(() => {
      tf.dispose(tf.split(x, 3, 1));
      tf.dispose(tf.unstack(x, 1));
      tf.slice(x, [1, 2, 0], [2, 3, 5]).dispose();
    });
    x.dispose();
  });
});
