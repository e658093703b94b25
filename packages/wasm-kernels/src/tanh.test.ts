import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { TestRandom } from './test-support/random.js';
import { TANH_SERIES_LIMIT, tanhKernel } from './tanh.js';
import { expectClose, expectNoLeak, expectSameOnBothBackends, normal, runOn, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

describe('Tanh on wasm', () => {
  it('is registered in place of the original', () => {
    expect(tf.getKernel('Tanh', 'wasm').kernelFunc).toBe(tanhKernel.kernelFunc);
  });

  it('agrees with Math.tanh to a few float32 ulps over many magnitudes, around the series limit included', async () => {
    const random = TestRandom.fromSeed(101, 'tanh');
    const values = new Float32Array(20_000);
    for (let i = 0; i < values.length; i += 1) {
      const magnitude = 10 ** (-12 + 13.3 * random.uniform()); // 1e-12 … 20
      values[i] = (random.uniform() < 0.5 ? -1 : 1) * magnitude;
    }
    values.set([TANH_SERIES_LIMIT, -TANH_SERIES_LIMIT, Math.fround(TANH_SERIES_LIMIT * 0.999), 0.2499999, 0.2500001, 1e-30, -1e-30], 0);
    const wasm = await runOn('wasm', () => tf.tanh(tf.tensor(values)));
    const expected = Array.from(values, (v) => Math.tanh(v));
    // 4 ulps of float32 (2^-23 relative each) plus the float32 rounding of the reference.
    expectClose(wasm.values[0] as Float32Array, expected, { rtol: 5 * 2 ** -23, atol: 0 });
  });

  it('maps ±0 to ±0, ±∞ to ±1 and NaN to NaN', async () => {
    const wasm = await runOn('wasm', () => tf.tanh(tf.tensor([0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 3e38, -3e38])));
    const out = Array.from(wasm.values[0] as Float32Array);
    expect(Object.is(out[0], 0)).toBe(true);
    expect(Object.is(out[1], -0)).toBe(true);
    expect(out.slice(2, 4)).toEqual([1, -1]);
    expect(out[4]).toBeNaN();
    expect(out.slice(5)).toEqual([1, -1]);
  });

  it('matches cpu on normal inputs and in a tanh-GELU gradient', async () => {
    const x = normal([64, 33], 102, 'x');
    await expectSameOnBothBackends(() => tf.tanh(tensorOf(x)), { rtol: 1e-6, atol: 1e-7 });
    const gelu = (t: tf.Tensor) =>
      tf.sum(tf.mul(tf.mul(t, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(t, tf.mul(0.044715, tf.mul(tf.mul(t, t), t))))))));
    await expectSameOnBothBackends(() => tf.grad(gelu)(tensorOf(x)), { rtol: 1e-5, atol: 1e-6 });
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(normal([100], 103, 'x').values);
    expectNoLeak(() => tf.tanh(x).dispose());
    x.dispose();
  });
});
