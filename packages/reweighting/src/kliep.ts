import { assertDensityRatioInput, assertRatioInput } from './density-ratio-input.js';
import type { DensityRatioFitter, DensityRatioModel } from './density-ratio-model.js';
import type { Matrix } from './matrix.js';
import { seededPermutation, seededRandom, type SeededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';

/** Options of {@link fitKliep}; defaults are the paper's where it gives one. */
export interface KliepOptions {
  /**
   * Candidate Gaussian widths σ for likelihood cross-validation. Default: the median distance between kernel centres
   * times {1/4, 1/2, 1, 2, 4}. A single width skips the cross-validation.
   */
  readonly sigmas?: readonly number[];
  /** Number b of kernel centres, drawn without replacement from the target rows. Default min(100, n_target) (the paper's b = 100). */
  readonly centers?: number;
  /** R of R-fold likelihood cross-validation over the target rows. Default 5 (the paper's R = 5). */
  readonly folds?: number;
  /** Seed of the centre draw and the folds. Default 0. */
  readonly seed?: number;
  /** Gradient steps tried per step size ε ∈ {10³, 10², …, 10⁻³}. Default 100. */
  readonly iterationsPerStep?: number;
  /** SQUAREM-accelerated EM cycles (3 EM steps each) polishing the ascent's α (0: the paper's ascent alone). Default 20. */
  readonly polishIterations?: number;
  /** The polishing stops when a cycle raises the mean log-ratio by ≤ this. Default 1e-10. */
  readonly polishTolerance?: number;
}

/** The fitted KLIEP density ratio, with its cross-validation record. */
export interface KliepModel extends DensityRatioModel {
  /** The chosen Gaussian width. */
  readonly sigma: number;
  /** Kernel centres `[b × cols]` (target rows). */
  readonly centers: Matrix;
  /** α `[b]`, α ≥ 0, scaled so the mean of r over the source rows is 1. */
  readonly alpha: Float64Array;
  /** Held-out mean log-ratio `Ĵ` per candidate σ (−Infinity when a held-out target row had r = 0). */
  readonly cvScores: readonly { readonly sigma: number; readonly score: number }[];
  /** `Ĵ = mean log r(x)` over the target rows at the final fit. */
  readonly objective: number;
}

/** Gaussian kernel matrix `K[i][l] = exp(−‖xᵢ − c_l‖² / (2σ²))`, `[rows × b]` row-major. */
function gaussianKernel(x: Matrix, centers: Matrix, sigma: number): Float64Array {
  const b = centers.rows;
  const p = x.cols;
  const k = new Float64Array(x.rows * b);
  const scale = -1 / (2 * sigma * sigma);
  for (let i = 0; i < x.rows; i += 1) {
    for (let l = 0; l < b; l += 1) {
      let d2 = 0;
      for (let j = 0; j < p; j += 1) d2 += (x.data[i * p + j]! - centers.data[l * p + j]!) ** 2;
      k[i * b + l] = Math.exp(d2 * scale);
    }
  }
  return k;
}

function selectRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const data = new Float64Array(rows.length * m.cols);
  for (let i = 0; i < rows.length; i += 1) data.set(m.data.subarray(rows[i]! * m.cols, (rows[i]! + 1) * m.cols), i * m.cols);
  return { rows: rows.length, cols: m.cols, data };
}

/** `(1/rows)·Σ log (Aα)ᵢ`, writing `Aα` into `fitted`. */
function meanLog(a: Float64Array, alpha: Float64Array, rows: number, b: number, fitted: Float64Array): number {
  let s = 0;
  for (let i = 0; i < rows; i += 1) {
    let v = 0;
    for (let l = 0; l < b; l += 1) v += a[i * b + l]! * alpha[l]!;
    fitted[i] = v;
    s += Math.log(v);
  }
  return s / rows;
}

/**
 * Projected gradient ascent of the paper's KLIEP pseudo-code for `max_α (1/n_t)·Σ log (Aα)ᵢ` s.t. `bᵀα = 1`, `α ≥ 0`
 * (`A` `[n_t × b]` target kernel rows, `bvec` the mean source kernel row): ascend, project on `bᵀα = 1`, clip at 0,
 * rescale (as MLforHealth/expl_perf_drop `KLIEP.py`, commit 0c09bf2, lines 169–172, whose fixed ε = 1e-4 becomes a
 * schedule here). Step sizes ε = 10³ … 10⁻³ in turn; a step is kept only if it raises the objective; then EM polishing.
 * Returns α, or `undefined` when no α gives every target row a positive ratio or a centre has no source kernel mass.
 */
function kliepAscent(a: Float64Array, bvec: Float64Array, rows: number, b: number, solver: KliepSolver): { alpha: Float64Array; objective: number } | undefined {
  const { iterationsPerStep, polishIterations, polishTolerance } = solver;
  let bb = 0;
  let bsum = 0;
  let bmax = 0;
  for (let l = 0; l < b; l += 1) {
    bb += bvec[l]! ** 2;
    bsum += bvec[l]!;
    bmax = Math.max(bmax, bvec[l]!);
  }
  // A centre without source kernel mass makes the objective unbounded (r → ∞ there at no cost in the constraint).
  if (!(bmax > 0) || bvec.some((v) => !(v > 1e-12 * bmax))) return undefined;
  let alpha: Float64Array = new Float64Array(b).fill(1 / bsum);
  let fitted = new Float64Array(rows);
  let trialFitted = new Float64Array(rows);
  let objective = meanLog(a, alpha, rows, b, fitted);
  if (!Number.isFinite(objective)) return undefined;
  for (let e = 3; e >= -3; e -= 1) {
    const eps = 10 ** e;
    for (let it = 0; it < iterationsPerStep; it += 1) {
      const trial = Float64Array.from(alpha);
      for (let i = 0; i < rows; i += 1) {
        const g = 1 / fitted[i]! / rows;
        for (let l = 0; l < b; l += 1) trial[l] = trial[l]! + eps * a[i * b + l]! * g;
      }
      let bt = 0;
      for (let l = 0; l < b; l += 1) bt += bvec[l]! * trial[l]!;
      for (let l = 0; l < b; l += 1) trial[l] = Math.max(0, trial[l]! + ((1 - bt) * bvec[l]!) / bb);
      bt = 0;
      for (let l = 0; l < b; l += 1) bt += bvec[l]! * trial[l]!;
      if (!(bt > 0)) break;
      for (let l = 0; l < b; l += 1) trial[l] = trial[l]! / bt;
      const value = meanLog(a, trial, rows, b, trialFitted);
      if (!(value > objective)) break;
      alpha = trial;
      objective = value;
      [fitted, trialFitted] = [trialFitted, fitted];
    }
  }
  if (polishIterations > 0) {
    // Polish: the ascent above can stall short of the optimum (clipping at 0 after the affine projection is not the
    // Euclidean projection on the feasible set). The fixed-point map α_l ← α_l·g_l/b_l, g = (1/n_t)·Aᵀ(1/Aα), is EM
    // for the mixture weights β_l = b_l·α_l (Dempster, Laird & Rubin 1977): feasible, monotone, and its fixed points
    // with α_l > 0 satisfy the KKT condition g_l = b_l. It is accelerated by SQUAREM (Varadhan & Roland 2008, scheme
    // S3, with a fallback to the plain double EM step whenever the extrapolation does not raise the objective).
    // Starts from α mixed with 1% of the uniform feasible point so that coordinates the ascent set to 0 can return.
    const em = (from: Float64Array): Float64Array => {
      meanLog(a, from, rows, b, fitted);
      const g = new Float64Array(b);
      for (let i = 0; i < rows; i += 1) {
        const inv = 1 / fitted[i]! / rows;
        for (let l = 0; l < b; l += 1) g[l] = g[l]! + a[i * b + l]! * inv;
      }
      return from.map((v, l) => (v * g[l]!) / bvec[l]!);
    };
    alpha = alpha.map((v) => 0.99 * v + 0.01 / bsum);
    objective = meanLog(a, alpha, rows, b, fitted);
    for (let it = 0; it < polishIterations; it += 1) {
      const a1 = em(alpha);
      const a2 = em(a1);
      let rr = 0;
      let vv = 0;
      for (let l = 0; l < b; l += 1) {
        rr += (bvec[l]! * (a1[l]! - alpha[l]!)) ** 2;
        vv += (bvec[l]! * (a2[l]! - 2 * a1[l]! + alpha[l]!)) ** 2;
      }
      let next = a2;
      let value = meanLog(a, a2, rows, b, trialFitted);
      const step = vv > 0 ? Math.min(-1, -Math.sqrt(rr / vv)) : -1;
      if (step < -1) {
        const extrapolated = alpha.map((v, l) => Math.max(0, v - 2 * step * (a1[l]! - v) + step * step * (a2[l]! - 2 * a1[l]! + v)));
        let bt = 0;
        for (let l = 0; l < b; l += 1) bt += bvec[l]! * extrapolated[l]!;
        if (bt > 0) {
          const candidate = em(extrapolated.map((v) => v / bt));
          const candidateValue = meanLog(a, candidate, rows, b, fitted);
          if (candidateValue > value) {
            next = candidate;
            value = candidateValue;
          }
        }
      }
      const gain = value - objective;
      if (!(gain > 0)) break;
      alpha = next;
      objective = value;
      if (gain <= polishTolerance) break;
    }
  }
  return { alpha, objective };
}

function medianCenterDistance(centers: Matrix): number {
  const d: number[] = [];
  const p = centers.cols;
  for (let i = 0; i < centers.rows; i += 1) {
    for (let l = i + 1; l < centers.rows; l += 1) {
      let s = 0;
      for (let j = 0; j < p; j += 1) s += (centers.data[i * p + j]! - centers.data[l * p + j]!) ** 2;
      if (s > 0) d.push(Math.sqrt(s));
    }
  }
  if (d.length === 0) return 1;
  d.sort((x, y) => x - y);
  return d[Math.floor(d.length / 2)]!;
}

interface KliepFit {
  readonly centers: Matrix;
  readonly alpha: Float64Array;
  readonly objective: number;
}

interface KliepSolver {
  readonly iterationsPerStep: number;
  readonly polishIterations: number;
  readonly polishTolerance: number;
}

function fitAtWidth(source: Matrix, target: Matrix, b: number, sigma: number, random: SeededRandom, solver: KliepSolver): KliepFit | undefined {
  const centers = selectRows(target, seededPermutation(target.rows, random).subarray(0, Math.min(b, target.rows)));
  const bc = centers.rows;
  const ks = gaussianKernel(source, centers, sigma);
  const bvec = new Float64Array(bc);
  for (let i = 0; i < source.rows; i += 1) for (let l = 0; l < bc; l += 1) bvec[l] = bvec[l]! + ks[i * bc + l]! / source.rows;
  const result = kliepAscent(gaussianKernel(target, centers, sigma), bvec, target.rows, bc, solver);
  return result === undefined ? undefined : { centers, ...result };
}

function ratioAt(x: Matrix, fit: KliepFit, sigma: number): Float64Array {
  const k = gaussianKernel(x, fit.centers, sigma);
  const b = fit.centers.rows;
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i += 1) {
    let v = 0;
    for (let l = 0; l < b; l += 1) v += k[i * b + l]! * fit.alpha[l]!;
    out[i] = v;
  }
  return out;
}

/**
 * Kullback–Leibler importance estimation procedure, KLIEP (Sugiyama, Nakajima, Kashima, von Bünau & Kawanabe 2008):
 * `r(x) = Σ_l α_l·exp(−‖x − c_l‖²/(2σ²))` with centres `c_l` a random subset of the target rows, maximising
 * `(1/n_t)·Σ_{target} log r(x)` subject to `(1/n_s)·Σ_{source} r(x) = 1` and `α ≥ 0` by projected gradient ascent
 * (the paper's pseudo-code, then polished; see `kliepAscent`). σ maximises the R-fold likelihood cross-validation score `Ĵ = mean log r` on held-out target
 * rows (the paper's likelihood cross-validation, LCV); the final fit uses every target row. `source` `[n_s × p]`, `target` `[n_t × p]`.
 * @throws ReweightingError on an empty group, mismatched columns, a non-finite cell, an option outside its domain, or
 *   when every candidate width leaves a target row with zero kernel mass (a singular kernel: widen `sigmas`).
 */
export function fitKliep(source: Matrix, target: Matrix, options: KliepOptions = {}): KliepModel {
  const fn = 'fitKliep';
  assertDensityRatioInput(fn, source, target);
  const b = options.centers ?? Math.min(100, target.rows);
  if (!(Number.isInteger(b) && b >= 1 && b <= target.rows)) throw new ReweightingError(fn, 'options.centers', `must be an integer in [1, n_target = ${target.rows}], got ${b}`);
  const iterationsPerStep = options.iterationsPerStep ?? 100;
  if (!(Number.isInteger(iterationsPerStep) && iterationsPerStep >= 1)) throw new ReweightingError(fn, 'options.iterationsPerStep', `must be a positive integer, got ${iterationsPerStep}`);
  const polishIterations = options.polishIterations ?? 20;
  if (!(Number.isInteger(polishIterations) && polishIterations >= 0)) throw new ReweightingError(fn, 'options.polishIterations', `must be an integer ≥ 0, got ${polishIterations}`);
  const solver: KliepSolver = { iterationsPerStep, polishIterations, polishTolerance: options.polishTolerance ?? 1e-10 };
  const seed = options.seed ?? 0;
  const random = seededRandom(seed);
  const sigmas = options.sigmas ?? (() => {
    const m = medianCenterDistance(selectRows(target, seededPermutation(target.rows, seededRandom(seed + 1)).subarray(0, b)));
    return [0.25, 0.5, 1, 2, 4].map((f) => f * m);
  })();
  if (sigmas.length === 0 || sigmas.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new ReweightingError(fn, 'options.sigmas', `must be a non-empty list of finite widths > 0, got [${sigmas.join(', ')}]`);
  }
  const cvScores: { sigma: number; score: number }[] = [];
  let sigma = sigmas[0]!;
  if (sigmas.length > 1) {
    const folds = options.folds ?? 5;
    if (!(Number.isInteger(folds) && folds >= 2 && folds <= target.rows)) {
      throw new ReweightingError(fn, 'options.folds', `must be an integer in [2, n_target = ${target.rows}] for likelihood cross-validation, got ${folds}`);
    }
    const order = seededPermutation(target.rows, random);
    let best = Number.NEGATIVE_INFINITY;
    for (const s of sigmas) {
      let total = 0;
      for (let r = 0; r < folds && Number.isFinite(total); r += 1) {
        const held: number[] = [];
        const train: number[] = [];
        order.forEach((row, rank) => (rank % folds === r ? held : train).push(row));
        const trainTarget = selectRows(target, train);
        const fit = fitAtWidth(source, trainTarget, Math.min(b, train.length), s, random, solver);
        if (fit === undefined) {
          total = Number.NEGATIVE_INFINITY;
          break;
        }
        const ratios = ratioAt(selectRows(target, held), fit, s);
        let score = 0;
        for (const v of ratios) score += Math.log(v);
        total += score / held.length / folds;
      }
      cvScores.push({ sigma: s, score: Number.isNaN(total) ? Number.NEGATIVE_INFINITY : total });
      if (total > best) {
        best = total;
        sigma = s;
      }
    }
    if (!(best > Number.NEGATIVE_INFINITY)) {
      throw new ReweightingError(fn, 'options.sigmas', `gives a singular kernel at every candidate width [${sigmas.join(', ')}]: some held-out target row has zero kernel mass (r = 0); use wider kernels`);
    }
  }
  const fit = fitAtWidth(source, target, b, sigma, random, solver);
  if (fit === undefined) {
    throw new ReweightingError(fn, 'options.sigmas', `σ = ${sigma} gives a singular kernel: a target row or the source rows have zero kernel mass at every centre; use a wider kernel`);
  }
  const cols = source.cols;
  return {
    cols,
    sigma,
    centers: fit.centers,
    alpha: fit.alpha,
    cvScores,
    objective: fit.objective,
    ratio(x: Matrix): Float64Array {
      assertRatioInput('KliepModel.ratio', x, cols);
      return ratioAt(x, fit, sigma);
    },
  };
}

/** A {@link DensityRatioFitter} running {@link fitKliep} with fixed `options`. */
export function kliepDensityRatio(options: KliepOptions = {}): DensityRatioFitter {
  return (source, target) => fitKliep(source, target, options);
}
