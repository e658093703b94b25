import { doubleWeighting, fitClassifierDensityRatio, fitKliep, type Matrix } from '@counterweight/reweighting';
import { ConfigError, SeededRandom } from '@counterweight/runtime';

import { effectiveSampleSize } from './effective-sample-size.js';
import type { WeightingName } from './weighting-names.js';

export { WEIGHTING_NAMES, type WeightingName } from './weighting-names.js';

/** Options of {@link shiftWeights}. */
export interface ShiftWeightOptions {
  /** Rows per kernel problem (`--kernel-rows`): KLIEP's subsample of each domain, double weighting's chunk and target subsample. Default 1000. */
  readonly kernelRows?: number;
  /** Double weighting's `D ≥ 1` (`--dw-d`; 1 is kernel mean matching). Default 4, the middle of the paper's grid `1/(1 − k/10)²` (k = 5). */
  readonly dwD?: number;
  /** Rank cap of double weighting's kernel factor (`--dw-rank`, a Nyström approximation). Default 200. */
  readonly dwRank?: number;
  /** Seed of the subsamples and chunks. Default 0. */
  readonly seed?: number;
}

/** Importance weights of the training windows. */
export interface ShiftWeights {
  readonly name: WeightingName;
  /** One weight per training window, mean 1 (float32, as the training data takes them). */
  readonly weights: Float32Array;
  /** Kish effective sample size of the weights. */
  readonly effectiveSampleSize: number;
  /** Largest weight (mean 1). */
  readonly maxWeight: number;
  /** How the weights were made (subsample sizes, chunks, solver state), for the report. */
  readonly note: string;
  readonly seconds: number;
}

function rowsOf(m: Matrix, rows: ArrayLike<number>): Matrix {
  const data = new Float64Array(rows.length * m.cols);
  for (let k = 0; k < rows.length; k++) data.set(m.data.subarray(rows[k]! * m.cols, (rows[k]! + 1) * m.cols), k * m.cols);
  return { rows: rows.length, cols: m.cols, data };
}

/** Up to `n` rows of `m` drawn without replacement (all rows, in order, when `m` has at most `n`). */
function subsample(m: Matrix, n: number, random: SeededRandom): Matrix {
  if (m.rows <= n) return m;
  return rowsOf(m, random.permutation(m.rows).subarray(0, n));
}

/**
 * Double weighting's β for every source row: the source rows, shuffled, in chunks of at most `size` rows, each chunk
 * solved against the same target subsample (the ensemble form of kernel mean matching, Miao, Farahat & Kamel 2015:
 * every chunk's weighted mean embedding matches the target's, hence so does their average).
 */
function chunkedDoubleWeighting(source: Matrix, target: Matrix, size: number, D: number, maxRank: number, random: SeededRandom): { beta: Float64Array; note: string } {
  const order = random.permutation(source.rows);
  const chunks = Math.ceil(source.rows / size);
  const beta = new Float64Array(source.rows);
  let unconverged = 0;
  for (let c = 0; c < chunks; c++) {
    const rows = order.subarray(Math.floor((c * source.rows) / chunks), Math.floor(((c + 1) * source.rows) / chunks));
    const result = doubleWeighting(rowsOf(source, rows), target, { D, maxRank });
    if (!result.converged) unconverged += 1;
    rows.forEach((r, k) => {
      beta[r] = result.beta[k]!;
    });
  }
  return { beta, note: `D = ${D}, ${chunks} chunk${chunks === 1 ? '' : 's'} of ≤ ${size} training rows against ${target.rows} target rows, kernel rank ≤ ${maxRank}${unconverged > 0 ? `; ${unconverged} solve(s) hit the iteration cap` : ''}` };
}

/**
 * Importance weights `w(x) ≈ p_target(x) / p_source(x)` of the training windows from their covariate summaries
 * (`source`, one row per training window) and the unlabeled target inputs (`target`): covariate shift, no target label
 * is used. Rescaled to mean 1.
 * - `none`: 1.
 * - `classifier`: `fitClassifierDensityRatio` (logistic domain classifier, prior-corrected odds; Bickel et al. 2007)
 *   on all rows of both domains, its `sourceWeights`.
 * - `kliep`: `fitKliep` (Sugiyama et al. 2008) on seeded subsamples of `kernelRows` rows of each domain, its ratio
 *   evaluated on every training row.
 * - `dw`: double weighting's β (Segovia-Martín, Mazuelas & Liu 2023) with `dwD`, in chunks (see the note).
 * @throws ConfigError naming `--kernel-rows`, `--dw-d` or `--dw-rank` for a bad value; the estimators' ReweightingError
 *   (e.g. perfectly separable domains) otherwise.
 */
export function shiftWeights(name: WeightingName, source: Matrix, target: Matrix, options: ShiftWeightOptions = {}): ShiftWeights {
  const kernelRows = options.kernelRows ?? 1000;
  const D = options.dwD ?? 4;
  const rank = options.dwRank ?? 200;
  if (!Number.isInteger(kernelRows) || kernelRows < 10) throw new ConfigError('--kernel-rows', `must be an integer ≥ 10, got ${kernelRows}`);
  if (!(D >= 1 && Number.isFinite(D))) throw new ConfigError('--dw-d', `must be a number ≥ 1, got ${D}`);
  if (!Number.isInteger(rank) || rank < 1) throw new ConfigError('--dw-rank', `must be an integer ≥ 1, got ${rank}`);
  const random = SeededRandom.fromSeed(options.seed ?? 0, 'shift-weights', name);
  const started = performance.now();
  let raw: Float64Array;
  let note: string;
  switch (name) {
    case 'none':
      raw = new Float64Array(source.rows).fill(1);
      note = 'unweighted';
      break;
    case 'classifier': {
      const model = fitClassifierDensityRatio(source, target);
      raw = Float64Array.from(model.sourceWeights);
      note = `logistic domain classifier on ${source.rows} + ${target.rows} rows${model.warnings.length > 0 ? `; ${model.warnings.join('; ')}` : ''}`;
      break;
    }
    case 'kliep': {
      const s = subsample(source, kernelRows, random);
      const t = subsample(target, kernelRows, random);
      const model = fitKliep(s, t, { seed: options.seed ?? 0 });
      raw = model.ratio(source);
      note = `fitted on ${s.rows} training and ${t.rows} target rows (seeded subsample), σ = ${model.sigma.toPrecision(3)}`;
      break;
    }
    case 'dw': {
      const t = subsample(target, kernelRows, random);
      const solved = chunkedDoubleWeighting(source, t, kernelRows, D, rank, random);
      raw = solved.beta;
      note = solved.note;
      break;
    }
  }
  let sum = 0;
  for (const w of raw) sum += w;
  if (!(sum > 0)) throw new ConfigError('--weights', `${name} gave no training window a positive weight`);
  const weights = Float32Array.from(raw, (w) => (w * raw.length) / sum);
  return { name, weights, effectiveSampleSize: effectiveSampleSize(weights), maxWeight: weights.reduce((a, b) => Math.max(a, b), 0), note, seconds: (performance.now() - started) / 1000 };
}
