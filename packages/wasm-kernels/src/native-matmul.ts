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
  bias: number,
  c: number,
  scratch: number,
) => void;

/** The module's exports this file binds: the product and its scratch size rule. */
interface NativeMatMul {
  readonly run: BatchedMatMulExport;
  readonly scratchFloats: (k: number, n: number) => number;
  /** Whether the backend is tfjs-backend-wasm's threaded build (its memory is shared). */
  readonly threaded: boolean;
}

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

const instances = new WeakMap<WasmBackend, NativeMatMul | null>();

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

/**
 * The compiled batched product bound to `backend`'s own memory (instantiated once per backend), or null when the
 * backend's memory cannot be found.
 */
function nativeExport(backend: WasmBackend): NativeMatMul | null {
  const cached = instances.get(backend);
  if (cached !== undefined) return cached;
  const module = backend.wasm as unknown as EmscriptenMemoryFields;
  const memory = module.wasmMemory ?? module.asm?.memory;
  let bound: NativeMatMul | null = null;
  if (memory instanceof wasmApi.Memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = decodeBase64(shared ? NATIVE_MATMUL_SHARED_WASM : NATIVE_MATMUL_WASM);
    const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
    bound = {
      run: instance.exports['batched_matmul'] as BatchedMatMulExport,
      scratchFloats: instance.exports['native_matmul_scratch_floats'] as (k: number, n: number) => number,
      threaded: shared,
    };
  }
  instances.set(backend, bound);
  return bound;
}

/** Whether {@link nativeBatchedMatMul} can run on `backend`. */
export function hasNativeBatchedMatMul(backend: WasmBackend): boolean {
  return nativeExport(backend) !== null;
}

/**
 * Whether {@link nativeBatchedMatMul} is the faster way to compute one large product on `backend`: on the
 * single-threaded builds it is (≈1.4-1.6× XNNPACK's rate on nanoGPT's dense shapes, transposes included); on the
 * threaded build XNNPACK splits a large product over its threads and the single-threaded compiled kernel is not.
 */
export function nativeMatMulPreferred(backend: WasmBackend): boolean {
  const bound = nativeExport(backend);
  return bound !== null && !bound.threaded;
}

/**
 * `bias + op(a[i]) @ op(b[i])` for every batch `i` of two rank-3 float32 tensors, in one call of a SIMD128 kernel
 * compiled from `native/batched-matmul.c`: 4×8 register tiles; `op(b)` copied once per batch (once in all when `b`
 * broadcasts) into contiguous 8-column panels; rows of the output in blocks of 32 that each panel meets while it is
 * in L1; a transposed `a` copied per row block. It replaces both XNNPACK routes of the wasm backend's products: one
 * operator per batch for batched products (attention's `[batch·heads, 64, 32]` operands, where operator set-up costs
 * 5-10× the arithmetic, plus a thread-pool hand-off per product on the threaded build), and XNNPACK's fully-connected
 * operator for large products on the single-threaded builds (see {@link nativeMatMulPreferred}).
 *
 * Every output element is `(bias or 0) + a·b` terms in increasing k with one rounding per multiply and per add — the
 * order of XNNPACK's wasm GEMM micro-kernels, whose packed weights start with the bias — so results are bitwise
 * XNNPACK's.
 *
 * `a` is `[batchA, m, k]` (`[batchA, k, m]` when `transA`), `b` is `[batchB, k, n]` (`[batchB, n, k]` when
 * `transB`); each batch count is 1 (broadcast) or `batch`; `bias`, when given, has `n` elements (one per column,
 * added to every row of every batch). Returns `[batch, m, n]`, tracked by `scope`. Needs k, m, n ≥ 1.
 * @throws Error when the backend has no compiled kernel (check {@link hasNativeBatchedMatMul} first).
 */
export function nativeBatchedMatMul(
  scope: KernelScope,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transA: boolean,
  transB: boolean,
  batch: number,
  bias?: tf.TensorInfo,
): tf.TensorInfo {
  const bound = nativeExport(scope.backend);
  if (bound === null) throw new Error('nativeBatchedMatMul: this wasm backend exposes no memory to bind the kernel to');
  const [batchA = 1, rowsA = 0, colsA = 0] = a.shape;
  const [batchB = 1, rowsB = 0, colsB = 0] = b.shape;
  const m = transA ? colsA : rowsA;
  const k = transA ? rowsA : colsA;
  const n = transB ? rowsB : colsB;
  if (bias !== undefined && sizeOf(bias.shape) !== n) {
    throw new Error(`nativeBatchedMatMul: bias has ${sizeOf(bias.shape)} elements, the product ${n} columns`);
  }
  const out = scope.output([batch, m, n], 'float32');
  const scratch = scope.output([bound.scratchFloats(k, n)], 'float32');
  // Views only after the last allocation (an allocation may grow the heap).
  const offset = (info: tf.TensorInfo): number => heapFloat32(scope.backend, info).byteOffset;
  bound.run(
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
    bias === undefined ? 0 : offset(bias),
    offset(out),
    offset(scratch),
  );
  scope.release(scratch);
  return out;
}
