import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { callWasmKernel, heapBytes, heapFloat32, originalWasmKernel, withKernelScope, type WasmBackend } from './kernel-calls.js';
import { useWasm } from './test-support/compare.js';

beforeAll(useWasm);

function wasmBackend(): WasmBackend {
  return tf.backend() as WasmBackend;
}

describe('withKernelScope', () => {
  it('releases every intermediate tensor but the result', () => {
    const backend = wasmBackend();
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const before = backend.numDataIds();
    const info = withKernelScope(backend, (scope) => {
      const t = scope.run('Transpose', { x }, { perm: [1, 0] });
      const r = scope.reshape(t, [4]);
      scope.output([100], 'float32');
      return scope.run('Neg', { x: r });
    });
    expect(backend.numDataIds()).toBe(before + 1);
    expect(Array.from(heapFloat32(backend, info))).toEqual([-1, -3, -2, -4]);
    backend.disposeData(info.dataId);
    expect(backend.numDataIds()).toBe(before);
    x.dispose();
  });

  it('releases intermediate tensors when the body throws', () => {
    const backend = wasmBackend();
    const before = backend.numDataIds();
    expect(() =>
      withKernelScope(backend, (scope) => {
        scope.output([10], 'float32');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(backend.numDataIds()).toBe(before);
  });
});

describe('callWasmKernel', () => {
  it('names a kernel the wasm backend does not have', () => {
    expect(() => callWasmKernel(wasmBackend(), 'NoSuchKernel', {})).toThrow("Kernel 'NoSuchKernel' not registered for backend 'wasm'");
  });

  it('reaches the original of a replaced kernel, not the replacement', () => {
    expect(originalWasmKernel('BatchMatMul')).not.toBe(tf.getKernel('BatchMatMul', 'wasm').kernelFunc);
    expect(originalWasmKernel('Neg')).toBe(tf.getKernel('Neg', 'wasm').kernelFunc);
  });
});

describe('heapBytes', () => {
  it('locates a tensor in the whole heap', () => {
    const backend = wasmBackend();
    const x = tf.tensor([1.5, -2], [2]);
    const { heap, offset } = heapBytes(backend, x);
    expect(new Float32Array(heap.buffer, offset, 2)).toEqual(new Float32Array([1.5, -2]));
    x.dispose();
  });
});
