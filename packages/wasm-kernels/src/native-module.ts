import type { WasmBackend } from './kernel-calls.js';
import { NATIVE_SHARED_WASM, NATIVE_WASM } from './native-binary.js';

/** The exports of the module built from `native/*.c` (pointers are byte offsets into the tfjs heap; flags 0 or 1). */
export interface NativeExports {
  /** `native/batched-matmul.c`. */
  readonly batched_matmul: (
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
  /** `native/batched-matmul.c`: floats of scratch `batched_matmul` needs for inner size k and n columns. */
  readonly native_matmul_scratch_floats: (k: number, n: number) => number;
  /** `native/gelu.c`: `z = (x²·c3 + c1)·x`. */
  readonly gelu_sigmoid_argument: (n: number, x: number, c1: number, c3: number, z: number) => void;
  /** `native/gelu.c`: `dx = (((1 − s)·(x²·c3 + c1))·x + 1)·s·dy`. */
  readonly gelu_grad: (n: number, dy: number, x: number, s: number, c1: number, c3: number, dx: number) => void;
  /** `native/sum-rows.c`: `out[o, j] = Σ_r x[o, r, j]` in float64; `acc` holds `inner` doubles. */
  readonly sum_middle: (outer: number, reduced: number, inner: number, x: number, out: number, acc: number) => void;
  /** `native/layer-norm.c`. */
  readonly layer_norm: (
    rows: number,
    width: number,
    x: number,
    gain: number,
    bias: number,
    epsilon: number,
    y: number,
    mean: number,
    rstd: number,
  ) => void;
  /** `native/layer-norm.c`; `scratch` holds 2·width floats. */
  readonly layer_norm_grad: (
    rows: number,
    width: number,
    dy: number,
    x: number,
    mean: number,
    rstd: number,
    gain: number,
    dx: number,
    dgain: number,
    dbias: number,
    scratch: number,
  ) => void;
}

/** The compiled module bound to one backend's memory. */
export interface NativeModule {
  readonly exports: NativeExports;
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

const instances = new WeakMap<WasmBackend, NativeModule | null>();

/**
 * The module compiled from `native/*.c` (see `native/build.mjs`), instantiated once per backend against that
 * backend's own memory — the ordinary build for tfjs-backend-wasm's single-threaded builds, the shared-memory build
 * for its threaded one — or null when the backend's memory cannot be found.
 */
export function nativeModule(backend: WasmBackend): NativeModule | null {
  const cached = instances.get(backend);
  if (cached !== undefined) return cached;
  const module = backend.wasm as unknown as EmscriptenMemoryFields;
  const memory = module.wasmMemory ?? module.asm?.memory;
  let bound: NativeModule | null = null;
  if (memory instanceof wasmApi.Memory) {
    const threaded = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = Uint8Array.from(Buffer.from(threaded ? NATIVE_SHARED_WASM : NATIVE_WASM, 'base64'));
    const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } });
    bound = { exports: instance.exports as unknown as NativeExports, threaded };
  }
  instances.set(backend, bound);
  return bound;
}
