import * as tf from '@tensorflow/tfjs-core';

import { KernelInputError } from './kernel-input-error.js';
import { heapFloat32, KernelScope, scalarTensor, sizeOf, wasmArgs, type WasmTrainingKernel } from './kernel-calls.js';
import { nativeModule } from './native-module.js';

/** Kernel name of the fused LayerNorm forward pass (inputs `x`, `gain`, `bias`; attr `epsilon`). */
export const FUSED_LAYER_NORM = 'CounterweightLayerNorm';
/** Kernel name of the fused LayerNorm backward pass (inputs `dy`, `x`, `mean`, `rstd`, `gain`). */
export const FUSED_LAYER_NORM_GRAD = 'CounterweightLayerNormGrad';

function float32Input(kernel: string, name: string, info: tf.TensorInfo | undefined): tf.TensorInfo {
  if (info === undefined) throw new KernelInputError(`${kernel}.${name}`, 'is missing');
  if (info.dtype !== 'float32') throw new KernelInputError(`${kernel}.${name}`, `must be float32, got ${info.dtype}`);
  return info;
}

/** The width `d` (last axis of `x`) and rows of a LayerNorm call, checking `gain`/`bias` are `[d]`. */
function layerNormShape(kernel: string, x: tf.TensorInfo, vectors: Readonly<Record<string, tf.TensorInfo>>): { rows: number; width: number } {
  const width = x.shape[x.shape.length - 1] ?? 1;
  for (const [name, v] of Object.entries(vectors)) {
    if (v.shape.length !== 1 || v.shape[0] !== width) {
      throw new KernelInputError(`${kernel}.${name}`, `must have shape [${width}] (the last axis of x), got [${v.shape.join(',')}]`);
    }
  }
  return { rows: width === 0 ? 0 : sizeOf(x.shape) / width, width };
}

/** `x` viewed as `[rows, d]`; per-row statistics viewed as `[rows, 1]` (broadcast along the row). */
function rowsView(scope: KernelScope, x: tf.TensorInfo, rows: number, width: number): tf.TensorInfo {
  return scope.reshape(x, [rows, width]);
}

/**
 * `Σ_rows t` of a `[rows, d]` tensor → `[d]`, as the XNNPACK product `1ᵀ·t` with a `[1, rows]` row of ones (a
 * reduction over the leading axis is a strided loop for the wasm `Sum`; XNNPACK streams `t` once, vectorised).
 */
function sumOverRows(scope: KernelScope, t: tf.TensorInfo, ones: tf.TensorInfo): tf.TensorInfo {
  const width = t.shape[1] ?? 1;
  return scope.reshape(scope.run(tf.BatchMatMul, { a: ones, b: t }, { transposeA: false, transposeB: false }), [width]);
}

/** A `[1, rows]` tensor of ones. */
function onesRow(scope: KernelScope, rows: number): tf.TensorInfo {
  const ones = scope.output([1, rows], 'float32');
  heapFloat32(scope.backend, ones).fill(1);
  return ones;
}

/**
 * Fused LayerNorm forward for the wasm backend (Ba, Kiros and Hinton, 2016): `x` `[..., d]`, `gain` and `bias`
 * `[d]`, attr `epsilon` → `[y (x's shape), mean [rows], rstd [rows]]` with `rows = size(x)/d`: `mean = Σx/d`,
 * `rstd = 1/√(Σ(x − mean)²/d + ε)` (biased variance, as PyTorch's `nn.LayerNorm`), `y = (x − mean)·rstd·gain + bias`.
 * One pass per row of the compiled `layer_norm` (`native/layer-norm.c`), which performs the float32 operations of
 * the wasm kernels `Mean`, `Sub`, `Square`, `Rsqrt`, `Multiply`, `Add` in their order — bitwise their result, which
 * is what runs (back to back inside this one kernel) where the compiled module cannot be bound. `mean` and `rstd` are
 * saved for {@link fusedLayerNormGradKernel}.
 * @throws KernelInputError for non-float32 inputs or a `gain`/`bias` that is not `[d]`.
 */
export const fusedLayerNormKernel: WasmTrainingKernel = {
  kernelName: FUSED_LAYER_NORM,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend, attrs } = wasmArgs(params);
    const x = float32Input(FUSED_LAYER_NORM, 'x', inputs['x']);
    const gain = float32Input(FUSED_LAYER_NORM, 'gain', inputs['gain']);
    const bias = float32Input(FUSED_LAYER_NORM, 'bias', inputs['bias']);
    const epsilon = typeof attrs['epsilon'] === 'number' ? attrs['epsilon'] : 1e-5;
    const { rows, width } = layerNormShape(FUSED_LAYER_NORM, x, { gain, bias });
    const native = nativeModule(backend);
    if (native !== null && rows > 0) {
      const y = backend.makeOutput(x.shape, 'float32');
      const mean = backend.makeOutput([rows], 'float32');
      const rstd = backend.makeOutput([rows], 'float32');
      // Offsets only after the last allocation (an allocation may grow the heap).
      const at = (info: tf.TensorInfo): number => heapFloat32(backend, info).byteOffset;
      native.exports.layer_norm(rows, width, at(x), at(gain), at(bias), epsilon, at(y), at(mean), at(rstd));
      return [y, mean, rstd];
    }
    const scope = new KernelScope(backend);
    try {
      const x2 = rowsView(scope, x, rows, width);
      const mean = scope.run(tf.Mean, { x: x2 }, { axis: [1], keepDims: true });
      const centred = scope.run(tf.Sub, { a: x2, b: mean });
      const variance = scope.run(tf.Mean, { x: scope.run(tf.Square, { x: centred }) }, { axis: [1], keepDims: true });
      const rstd = scope.run(tf.Rsqrt, { x: scope.run(tf.Add, { a: variance, b: scalarTensor(scope, epsilon) }) });
      const scaled = scope.run(tf.Multiply, { a: scope.run(tf.Multiply, { a: centred, b: rstd }), b: gain });
      const y = scope.reshape(scope.run(tf.Add, { a: scaled, b: bias }), x.shape);
      return [scope.keep(y), scope.keep(scope.reshape(mean, [rows])), scope.keep(scope.reshape(rstd, [rows]))];
    } finally {
      scope.dispose();
    }
  },
};

/**
 * Fused LayerNorm backward for the wasm backend: `dy`, `x` `[..., d]`, `mean`, `rstd` `[rows]` (from
 * {@link fusedLayerNormKernel}), `gain` `[d]` → `[dx, dgain, dbias]`: with `x̂ = (x − mean)·rstd` and `g = gain·dy`,
 * `dx = rstd·(g − mean_row(g) − x̂·mean_row(g·x̂))`, `dgain = Σ_rows dy·x̂`, `dbias = Σ_rows dy`: one compiled
 * pass (`layer_norm_grad`), bitwise the wasm kernels it replaces (which run where the module cannot be bound).
 * @throws KernelInputError for non-float32 inputs or inconsistent shapes.
 */
export const fusedLayerNormGradKernel: WasmTrainingKernel = {
  kernelName: FUSED_LAYER_NORM_GRAD,
  replaces: 'missing',
  kernelFunc: (params) => {
    const { inputs, backend } = wasmArgs(params);
    const names = ['dy', 'x', 'mean', 'rstd', 'gain'] as const;
    const [dy, x, mean, rstd, gain] = names.map((name) => float32Input(FUSED_LAYER_NORM_GRAD, name, inputs[name])) as [
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
    ];
    const { rows, width } = layerNormShape(FUSED_LAYER_NORM_GRAD, x, { gain });
    if (!tf.util.arraysEqual(dy.shape, x.shape)) {
      throw new KernelInputError(`${FUSED_LAYER_NORM_GRAD}.dy`, `must have x's shape [${x.shape.join(',')}], got [${dy.shape.join(',')}]`);
    }
    for (const [name, v] of [['mean', mean], ['rstd', rstd]] as const) {
      if (sizeOf(v.shape) !== rows) throw new KernelInputError(`${FUSED_LAYER_NORM_GRAD}.${name}`, `must hold ${rows} values, got [${v.shape.join(',')}]`);
    }
    const native = nativeModule(backend);
    if (native !== null && rows > 0) {
      const dx = backend.makeOutput(x.shape, 'float32');
      const dgain = backend.makeOutput([width], 'float32');
      const dbias = backend.makeOutput([width], 'float32');
      const scratch = backend.makeOutput([2 * width], 'float32');
      const at = (info: tf.TensorInfo): number => heapFloat32(backend, info).byteOffset;
      native.exports.layer_norm_grad(rows, width, at(dy), at(x), at(mean), at(rstd), at(gain), at(dx), at(dgain), at(dbias), at(scratch));
      backend.disposeData(scratch.dataId);
      return [dx, dgain, dbias];
    }
    const scope = new KernelScope(backend);
    try {
      const x2 = rowsView(scope, x, rows, width);
      const dy2 = rowsView(scope, dy, rows, width);
      const rstdColumn = scope.reshape(rstd, [rows, 1]);
      const xhat = scope.run(tf.Multiply, { a: scope.run(tf.Sub, { a: x2, b: scope.reshape(mean, [rows, 1]) }), b: rstdColumn });
      const ones = onesRow(scope, rows);
      const dbias = sumOverRows(scope, dy2, ones);
      const dgain = sumOverRows(scope, scope.run(tf.Multiply, { a: dy2, b: xhat }), ones);
      const g = scope.run(tf.Multiply, { a: dy2, b: gain });
      const meanG = scope.run(tf.Mean, { x: g }, { axis: [1], keepDims: true });
      const meanGX = scope.run(tf.Mean, { x: scope.run(tf.Multiply, { a: g, b: xhat }) }, { axis: [1], keepDims: true });
      const centredG = scope.run(tf.Sub, { a: scope.run(tf.Sub, { a: g, b: meanG }), b: scope.run(tf.Multiply, { a: xhat, b: meanGX }) });
      const dx = scope.reshape(scope.run(tf.Multiply, { a: centredG, b: rstdColumn }), x.shape);
      return [scope.keep(dx), scope.keep(dgain), scope.keep(dbias)];
    } finally {
      scope.dispose();
    }
  },
};
