import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  WASM_TRAINING_KERNELS,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
} from './register.js';
import { useWasm } from './test-support/compare.js';

beforeAll(useWasm);

function kernelFuncs(backend: string): Map<string, tf.KernelFunc> {
  return new Map(tf.getKernelsForBackend(backend).map((k) => [k.kernelName, k.kernelFunc]));
}

function convGradient(): tf.Tensor {
  return tf.tidy(() => tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(tf.ones<tf.Rank.R4>([1, 4, 4, 1]), w as tf.Tensor4D, 1, 'valid')))(tf.ones([2, 2, 1, 1])));
}

describe('registerWasmTrainingKernels', () => {
  it('reports itself registered after registering', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    unregisterWasmTrainingKernels();
    expect(wasmTrainingKernelsRegistered()).toBe(false);
    registerWasmTrainingKernels();
    expect(wasmTrainingKernelsRegistered()).toBe(true);
  });

  it('is idempotent', () => {
    const before = kernelFuncs('wasm');
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect(kernelFuncs('wasm')).toEqual(before);
  });

  it('leaves the cpu backend alone', () => {
    const cpuBefore = kernelFuncs('cpu');
    unregisterWasmTrainingKernels();
    registerWasmTrainingKernels();
    expect(kernelFuncs('cpu')).toEqual(cpuBefore);
    for (const kernel of WASM_TRAINING_KERNELS) expect(cpuBefore.get(kernel.kernelName)).not.toBe(kernel.kernelFunc);
  });

  it('keeps the original setup functions of the kernels it replaces, so switching backends back works', async () => {
    unregisterWasmTrainingKernels();
    const originals = new Map(tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k]));
    registerWasmTrainingKernels();
    for (const kernel of WASM_TRAINING_KERNELS.filter((k) => k.replaces === 'slow')) {
      expect(tf.getKernel(kernel.kernelName, 'wasm').setupFunc).toBe(originals.get(kernel.kernelName)?.setupFunc);
    }
    await tf.setBackend('cpu');
    await tf.setBackend('wasm');
    const product = tf.matMul(tf.ones([3, 2]), tf.ones([4, 2]), false, true);
    expect(Array.from(product.dataSync())).toEqual(new Array<number>(12).fill(2));
    product.dispose();
  });

  it('unregistering restores stock tfjs-backend-wasm, which cannot train a CNN; registering again can', async () => {
    await tf.setBackend('wasm');
    const stock = kernelFuncs('wasm');
    unregisterWasmTrainingKernels();
    unregisterWasmTrainingKernels(); // idempotent too
    expect(wasmTrainingKernelsRegistered()).toBe(false);
    expect(() => convGradient()).toThrow("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
    const restored = kernelFuncs('wasm');
    for (const kernel of WASM_TRAINING_KERNELS) {
      expect(restored.get(kernel.kernelName)).not.toBe(kernel.kernelFunc);
      if (kernel.replaces === 'missing') expect(restored.has(kernel.kernelName)).toBe(false);
    }
    expect(restored.size).toBe(stock.size - WASM_TRAINING_KERNELS.filter((k) => k.replaces === 'missing').length);
    registerWasmTrainingKernels();
    expect(kernelFuncs('wasm')).toEqual(stock);
    const gradient = convGradient();
    expect(Array.from(gradient.dataSync())).toEqual([9, 9, 9, 9]);
    gradient.dispose();
  });
});
