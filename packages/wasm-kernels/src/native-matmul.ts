import type * as tf from '@tensorflow/tfjs-core';

import { heapFloat32, sizeOf, type KernelScope, type WasmBackend } from './kernel-calls.js';
import { NATIVE_MATMUL_SHARED_WASM, NATIVE_MATMUL_WASM } from './native-matmul-binary.js';

/** The export of native/batched-matmul.c (pointers are byte offsets into the tfjs heap; flags are 0 or 1). */
type BatchedMatMulExport = (
  batch: number,
  m: number,
  k: number,
  n: number,
  a: number,
  aStep: number,
  transA: number,
  b: number,
  bStep: number,
  transB: number,
  c: number,
  scratch: number,
) => void;

/** The parts of the WebAssembly JS API this file uses (the project's `lib` is ES2022, without the DOM's types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Where a wasm backend keeps its memory: exported by the single-threaded builds, created by the threaded one. */
interface EmscriptenMemoryFields {
  readonly wasmMemory?: WasmMemory;
  readonly asm?: { readonly memory?: WasmMemory };
}

const instances = new WeakMap<WasmBackend, BatchedMatMulExport | null>();

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

/**
 * The compiled batched product bound to `backend`'s own memory (instantiated once per backend), or null when the
 * backend's memory cannot be found.
 */
function nativeExport(backend: WasmBackend): BatchedMatMulExport | null {
  const cached = instances.get(backend);
  if (cached !== undefined) return cached;
  const module = backend.wasm as unknown as EmscriptenMemoryFields;
  const memory = module.wasmMemory ?? module.asm?.memory;
  let bound: BatchedMatMulExport | null = null;
  if (memory instanceof wasmApi.Memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = decodeBase64(shared ? NATIVE_MATMUL_SHARED_WASM : NATIVE_MATMUL_WASM);
    const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
    bound = instance.exports['batched_matmul'] as BatchedMatMulExport;
  }
  instances.set(backend, bound);
  return bound;
}

/** Whether {@link nativeBatchedMatMul} can run on `backend`. */
export function hasNativeBatchedMatMul(backend: WasmBackend): boolean {
  return nativeExport(backend) !== null;
}

/**
 * `op(a[i]) @ op(b[i])` for every batch `i` of two rank-3 float32 tensors, in one call of a SIMD128 kernel compiled
 * from `native/batched-matmul.c` (4×8 register tiles, `b` packed per batch). Meant for many small products
 * (attention's `[batch·heads, 64, 32]` operands), where one XNNPACK operator per batch costs 5-10× the arithmetic —
 * and, on tfjs-backend-wasm's threaded build, a thread-pool hand-off per product on top. Every output element sums
 * `a·b` terms in increasing k with one rounding per multiply and per add, the order of XNNPACK's wasm GEMM
 * micro-kernels, so results are bitwise those of the per-batch XNNPACK path.
 *
 * `a` is `[batchA, m, k]` (`[batchA, k, m]` when `transA`), `b` is `[batchB, k, n]` (`[batchB, n, k]` when
 * `transB`); each batch count is 1 (broadcast) or `batch`. Returns `[batch, m, n]`, tracked by `scope`.
 * @throws Error when the backend has no compiled kernel (check {@link hasNativeBatchedMatMul} first).
 */
export function nativeBatchedMatMul(
  scope: KernelScope,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transA: boolean,
  transB: boolean,
  batch: number,
): tf.TensorInfo {
  const run = nativeExport(scope.backend);
  if (run === null) throw new Error('nativeBatchedMatMul: this wasm backend exposes no memory to bind the kernel to');
  const [batchA = 1, rowsA = 0, colsA = 0] = a.shape;
  const [batchB = 1, rowsB = 0, colsB = 0] = b.shape;
  const m = transA ? colsA : rowsA;
  const k = transA ? rowsA : colsA;
  const n = transB ? rowsB : colsB;
  const out = scope.output([batch, m, n], 'float32');
  const scratch = scope.output([k * (Math.ceil(n / 8) * 8)], 'float32');
  // Views only after the last allocation (an allocation may grow the heap).
  const offset = (info: tf.TensorInfo): number => heapFloat32(scope.backend, info).byteOffset;
  run(
    batch,
    m,
    k,
    n,
    offset(a),
    batchA === 1 ? 0 : sizeOf(a.shape.slice(1)),
    transA ? 1 : 0,
    offset(b),
    batchB === 1 ? 0 : sizeOf(b.shape.slice(1)),
    transB ? 1 : 0,
    offset(out),
    offset(scratch),
  );
  scope.release(scratch);
  return out;
}
