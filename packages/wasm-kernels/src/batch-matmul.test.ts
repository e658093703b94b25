import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { batchMatMulKernel, fusedMatMulKernel } from './batch-matmul.js';
import { expectClose, expectNoLeak, expectSameOnBothBackends, normal, runOn, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

/** Shapes of `a` and `b` for `a @ b` with the given flags (m, k, n and batch dimensions). */
function operands(batchA: number[], batchB: number[], m: number, k: number, n: number, transposeA: boolean, transposeB: boolean) {
  return {
    a: [...batchA, ...(transposeA ? [k, m] : [m, k])],
    b: [...batchB, ...(transposeB ? [n, k] : [k, n])],
  };
}

describe('BatchMatMul on wasm', () => {
  it('is registered in place of the original', () => {
    expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc).toBe(batchMatMulKernel.kernelFunc);
    expect(tf.getKernel('_FusedMatMul', 'wasm').kernelFunc).toBe(fusedMatMulKernel.kernelFunc);
  });

  const cases: Array<[string, number[], number[], number, number, number]> = [
    ['2-D', [], [], 7, 5, 3],
    ['vector result', [], [], 9, 4, 1],
    ['row result', [], [], 1, 6, 8],
    ['batched both', [3], [3], 4, 5, 6],
    ['batched a only (folded)', [2, 3], [], 5, 4, 3],
    ['batched b only', [], [4], 3, 5, 2],
    ['large enough for XNNPACK per batch', [2], [2], 33, 17, 40],
    ['many tiny batches (original loop)', [64], [64], 3, 3, 3],
  ];
  for (const [name, batchA, batchB, m, k, n] of cases) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`${name}, transposeA=${transposeA}, transposeB=${transposeB}: matches cpu`, async () => {
        const shapes = operands(batchA, batchB, m, k, n, transposeA, transposeB);
        const a = normal(shapes.a, 1, name, 'a');
        const b = normal(shapes.b, 1, name, 'b');
        await expectSameOnBothBackends(() => tf.matMul(tensorOf(a), tensorOf(b), transposeA, transposeB), { rtol: 1e-5, atol: 1e-5 });
      });
    }
  }

  for (const [m, k, n] of [
    [3, 4, 5],
    [33, 17, 40],
  ] as Array<[number, number, number]>) {
    it(`broadcasts batch dimensions of both operands like numpy ([2, 1] with [1, 3], ${m}×${k}×${n})`, async () => {
      // tfjs-cpu mislabels this case (3 products shaped as 6), so the reference multiplies explicitly tiled inputs.
      const a = normal([2, 1, m, k], 8, 'a', m);
      const b = normal([1, 3, k, n], 8, 'b', m);
      const cpu = await runOn('cpu', () => tf.matMul(tf.tile(tensorOf(a), [1, 3, 1, 1]), tf.tile(tensorOf(b), [2, 1, 1, 1])));
      const wasm = await runOn('wasm', () => tf.matMul(tensorOf(a), tensorOf(b)));
      expect(wasm.shapes).toEqual([[2, 3, m, n]]);
      expectClose(wasm.values[0] as Float32Array, cpu.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-5 });
    });
  }

  it('keeps long reductions within float32 tolerance (k = 4096)', async () => {
    const a = normal([8, 4096], 2, 'a');
    const b = normal([16, 4096], 2, 'b');
    await expectSameOnBothBackends(() => tf.matMul(tensorOf(a), tensorOf(b), false, true), { rtol: 1e-4, rtolOfMax: 1e-4 });
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor(normal([2, 3, 8, 5], 3, 'a').values, [2, 3, 8, 5]);
    const b = tf.tensor(normal([2, 3, 6, 5], 3, 'b').values, [2, 3, 6, 5]);
    const w = tf.tensor(normal([8, 6], 3, 'w').values, [8, 6]);
    const bias = tf.ones([36]);
    const a2 = tf.reshape<tf.Rank.R2>(a, [48, 5]);
    const b2 = tf.reshape<tf.Rank.R2>(b, [36, 5]);
    // No tf.tidy around the body: it would dispose a leaked tensor and the count could not fail.
    expectNoLeak(() => {
      const a3 = tf.reshape<tf.Rank.R3>(a2, [2, 24, 5]);
      tf.dispose([
        tf.matMul(a, b, false, true),
        tf.matMul(a, w, true, false),
        tf.fused.matMul({ a: a2, b: b2, transposeB: true, bias, activation: 'relu' }),
        tf.fused.matMul({ a: a3, b: b2, transposeB: true, bias }),
        a3,
      ]);
    });
    tf.dispose([bias, a2, b2]);
    tf.dispose([a, b, w]);
  });

  it('gives the same gradients as cpu through tf.grad of a small dense + attention model', async () => {
    const x = normal([2, 6, 4], 4, 'x');
    const w = normal([4, 12], 4, 'w');
    const loss = (xs: tf.Tensor, ws: tf.Tensor) => {
      // tfjs' own matMul gradient cannot broadcast batch dimensions, so the projection is 2-D (transposed products
      // in the backward pass) and attention is batched.
      const qkv = tf.reshape(tf.matMul(tf.reshape(xs, [12, 4]), ws), [2, 6, 12]);
      const [q, k, v] = tf.split(qkv, 3, 2) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const scores = tf.softmax(tf.matMul(q, k, false, true)); // batched, transposeB
      return tf.sum(tf.square(tf.matMul(scores, v)));
    };
    await expectSameOnBothBackends(() => tf.grads(loss)([tensorOf(x), tensorOf(w)]), { rtol: 1e-4, atol: 1e-5 });
  });
});

describe('_FusedMatMul on wasm', () => {
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
    ] as const) {
      it(`${activation} with bias, transposeA=${transposeA}, transposeB=${transposeB}: matches cpu`, async () => {
        const shapes = operands([], [], 6, 5, 4, transposeA, transposeB);
        const a = normal(shapes.a, 5, activation, 'a');
        const b = normal(shapes.b, 5, activation, 'b');
        const bias = normal([4], 5, activation, 'bias');
        const alpha = normal([4], 5, activation, 'alpha');
        await expectSameOnBothBackends(
          () =>
            tf.fused.matMul({
              a: tensorOf(a),
              b: tensorOf(b),
              transposeA,
              transposeB,
              bias: tensorOf(bias),
              activation,
              ...(activation === 'prelu' ? { preluActivationWeights: tensorOf(alpha) } : {}),
              ...(activation === 'leakyrelu' ? { leakyreluAlpha: 0.3 } : {}),
            }),
          { rtol: 1e-5, atol: 1e-5 },
        );
      });
    }
  }

  it('adds a broadcast (non-vector) bias, which the original rejects', async () => {
    const a = normal([3, 4, 5], 6, 'a');
    const b = normal([5, 2], 6, 'b');
    const bias = normal([4, 2], 6, 'bias');
    await expectSameOnBothBackends(
      () => tf.fused.matMul({ a: tensorOf(a), b: tensorOf(b), bias: tensorOf(bias), activation: 'relu' }),
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  it('handles batched fused products per batch', async () => {
    const a = normal([3, 7, 5], 7, 'a');
    const b = normal([3, 6, 5], 7, 'b');
    const bias = normal([6], 7, 'bias');
    await expectSameOnBothBackends(
      () =>
        tf.fused.matMul({
          a: tensorOf(a),
          b: tensorOf(b),
          transposeB: true,
          bias: tensorOf(bias),
          activation: 'relu',
        }),
      { rtol: 1e-5, atol: 1e-5 },
    );
  });

  it("fixes the original's bias bug: with a transpose flag it added the bias' last element to rows after the first", async () => {
    // A case that failed before this kernel: every row but the first came out wrong.
    const a = { values: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] };
    const b = { values: Float32Array.from([1, 0, 0, 1]), shape: [2, 2] };
    const bias = { values: Float32Array.from([10, 20]), shape: [2] };
    const wasm = await runOn('wasm', () =>
      tf.fused.matMul({ a: tensorOf(a), b: tensorOf(b), transposeB: true, bias: tensorOf(bias) }),
    );
    expectClose(wasm.values[0] as Float32Array, [11, 22, 13, 24, 15, 26]);
  });
});
