import * as tf from '@tensorflow/tfjs-core';

import { KernelInputError } from './kernel-input-error.js';
import { heapFloat32, sizeOf, wasmArgs, type WasmBackend, type WasmTrainingKernel } from './kernel-calls.js';

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

/**
 * One pass per row of width `d`: `mean = Σx/d`, `var = Σ(x − mean)²/d` (biased, two-pass in float64),
 * `rstd = 1/√(var + ε)`, `y = (x − mean)·rstd·gain + bias`.
 */
function layerNormForward(
  x: Float32Array,
  gain: Float32Array,
  bias: Float32Array,
  epsilon: number,
  rows: number,
  width: number,
  y: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
): void {
  for (let r = 0; r < rows; r += 1) {
    const base = r * width;
    let sum = 0;
    for (let j = 0; j < width; j += 1) sum += x[base + j] as number;
    const mu = sum / width;
    let squares = 0;
    for (let j = 0; j < width; j += 1) {
      const c = (x[base + j] as number) - mu;
      squares += c * c;
    }
    const inv = 1 / Math.sqrt(squares / width + epsilon);
    for (let j = 0; j < width; j += 1) y[base + j] = ((x[base + j] as number) - mu) * inv * (gain[j] as number) + (bias[j] as number);
    mean[r] = mu;
    rstd[r] = inv;
  }
}

/**
 * Per row, with `x̂ = (x − mean)·rstd` and `g = gain·dy`: `dx = rstd·(g − mean(g) − x̂·mean(g·x̂))`; over rows
 * `dgain = Σ dy·x̂`, `dbias = Σ dy` (float64 accumulators).
 */
function layerNormBackward(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  gain: Float32Array,
  rows: number,
  width: number,
  dx: Float32Array,
  dgain: Float32Array,
  dbias: Float32Array,
): void {
  const gainSum = new Float64Array(width);
  const biasSum = new Float64Array(width);
  for (let r = 0; r < rows; r += 1) {
    const base = r * width;
    const mu = mean[r] as number;
    const inv = rstd[r] as number;
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < width; j += 1) {
      const d = dy[base + j] as number;
      const xhat = ((x[base + j] as number) - mu) * inv;
      const g = (gain[j] as number) * d;
      sumG += g;
      sumGX += g * xhat;
      gainSum[j] = (gainSum[j] as number) + d * xhat;
      biasSum[j] = (biasSum[j] as number) + d;
    }
    const meanG = sumG / width;
    const meanGX = sumGX / width;
    for (let j = 0; j < width; j += 1) {
      const xhat = ((x[base + j] as number) - mu) * inv;
      dx[base + j] = inv * ((gain[j] as number) * (dy[base + j] as number) - meanG - xhat * meanGX);
    }
  }
  dgain.set(gainSum);
  dbias.set(biasSum);
}

/**
 * Fused LayerNorm forward for the wasm backend (Ba, Kiros and Hinton, 2016): `x` `[..., d]`, `gain` and `bias`
 * `[d]`, attr `epsilon` → `[y (x's shape), mean [rows], rstd [rows]]` with `rows = size(x)/d`, biased variance as
 * PyTorch's `nn.LayerNorm`. One JavaScript pass over the wasm heap instead of the nine kernels of the composed op;
 * `mean` and `rstd` are saved for {@link fusedLayerNormGradKernel}.
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
    const y = backend.makeOutput([...x.shape], 'float32');
    const mean = backend.makeOutput([rows], 'float32');
    const rstd = backend.makeOutput([rows], 'float32');
    const view = (info: tf.TensorInfo): Float32Array => heapFloat32(backend, info);
    layerNormForward(view(x), view(gain), view(bias), epsilon, rows, width, view(y), view(mean), view(rstd));
    return [y, mean, rstd];
  },
};

/**
 * Fused LayerNorm backward for the wasm backend: `dy`, `x` `[..., d]`, `mean`, `rstd` `[rows]` (from
 * {@link fusedLayerNormKernel}), `gain` `[d]` → `[dx, dgain, dbias]`, one pass over the rows.
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
    return layerNormGrad(backend, dy, x, mean, rstd, gain, rows, width);
  },
};

function layerNormGrad(
  backend: WasmBackend,
  dy: tf.TensorInfo,
  x: tf.TensorInfo,
  mean: tf.TensorInfo,
  rstd: tf.TensorInfo,
  gain: tf.TensorInfo,
  rows: number,
  width: number,
): tf.TensorInfo[] {
  const dx = backend.makeOutput([...x.shape], 'float32');
  const dgain = backend.makeOutput([width], 'float32');
  const dbias = backend.makeOutput([width], 'float32');
  const view = (info: tf.TensorInfo): Float32Array => heapFloat32(backend, info);
  layerNormBackward(view(dy), view(x), view(mean), view(rstd), view(gain), rows, width, view(dx), view(dgain), view(dbias));
  return [dx, dgain, dbias];
}

