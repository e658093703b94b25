import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { castKernel, identityKernel } from './identity.js';
import { expectClose, expectSameOnBothBackends, normal, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

describe('Identity and same-dtype Cast on wasm', () => {
  it('are registered in place of the originals', () => {
    expect(tf.getKernel('Identity', 'wasm').kernelFunc).toBe(identityKernel.kernelFunc);
    expect(tf.getKernel('Cast', 'wasm').kernelFunc).toBe(castKernel.kernelFunc);
  });

  it('clone shares the data (no new heap buffer) and both tensors stay valid when either is disposed', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const buffers = tf.backend().numDataIds();
    const y = tf.clone(x);
    expect(tf.backend().numDataIds()).toBe(buffers);
    x.dispose();
    expectClose(y.dataSync(), [1, 2, 3, 4]);
    const z = tf.clone(y);
    y.dispose();
    expectClose(z.dataSync(), [1, 2, 3, 4]);
    z.dispose();
    expect(tf.backend().numDataIds()).toBe(buffers - 1);
  });

  it('a same-dtype cast shares the data; real conversions still convert (to bool as x ≠ 0)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1.5, -2.5, 3], [3]);
    const buffers = tf.backend().numDataIds();
    const same = tf.cast(x, 'float32');
    expect(tf.backend().numDataIds()).toBe(buffers);
    const asInt = tf.cast(x, 'int32');
    expect(asInt.dtype).toBe('int32');
    expect(Array.from(asInt.dataSync())).toEqual([1, -2, 3]);
    const asBool = tf.cast(x, 'bool');
    expect(Array.from(asBool.dataSync())).toEqual([1, 1, 1]);
    tf.dispose([x, same, asInt, asBool]);
    expect(tf.backend().numDataIds()).toBe(buffers - 1);
    await expectSameOnBothBackends(() => tf.cast(tf.tensor([0, -0, 0.25, -3, Number.NaN, 256]), 'bool'));
    await expectSameOnBothBackends(() => tf.cast(tf.tensor([0, 7, -1, 256], undefined, 'int32'), 'bool'));
  });

  it('gradients that clone and cast saved tensors match cpu', async () => {
    const x = normal([5, 4], 51, 'x');
    const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(t), tf.cast(tf.clone(t), 'float32')));
    await expectSameOnBothBackends(() => tf.grad(f)(tensorOf(x)), { rtol: 1e-5, atol: 1e-6 });
  });

  it('keeps string tensors working (original kernel)', async () => {
    await tf.setBackend('wasm');
    const s = tf.tensor(['a', 'bc']);
    const c = tf.clone(s);
    expect(c.dataSync()).toEqual(s.dataSync());
    tf.dispose([s, c]);
  });
});
