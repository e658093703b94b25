import * as tf from '@tensorflow/tfjs-core';

import { batchMatMulKernel, fusedMatMulKernel } from './batch-matmul.js';
import { conv2DBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputKernel } from './conv2d-backprop-input.js';
import { fusedAdamUpdateKernel } from './fused-adam.js';
import { fusedAttentionSoftmaxGradKernel, fusedAttentionSoftmaxKernel } from './fused-attention-softmax.js';
import { fusedGeluTanhGradKernel, fusedGeluTanhKernel } from './fused-gelu.js';
import { fusedLayerNormGradKernel, fusedLayerNormKernel } from './fused-layer-norm.js';
import { gatherKernel } from './gather.js';
import { castKernel, identityKernel } from './identity.js';
import { maxPoolGradKernel } from './max-pool-grad.js';
import { powKernel } from './pow.js';
import { sliceKernel, splitVKernel, unpackKernel } from './slice.js';
import { sumKernel } from './sum.js';
import { tanhKernel } from './tanh.js';
import { transposeKernel } from './transpose.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';
import {
  WASM_BACKEND,
  forgetReplacedKernel,
  rememberReplacedKernel,
  type WasmTrainingKernel,
} from './kernel-calls.js';

/** Every kernel {@link registerWasmTrainingKernels} installs, in registration order. */
export const WASM_TRAINING_KERNELS: readonly WasmTrainingKernel[] = [
  batchMatMulKernel,
  fusedMatMulKernel,
  conv2DBackpropFilterKernel,
  conv2DBackpropInputKernel,
  unsortedSegmentSumKernel,
  gatherKernel,
  maxPoolGradKernel,
  sumKernel,
  transposeKernel,
  identityKernel,
  castKernel,
  sliceKernel,
  splitVKernel,
  unpackKernel,
  tanhKernel,
  powKernel,
  fusedLayerNormKernel,
  fusedLayerNormGradKernel,
  fusedGeluTanhKernel,
  fusedGeluTanhGradKernel,
  fusedAttentionSoftmaxKernel,
  fusedAttentionSoftmaxGradKernel,
  fusedAdamUpdateKernel,
];

/** The wasm kernel configs that were registered before ours (undefined: the kernel was missing). */
const previous = new Map<string, tf.KernelConfig | undefined>();

function registered(kernelName: string): tf.KernelConfig | undefined {
  // getKernel is typed as always returning a config but returns undefined for an unknown kernel.
  return tf.getKernel(kernelName, WASM_BACKEND);
}

/**
 * Registers Counterweight's training kernels for the tfjs wasm backend (see {@link WASM_TRAINING_KERNELS}): kernels
 * tfjs-backend-wasm 4.22 lacks and that training needs, and replacements for kernels it runs pathologically slowly
 * (or wrongly) in backward passes. Each replacement keeps the original's `setupFunc` and calls the original for
 * the cases the original already handles well. Idempotent; affects only the `wasm` backend (the cpu backend keeps
 * its kernels). `initBackend` calls it when it selects wasm.
 *
 * Measured effect on one training step (forward, backward, Adam) of the runtime's bench workloads, one process,
 * median of 5 steps, samples per second (stock tfjs-backend-wasm → only the two missing kernels added → all):
 * `mlp` 1,109 → 1,107 → 9,200; `cnn` fails → 249 → 790; `gpt` fails → 6 → 34 sequences; `ctr` fails → 1,348 → 7,707.
 *
 * @throws Error when `@tensorflow/tfjs-backend-wasm` has not been imported (its kernels are not registered yet).
 */
export function registerWasmTrainingKernels(): void {
  for (const kernel of WASM_TRAINING_KERNELS) {
    const current = registered(kernel.kernelName);
    if (current?.kernelFunc === kernel.kernelFunc) continue;
    if (kernel.replaces === 'slow' && current === undefined) {
      throw new Error(
        `registerWasmTrainingKernels: the wasm kernel '${kernel.kernelName}' is not registered; ` +
          "import '@tensorflow/tfjs-backend-wasm' first",
      );
    }
    if (current !== undefined) {
      tf.unregisterKernel(kernel.kernelName, WASM_BACKEND);
      rememberReplacedKernel(kernel.kernelName, current.kernelFunc);
    }
    previous.set(kernel.kernelName, current);
    tf.registerKernel({
      kernelName: kernel.kernelName,
      backendName: WASM_BACKEND,
      kernelFunc: kernel.kernelFunc,
      ...(current?.setupFunc === undefined ? {} : { setupFunc: current.setupFunc }),
      ...(current?.disposeFunc === undefined ? {} : { disposeFunc: current.disposeFunc }),
    });
  }
}

/**
 * Restores the wasm kernels {@link registerWasmTrainingKernels} replaced and removes the ones it added (for
 * before/after measurements and tests). Idempotent.
 */
export function unregisterWasmTrainingKernels(): void {
  for (const kernel of WASM_TRAINING_KERNELS) {
    if (!previous.has(kernel.kernelName)) continue;
    const original = previous.get(kernel.kernelName);
    previous.delete(kernel.kernelName);
    if (registered(kernel.kernelName)?.kernelFunc === kernel.kernelFunc) tf.unregisterKernel(kernel.kernelName, WASM_BACKEND);
    forgetReplacedKernel(kernel.kernelName);
    if (original !== undefined) tf.registerKernel(original);
  }
}

/** Whether {@link registerWasmTrainingKernels} is in effect. */
export function wasmTrainingKernelsRegistered(): boolean {
  return WASM_TRAINING_KERNELS.every((k) => registered(k.kernelName)?.kernelFunc === k.kernelFunc);
}
