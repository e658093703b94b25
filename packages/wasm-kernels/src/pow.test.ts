import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { powKernel } from './pow.js';
import { expectNoLeak, expectSameOnBothBackends, normal, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

describe('Pow on wasm', () => {
  it('is registered in place of the original', () => {
    expect(tf.getKernel('Pow', 'wasm').kernelFunc).toBe(powKernel.kernelFunc);
  });

  it('matches cpu for integer exponents -8..8, zeros and signs included', async () => {
    const x = normal([200], 111, 'x');
    const values = Float32Array.from(x.values);
    values.set([0, -0, 1, -1, 2, -2], 0);
    for (let n = -8; n <= 8; n += 1) {
      await expectSameOnBothBackends(() => tf.pow(tf.tensor(values), n), { rtol: 2e-6, atol: 0 }, `x^${n}`);
    }
  });

  it('leaves other exponents and broadcasting exponents to the original, with cpu results', async () => {
    const x = normal([30], 112, 'x');
    const positive = { values: Float32Array.from(x.values, Math.abs), shape: [30] };
    await expectSameOnBothBackends(() => tf.pow(tensorOf(positive), 0.5), { rtol: 1e-5, atol: 1e-7 });
    await expectSameOnBothBackends(() => tf.pow(tensorOf(positive), 9), { rtol: 1e-5, atol: 1e-7 });
    await expectSameOnBothBackends(() => tf.pow(tensorOf(x), tf.tensor([2, 3, 1], [3, 1])), { rtol: 1e-5, atol: 1e-7 });
    await expectSameOnBothBackends(() => tf.pow(tf.tensor([2, 3], undefined, 'int32'), tf.scalar(3, 'int32')));
  });

  it('gives the same gradient as cpu for x³', async () => {
    const x = normal([40], 113, 'x');
    await expectSameOnBothBackends(() => tf.grad((t: tf.Tensor) => tf.sum(tf.pow(t, 3)))(tensorOf(x)), { rtol: 1e-5, atol: 1e-6 });
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(normal([50], 114, 'x').values);
    const three = tf.scalar(3);
    expectNoLeak(() => tf.pow(x, three).dispose());
    tf.dispose([x, three]);
  });
});
