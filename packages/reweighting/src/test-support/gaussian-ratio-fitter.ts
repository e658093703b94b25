import type { DensityRatioFitter } from '../density-ratio-model.js';
import type { Matrix } from '../matrix.js';

interface Gaussian {
  readonly mean: Float64Array;
  /** Lower Cholesky factor of the covariance, row-major d×d. */
  readonly chol: Float64Array;
  readonly logDet: number;
}

/**
 * Test support: the density ratio of two multivariate Gaussians fitted by maximum likelihood (sample mean and
 * covariance) to the source and target rows, `r(x) = N(x; μ_T, Σ_T) / N(x; μ_S, Σ_S)`. Exact up to the parameter
 * estimates when both samples are Gaussian, as in the synthetic shift designs.
 */
export const gaussianRatioFitter: DensityRatioFitter = (source, target) => {
  const s = fitGaussian(source);
  const t = fitGaussian(target);
  return {
    cols: source.cols,
    ratio: (x) => {
      const out = new Float64Array(x.rows);
      for (let r = 0; r < x.rows; r++) {
        const row = x.data.subarray(r * x.cols, (r + 1) * x.cols);
        out[r] = Math.exp(logDensity(t, row) - logDensity(s, row));
      }
      return out;
    },
  };
};

function fitGaussian(m: Matrix): Gaussian {
  const d = m.cols;
  const mean = new Float64Array(d);
  for (let r = 0; r < m.rows; r++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + m.data[r * d + j]! / m.rows;
  const cov = new Float64Array(d * d);
  for (let r = 0; r < m.rows; r++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        cov[i * d + j] = cov[i * d + j]! + ((m.data[r * d + i]! - mean[i]!) * (m.data[r * d + j]! - mean[j]!)) / m.rows;
      }
    }
  }
  const chol = new Float64Array(d * d);
  let logDet = 0;
  for (let j = 0; j < d; j++) {
    let diag = cov[j * d + j]!;
    for (let k = 0; k < j; k++) diag -= chol[j * d + k]! ** 2;
    chol[j * d + j] = Math.sqrt(diag);
    logDet += Math.log(diag);
    for (let i = j + 1; i < d; i++) {
      let v = cov[i * d + j]!;
      for (let k = 0; k < j; k++) v -= chol[i * d + k]! * chol[j * d + k]!;
      chol[i * d + j] = v / chol[j * d + j]!;
    }
  }
  return { mean, chol, logDet };
}

/** log N(x; μ, Σ) up to the shared constant −d/2 log 2π. */
function logDensity(g: Gaussian, x: Float64Array): number {
  const d = x.length;
  const z = new Float64Array(d);
  let q = 0;
  for (let i = 0; i < d; i++) {
    let v = x[i]! - g.mean[i]!;
    for (let k = 0; k < i; k++) v -= g.chol[i * d + k]! * z[k]!;
    z[i] = v / g.chol[i * d + i]!;
    q += z[i]! ** 2;
  }
  return -0.5 * (q + g.logDet);
}
