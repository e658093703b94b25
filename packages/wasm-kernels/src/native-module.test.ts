import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { WasmBackend } from './kernel-calls.js';
import { nativeModule } from './native-module.js';
import { useWasm } from './test-support/compare.js';

beforeAll(useWasm);

const BUILD = fileURLToPath(new URL('../native/build.mjs', import.meta.url));

describe('nativeModule', () => {
  it('binds the compiled kernels to the wasm backend once, on its ordinary (single-threaded) memory', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackend;
    const bound = nativeModule(backend);
    expect(bound?.threaded).toBe(false);
    expect(Object.keys(bound?.exports ?? {}).sort()).toEqual(
      expect.arrayContaining(['batched_matmul', 'gelu_grad', 'gelu_sigmoid_argument', 'layer_norm', 'layer_norm_grad', 'native_matmul_scratch_floats', 'sum_middle']),
    );
    expect(nativeModule(backend)).toBe(bound);
  });
});

describe('native/build.mjs', () => {
  it('rebuilds src/native-binary.ts byte for byte from native/*.c (clang, wasm-ld)', () => {
    // Throws (failing the test) when clang is missing or the committed binary is not what the sources build.
    expect(() => execFileSync(process.execPath, [BUILD, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
