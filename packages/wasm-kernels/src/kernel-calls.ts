/**
 * Plumbing shared by the wasm training kernels: calling other registered wasm kernels from inside a kernel, tracking
 * the intermediate tensors they return so every one is released (also when a kernel throws), and reading or writing
 * tensor data in place on the wasm heap.
 *
 * Everything here uses the public tfjs-core kernel registry (`getKernel`) and the public `BackendWasm` API
 * (`makeOutput`, `typedArrayFromHeap`, `disposeData`); the casts from the registry's untyped `backend` live here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Name of the wasm backend in the tfjs registry. */
export const WASM_BACKEND = 'wasm';

/** The wasm backend object handed to kernels. */
export type WasmBackend = BackendWasm;

/** Heap views of the numeric dtypes a kernel reads and writes. */
export type NumericArray = Float32Array | Int32Array | Uint8Array;

/** A kernel function's argument, typed for the wasm backend. */
export interface WasmKernelArgs {
  readonly inputs: tf.NamedTensorInfoMap;
  readonly backend: WasmBackend;
  readonly attrs: tf.NamedAttrMap;
}

/** The registry's untyped kernel arguments viewed as {@link WasmKernelArgs} (the registry passes the active backend). */
export function wasmArgs(params: Parameters<tf.KernelFunc>[0]): WasmKernelArgs {
  return { inputs: params.inputs, backend: params.backend as WasmBackend, attrs: params.attrs ?? {} };
}

/**
 * Kernel functions that a training kernel replaced, by kernel name. Replacements call the function they wrapped
 * through this table (the registry would return the replacement itself); {@link callWasmKernel} consults it first.
 */
const replacedKernels = new Map<string, tf.KernelFunc>();

/** Remembers the wasm kernel function that `kernelName`'s replacement wraps (see {@link callWasmKernel}). */
export function rememberReplacedKernel(kernelName: string, kernelFunc: tf.KernelFunc): void {
  replacedKernels.set(kernelName, kernelFunc);
}

/** Forgets a replaced kernel (after the original was registered again). */
export function forgetReplacedKernel(kernelName: string): void {
  replacedKernels.delete(kernelName);
}

/** The kernel function tfjs-backend-wasm itself registered for `kernelName` (also when a replacement is registered). */
export function originalWasmKernel(kernelName: string): tf.KernelFunc {
  const replaced = replacedKernels.get(kernelName);
  if (replaced !== undefined) return replaced;
  // getKernel is typed as always returning a config but returns undefined for an unknown kernel.
  const config = tf.getKernel(kernelName, WASM_BACKEND) as tf.KernelConfig | undefined;
  if (config === undefined) throw new Error(`Kernel '${kernelName}' not registered for backend '${WASM_BACKEND}'`);
  return config.kernelFunc;
}

/** Runs the original wasm kernel `kernelName` (see {@link originalWasmKernel}) and returns its one output. */
export function callWasmKernel(
  backend: WasmBackend,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap | readonly tf.TensorInfo[],
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  // Concat and Pack take their inputs as an array; the registry's type only names the map form.
  const out = originalWasmKernel(kernelName)({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${kernelName} returned ${out.length} outputs, expected one`);
  return out;
}

/**
 * Intermediate tensors of one kernel call. Every tensor created through {@link KernelScope.run} or
 * {@link KernelScope.output} is released by {@link withKernelScope} unless it is the value returned.
 */
export class KernelScope {
  private readonly temporaries: tf.TensorInfo[] = [];

  constructor(readonly backend: WasmBackend) {}

  /** Runs another (original) wasm kernel; its output is released with the scope. */
  run(kernelName: string, inputs: tf.NamedTensorInfoMap | readonly tf.TensorInfo[], attrs?: tf.NamedAttrMap): tf.TensorInfo {
    return this.track(callWasmKernel(this.backend, kernelName, inputs, attrs));
  }

  /** Allocates an (uninitialised) tensor on the wasm heap; released with the scope. */
  output(shape: readonly number[], dtype: tf.DataType): tf.TensorInfo {
    return this.track(this.backend.makeOutput([...shape], dtype));
  }

  /** `x` with another shape of the same size (no copy). */
  reshape(x: tf.TensorInfo, shape: readonly number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape: [...shape] });
  }

  /** Releases `info` with the scope. */
  track(info: tf.TensorInfo): tf.TensorInfo {
    this.temporaries.push(info);
    return info;
  }

  /** Releases `info` now (it must have been created in this scope). */
  release(info: tf.TensorInfo): void {
    const at = this.temporaries.indexOf(info);
    if (at < 0) throw new Error('KernelScope.release: tensor was not created in this scope');
    this.temporaries.splice(at, 1);
    this.backend.disposeData(info.dataId);
  }

  /** Stops tracking `info` (the kernel's result). */
  keep(info: tf.TensorInfo): tf.TensorInfo {
    const at = this.temporaries.indexOf(info);
    if (at >= 0) this.temporaries.splice(at, 1);
    return info;
  }

  /** Releases every tracked tensor. */
  dispose(): void {
    for (const info of this.temporaries.splice(0)) this.backend.disposeData(info.dataId);
  }
}

/**
 * Runs `body` with a fresh {@link KernelScope}; every intermediate tensor is released afterwards (also when `body`
 * throws), except the returned one.
 */
export function withKernelScope(backend: WasmBackend, body: (scope: KernelScope) => tf.TensorInfo): tf.TensorInfo {
  const scope = new KernelScope(backend);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}

/**
 * A view of a tensor's data on the wasm heap (no copy). Take views only after the last allocation of the kernel
 * call: allocating may grow the heap, which detaches earlier views.
 */
export function heapView(backend: WasmBackend, info: tf.TensorInfo): NumericArray {
  return backend.typedArrayFromHeap(info);
}

/** A float32 tensor's data on the wasm heap (see {@link heapView}). */
export function heapFloat32(backend: WasmBackend, info: tf.TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array)) throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  return view;
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A kernel this folder registers for the wasm backend: either one tfjs-backend-wasm lacks (`replaces: 'missing'`)
 * or a faster or more correct version of one it has (`replaces: 'slow'`; the original stays reachable through
 * {@link callWasmKernel}).
 */
export interface WasmTrainingKernel {
  readonly kernelName: string;
  readonly replaces: 'missing' | 'slow';
  readonly kernelFunc: tf.KernelFunc;
}

/**
 * The whole wasm heap as bytes, and where a tensor's data starts in it. Copies between tensors are then
 * `heap.copyWithin(to, from, end)` (a memmove), 2-5× faster than `set(subarray(...))` for short runs.
 */
export function heapBytes(backend: WasmBackend, info: tf.TensorInfo): { readonly heap: Uint8Array; readonly offset: number } {
  const view = backend.typedArrayFromHeap(info);
  return { heap: new Uint8Array(view.buffer), offset: view.byteOffset };
}

/** Runs shorter than this many elements are copied element by element rather than by `copyWithin`. */
export const SHORT_RUN = 12;

/** A float32 scalar tensor holding `value`, released with `scope` (an operand of broadcasting wasm kernels). */
export function scalarTensor(scope: KernelScope, value: number): tf.TensorInfo {
  const out = scope.output([], 'float32');
  heapFloat32(scope.backend, out)[0] = value;
  return out;
}
