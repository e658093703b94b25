import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether the active backend has a kernel named `kernelName` (the fused transformer kernels of
 * `@counterweight/wasm-kernels` exist on wasm only; other backends take the layers' composed path).
 */
export function fusedKernelAvailable(kernelName: string): boolean {
  // getKernel is typed as always returning a config but returns undefined for an unknown kernel.
  return (tf.getKernel(kernelName, tf.getBackend()) as tf.KernelConfig | undefined) !== undefined;
}

/** Runs a registered kernel through the engine and returns its outputs as a list. */
export function runFusedKernel(kernelName: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): tf.Tensor[] {
  const out = tf.engine().runKernel<tf.Tensor | tf.Tensor[]>(kernelName, inputs, attrs);
  return Array.isArray(out) ? out : [out];
}

/**
 * `forward(inputs)` as one differentiable op (`tf.customGrad`): `forward` returns the value and the tensors to save,
 * and `backward(dy, saved)` returns one gradient per input, in order. The kernels run inside are not recorded on
 * the gradient tape, so a fused kernel pair costs one tape node.
 */
export function withFusedGradient(
  inputs: readonly tf.Tensor[],
  forward: (inputs: readonly tf.Tensor[]) => { readonly value: tf.Tensor; readonly saved: tf.Tensor[] },
  backward: (dy: tf.Tensor, saved: readonly tf.Tensor[]) => tf.Tensor[],
): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { value, saved } = forward(args.slice(0, -1) as tf.Tensor[]);
    save(saved);
    return { value, gradFunc: (dy: tf.Tensor, stored: tf.Tensor[]) => backward(dy, stored) };
  });
  return op(...inputs);
}
