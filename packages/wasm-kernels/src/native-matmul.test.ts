import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { WasmBackend } from './kernel-calls.js';
import { hasNativeBatchedMatMul, nativeMatMulPreferred } from './native-matmul.js';
import { expectBitwise, expectClose, expectNoLeak, normal, runOn, tensorOf, useWasm, xnnpackMatMul } from './test-support/compare.js';

beforeAll(useWasm);

/** `op(a[i]) @ op(b[i])` batch by batch on XNNPACK's fully-connected path of the original kernel, nothing native. */
function perBatch(a: tf.Tensor3D, b: tf.Tensor3D, transposeA: boolean, transposeB: boolean): tf.Tensor3D {
  return tf.tidy(() => {
    const batch = Math.max(a.shape[0], b.shape[0]);
    const pick = (x: tf.Tensor3D, i: number) => tf.squeeze<tf.Tensor2D>(tf.slice(x, [x.shape[0] === 1 ? 0 : i, 0, 0], [1, -1, -1]), [0]);
    const products = Array.from({ length: batch }, (_, i) => {
      const ai = transposeA ? tf.transpose(pick(a, i)) : pick(a, i);
      const bi = transposeB ? tf.transpose(pick(b, i)) : pick(b, i);
      return xnnpackMatMul(ai, bi);
    });
    return tf.stack(products) as tf.Tensor3D;
  });
}

describe('nativeBatchedMatMul (through BatchMatMul on wasm)', () => {
  it('binds to the wasm backend', () => {
    expect(hasNativeBatchedMatMul(tf.backend() as unknown as WasmBackend)).toBe(true);
  });

  // Attention's products at the nanoGPT configuration (48 = batch 12 × 4 heads), and remainders of the 4×8 tiles.
  const cases: Array<[string, number, number, number, number, number]> = [
    ['attention scores q·kᵀ', 48, 48, 64, 32, 64],
    ['attention output p·v', 48, 48, 64, 64, 32],
    ['rows and columns off the tile grid', 5, 5, 7, 3, 13],
    ['one column, one inner term', 3, 3, 6, 1, 1],
    ['a broadcast over the batch', 1, 4, 9, 5, 10],
  ];
  for (const [name, batchA, batchB, m, k, n] of cases) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`${name} (transposeA=${transposeA}, transposeB=${transposeB}): bitwise the per-batch XNNPACK products, close to cpu`, async () => {
        const a = normal([batchA, ...(transposeA ? [k, m] : [m, k])], 3, name, 'a');
        const b = normal([batchB, ...(transposeB ? [n, k] : [k, n])], 3, name, 'b');
        const batched = await runOn('wasm', () => tf.matMul(tensorOf(a), tensorOf(b), transposeA, transposeB));
        const xnnpack = await runOn('wasm', () => perBatch(tensorOf(a) as tf.Tensor3D, tensorOf(b) as tf.Tensor3D, transposeA, transposeB));
        const cpu = await runOn('cpu', () => tf.matMul(tensorOf(a), tensorOf(b), transposeA, transposeB));
        expect(batched.shapes).toEqual([[Math.max(batchA, batchB), m, n]]);
        expectBitwise(batched.values[0] as Float32Array, xnnpack.values[0] as Float32Array);
        expectClose(batched.values[0] as Float32Array, cpu.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-5 });
      });
    }
  }

  // nanoGPT's dense layers (768 tokens, width 128, MLP 512, qkv 384) and their gradients' products, and shapes off
  // the 4×8 tile and 32-row block grid; each with and without a bias.
  const dense: Array<[string, number, number, number]> = [
    ['MLP up-projection', 768, 128, 512],
    ['MLP down-projection', 768, 512, 128],
    ['qkv projection', 768, 128, 384],
    ['weight gradient xᵀ·dy', 128, 768, 384],
    ['odd shapes', 37, 19, 13],
    ['one row', 1, 7, 9],
  ];
  for (const [name, m, k, n] of dense) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
    ] as const) {
      for (const withBias of [false, true]) {
        it(`${name} ${m}×${k}×${n} (transposeA=${transposeA}, transposeB=${transposeB}${withBias ? ', bias' : ''}): bitwise XNNPACK's fully-connected product`, async () => {
          const a = normal(transposeA ? [k, m] : [m, k], 5, name, 'a');
          const b = normal(transposeB ? [n, k] : [k, n], 5, name, 'b');
          const bias = normal([n], 5, name, 'bias');
          const product = () =>
            tf.fused.matMul({
              a: tensorOf(a),
              b: tensorOf(b),
              transposeA,
              transposeB,
              ...(withBias ? { bias: tensorOf(bias) } : {}),
            });
          const native = await runOn('wasm', product);
          const reference = await runOn('wasm', () => {
            const at = transposeA ? tf.transpose(tensorOf(a) as tf.Tensor2D) : (tensorOf(a) as tf.Tensor2D);
            const bt = transposeB ? tf.transpose(tensorOf(b) as tf.Tensor2D) : (tensorOf(b) as tf.Tensor2D);
            return xnnpackMatMul(at, bt, withBias ? (tensorOf(bias) as tf.Tensor1D) : undefined);
          });
          expect(native.shapes).toEqual([[m, n]]);
          expectBitwise(native.values[0] as Float32Array, reference.values[0] as Float32Array);
          // An independent check where tfjs-cpu's scalar product is quick (XNNPACK is the reference above).
          if (m * k * n <= 100_000) {
            const cpu = await runOn('cpu', product);
            expectClose(native.values[0] as Float32Array, cpu.values[0] as Float32Array, { rtol: 1e-4, atol: 1e-4 });
          }
        });
      }
    }
  }

  it('takes dense products on the single-threaded build (the fused bias included) and leaves nothing behind', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    expect(nativeMatMulPreferred(backend)).toBe(true);
    const a = tensorOf(normal([64, 32], 6, 'dense leak', 'a')) as tf.Tensor2D;
    const b = tensorOf(normal([32, 24], 6, 'dense leak', 'b')) as tf.Tensor2D;
    const bias = tensorOf(normal([24], 6, 'dense leak', 'bias')) as tf.Tensor1D;
    try {
      expectNoLeak(() => tf.fused.matMul({ a, b, bias, activation: 'relu' }).dispose());
      expectNoLeak(() => tf.matMul(a, a, true, false).dispose());
    } finally {
      tf.dispose([a, b, bias]);
    }
  });

  it('leaks neither engine tensors nor heap buffers (its scratch and output included)', async () => {
    await tf.setBackend('wasm');
    const a = tensorOf(normal([48, 64, 32], 4, 'leak', 'a')) as tf.Tensor3D;
    const b = tensorOf(normal([48, 64, 32], 4, 'leak', 'b')) as tf.Tensor3D;
    try {
      expectNoLeak(() => tf.matMul(a, b, false, true).dispose());
    } finally {
      tf.dispose([a, b]);
    }
  });
});
