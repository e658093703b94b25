import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { WasmBackend } from './kernel-calls.js';
import { hasNativeBatchedMatMul } from './native-matmul.js';
import { expectClose, expectNoLeak, normal, runOn, tensorOf, useWasm } from './test-support/compare.js';

beforeAll(useWasm);

const BUILD = fileURLToPath(new URL('../native/build.mjs', import.meta.url));

/** `op(a[i]) @ op(b[i])` batch by batch as un-batched 2-D products: XNNPACK's fully-connected path, nothing native. */
function perBatch(a: tf.Tensor3D, b: tf.Tensor3D, transposeA: boolean, transposeB: boolean): tf.Tensor3D {
  return tf.tidy(() => {
    const batch = Math.max(a.shape[0], b.shape[0]);
    const pick = (x: tf.Tensor3D, i: number) => tf.squeeze<tf.Tensor2D>(tf.slice(x, [x.shape[0] === 1 ? 0 : i, 0, 0], [1, -1, -1]), [0]);
    const products = Array.from({ length: batch }, (_, i) => {
      // Explicit transposes: the un-batched, un-transposed product is the original kernel's XNNPACK path.
      const ai = transposeA ? tf.transpose(pick(a, i)) : pick(a, i);
      const bi = transposeB ? tf.transpose(pick(b, i)) : pick(b, i);
      return tf.matMul(ai, bi);
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
        expect(Array.from(batched.values[0] ?? [])).toEqual(Array.from(xnnpack.values[0] ?? []));
        expectClose(batched.values[0] as Float32Array, cpu.values[0] as Float32Array, { rtol: 1e-5, atol: 1e-5 });
      });
    }
  }

  it('leaks neither engine tensors nor heap buffers (its scratch and output included)', () => {
    const a = tensorOf(normal([48, 64, 32], 4, 'leak', 'a')) as tf.Tensor3D;
    const b = tensorOf(normal([48, 64, 32], 4, 'leak', 'b')) as tf.Tensor3D;
    try {
      expectNoLeak(() => tf.matMul(a, b, false, true).dispose());
    } finally {
      tf.dispose([a, b]);
    }
  });
});

describe('native/build.mjs', () => {
  it('rebuilds src/native-matmul-binary.ts byte for byte from native/batched-matmul.c (clang, wasm-ld)', () => {
    // Throws (failing the test) when clang is missing or the committed binary is not what the source builds.
    expect(() => execFileSync(process.execPath, [BUILD, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
