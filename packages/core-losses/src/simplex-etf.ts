import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { seededUniform } from './seeded-random.js';

const NAME = 'simplexEtf';

/** Options of {@link simplexEtf}. */
export interface SimplexEtfOptions {
  /** Seed of the random orthonormal basis (an unsigned 32-bit integer). Default 0. Same seed, same matrix, any backend. */
  readonly seed?: number;
}

/** Standard normal draws (Box–Muller on `seededUniform`). */
function normalGenerator(seed: number): () => number {
  const uniform = seededUniform(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * `numColumns` orthonormal columns of length `numRows` (column-major), uniformly distributed (Haar): Gram–Schmidt,
 * applied twice for float64 accuracy, of a standard-normal matrix — its QR factor with a positive diagonal, like
 * the first columns of `scipy.stats.ortho_group`.
 */
function randomOrthonormalColumns(numRows: number, numColumns: number, seed: number): Float64Array[] {
  const normal = normalGenerator(seed);
  const columns: Float64Array[] = [];
  for (let j = 0; j < numColumns; j += 1) {
    const q = Float64Array.from({ length: numRows }, () => normal());
    for (let pass = 0; pass < 2; pass += 1) {
      for (const previous of columns) {
        let dot = 0;
        for (let i = 0; i < numRows; i += 1) dot += (previous[i] as number) * (q[i] as number);
        for (let i = 0; i < numRows; i += 1) q[i] = (q[i] as number) - dot * (previous[i] as number);
      }
    }
    let norm = 0;
    for (let i = 0; i < numRows; i += 1) norm += (q[i] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < numRows; i += 1) q[i] = (q[i] as number) / norm;
    columns.push(q);
  }
  return columns;
}

/**
 * A fixed simplex equiangular-tight-frame (ETF) classifier kernel, as the one-stage weight-balancing recipe of
 * Hasegawa & Sato (ICLR 2024, `HN410/Exploring-Weight-Balancing-on-Long-Tailed-Recognition-Problem` @021c0bd,
 * `get_general_etf` / `ETFClassifier` in `utils/model_units.py`, norm rate 1):
 *
 *     M = U · sqrt(C / (C − 1)) · (I_C − 1 1ᵀ / C)          shape [numFeatures, numClasses] = [d, C]
 *
 * with `U` (`d × C`) random orthonormal columns from `seed`. Every column (class vector) has norm 1 and any two
 * have inner product `−1/(C − 1)` (cosine `−1/(C − 1)`, the maximal equal separation of C directions); the columns
 * sum to zero. Laid out as a tfjs dense kernel `[features, classes]`: logits are `h · M + b` (PyTorch's
 * `nn.Linear.weight` is its transpose). Computed in float64, returned as float32.
 *
 * The matrix is a constant, not a variable: use it as a fixed (non-trainable) classifier, e.g. `tf.matMul(h, M)` in a
 * hand-written model or a dense layer built with `trainable: false` and set to `M`. The recipe trains only the bias
 * (initialised uniform in `±1/d` by the reference): that variable is the caller's. The result belongs to the caller.
 *
 * @param numFeatures d, the width of the penultimate features; must be ≥ `numClasses` (the reference draws C
 *   orthonormal columns).
 * @param numClasses C ≥ 2.
 * @throws LossArgumentError for non-integer sizes, C < 2, d < C, or a seed that is not an unsigned 32-bit integer.
 */
export function simplexEtf(numFeatures: number, numClasses: number, options: SimplexEtfOptions = {}): tf.Tensor2D {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new LossArgumentError(NAME, 'numClasses', `must be an integer >= 2, got ${String(numClasses)}`);
  }
  if (!Number.isInteger(numFeatures) || numFeatures < numClasses) {
    throw new LossArgumentError(
      NAME,
      'numFeatures',
      `must be an integer >= numClasses (${numClasses}) for ${numClasses} orthonormal directions, got ${String(numFeatures)}`,
    );
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new LossArgumentError(NAME, 'options.seed', `must be an integer in [0, 2^32 - 1], got ${String(seed)}`);
  }
  const d = numFeatures;
  const c = numClasses;
  const u = randomOrthonormalColumns(d, c, seed);
  const scale = Math.sqrt(c / (c - 1));
  const values = new Float32Array(d * c);
  for (let i = 0; i < d; i += 1) {
    let rowMean = 0;
    for (let k = 0; k < c; k += 1) rowMean += (u[k] as Float64Array)[i] as number;
    rowMean /= c;
    // (U (I − 11ᵀ/C))_{ij} = U_ij − mean_k U_ik
    for (let j = 0; j < c; j += 1) values[i * c + j] = scale * (((u[j] as Float64Array)[i] as number) - rowMean);
  }
  return tf.tensor2d(values, [d, c], 'float32');
}
