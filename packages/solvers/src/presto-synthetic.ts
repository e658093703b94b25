import { SolverArgumentError } from './errors.js';

/**
 * A seeded uniform generator on [0, 1) (mulberry32: 32-bit state, period 2³²). Small, fast and deterministic across
 * platforms — enough for simulation studies and fold shuffles, not for cryptography. core-losses has no
 * dependency on `pure-rand`, so the synthetic generators use this.
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A simulated ordinal data set with its true cumulative-logit parameters. */
export interface PrestoSyntheticData {
  /** Covariates `[n][p]`, i.i.d. Uniform(−1, 1). */
  readonly x: readonly Float64Array[];
  /** Class ids `[n]` in [0, K); every class occurs. */
  readonly y: Int32Array;
  /** True α `[K − 1]`, non-decreasing: `P(y ≤ k | x) = σ(α_k + xᵀβ_k)`. */
  readonly intercepts: Float64Array;
  /** True β `[K − 1][p]`. */
  readonly coefficients: readonly Float64Array[];
  /** True class probabilities `[n][K]` at the drawn covariates (all ≥ 0). */
  readonly probabilities: readonly Float64Array[];
  /** True rare-class probabilities P(y = K − 1 | x_i) `[n]` (the last column of `probabilities`). */
  readonly rareProbabilities: Float64Array;
  /** How many coefficient draws and, for the accepted one, covariate draws it took. */
  readonly attempts: { readonly coefficients: number; readonly data: number };
}

/** Options common to both generators (defaults: the paper's §4 settings). */
export interface PrestoSyntheticOptions {
  /** Seed of {@link seededUniform}. Required. */
  readonly seed: number;
  /** Examples. Default 2500. */
  readonly n?: number;
  /** Covariates. Default 10. */
  readonly p?: number;
  /** K ≥ 3. Default 4. */
  readonly numClasses?: number;
  /** α `[K − 1]`, non-decreasing. Default: the first setting of the study (see the generator). */
  readonly intercepts?: readonly number[];
}

/** Options of {@link sparseDifferencesData}. */
export interface SparseDifferencesOptions extends PrestoSyntheticOptions {
  /** Probability that a base coefficient is kept and that a difference coordinate is non-zero. Default 1/3 (the paper also uses 1/2). */
  readonly devProb?: number;
  /** Magnitude of a non-zero difference (random sign). Default 0.5. */
  readonly devSize?: number;
  /** Value of a kept base coefficient β_1. Default 0.5 (the reference script's `beta = rep(.5, 10)`). */
  readonly baseValue?: number;
}

/** Options of {@link denseDifferencesData}. */
export interface DenseDifferencesOptions extends PrestoSyntheticOptions {
  /** β_1 and every difference are Uniform(−devSize, devSize)^p. Default 0.5. */
  readonly devSize?: number;
}

/** Intercept settings of the sparse-differences study (Faletto & Bien 2023, §4.1); the first is the default. */
export const SPARSE_DIFFERENCES_INTERCEPTS: readonly (readonly number[])[] = [
  [0, 3, 5],
  [0, 3.5, 5.5],
  [0, 4, 6],
];

/** Intercept settings of the dense-differences study (Faletto & Bien 2023, §4.2); the first is the default. */
export const DENSE_DIFFERENCES_INTERCEPTS: readonly (readonly number[])[] = [
  [0, 2.5, 4.5],
  [0, 3, 5],
  [0, 3.5, 5.5],
  [0, 4, 6],
];

const COEFFICIENT_DRAWS = 100;
const DATA_DRAWS = 10;

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

interface Settings {
  readonly n: number;
  readonly p: number;
  readonly numClasses: number;
  readonly intercepts: Float64Array;
}

function settings(options: PrestoSyntheticOptions, defaultIntercepts: readonly number[], fn: string): Settings {
  if (!Number.isFinite(options.seed)) throw new SolverArgumentError(fn, 'options.seed', `must be a finite number, got ${String(options.seed)}`);
  const integer = (value: number, name: string, min: number): number => {
    if (!Number.isInteger(value) || value < min) throw new SolverArgumentError(fn, name, `must be an integer ≥ ${min}, got ${String(value)}`);
    return value;
  };
  const n = integer(options.n ?? 2500, 'options.n', 1);
  const p = integer(options.p ?? 10, 'options.p', 1);
  const numClasses = integer(options.numClasses ?? 4, 'options.numClasses', 3);
  const raw = options.intercepts ?? (numClasses === defaultIntercepts.length + 1 ? defaultIntercepts : undefined);
  if (raw?.length !== numClasses - 1) {
    throw new SolverArgumentError(fn, 'options.intercepts', `must hold K − 1 = ${numClasses - 1} values${options.intercepts === undefined ? ' (no default for this K)' : `, got ${raw?.length ?? 0}`}`);
  }
  const intercepts = Float64Array.from(raw);
  for (let k = 1; k < intercepts.length; k += 1) {
    if (!((intercepts[k] ?? 0) >= (intercepts[k - 1] ?? 0))) throw new SolverArgumentError(fn, 'options.intercepts', `must be finite and non-decreasing, got [${raw.join(', ')}]`);
  }
  if (!intercepts.every(Number.isFinite)) throw new SolverArgumentError(fn, 'options.intercepts', `must be finite, got [${raw.join(', ')}]`);
  return { n, p, numClasses, intercepts };
}

/**
 * Draws covariates and labels for fixed coefficients (the reference's `sim_data`): x ~ U(−1, 1)^p, class
 * probabilities from the cumulative-logit model, y from them; redraws up to 10 times until every class occurs.
 * Returns null when a class probability is negative (crossing boundaries) or no draw had every class.
 */
function drawData(
  random: () => number,
  s: Settings,
  coefficients: readonly Float64Array[],
): { x: Float64Array[]; y: Int32Array; probabilities: Float64Array[]; draws: number } | null {
  const { n, p, numClasses, intercepts } = s;
  for (let draw = 1; draw <= DATA_DRAWS; draw += 1) {
    const x: Float64Array[] = [];
    const probabilities: Float64Array[] = [];
    const y = new Int32Array(n);
    const seen = new Uint8Array(numClasses);
    for (let i = 0; i < n; i += 1) {
      const row = new Float64Array(p);
      for (let c = 0; c < p; c += 1) row[c] = 2 * random() - 1;
      x.push(row);
    }
    for (let i = 0; i < n; i += 1) {
      const row = x[i] ?? new Float64Array(p);
      const probs = new Float64Array(numClasses);
      let previous = 0;
      for (let k = 0; k < numClasses - 1; k += 1) {
        let eta = intercepts[k] ?? 0;
        const beta = coefficients[k] ?? new Float64Array(p);
        for (let c = 0; c < p; c += 1) eta += (beta[c] ?? 0) * (row[c] ?? 0);
        const cumulative = sigmoid(eta);
        probs[k] = cumulative - previous;
        previous = cumulative;
      }
      probs[numClasses - 1] = 1 - previous;
      if (probs.some((v) => v < 0)) return null;
      probabilities.push(probs);
    }
    for (let i = 0; i < n; i += 1) {
      const probs = probabilities[i] ?? new Float64Array(numClasses);
      const u = random();
      let label = numClasses - 1;
      let cumulative = 0;
      for (let k = 0; k < numClasses - 1; k += 1) {
        cumulative += probs[k] ?? 0;
        if (u < cumulative) {
          label = k;
          break;
        }
      }
      y[i] = label;
      seen[label] = 1;
    }
    if (seen.every((v) => v === 1)) return { x, y, probabilities, draws: draw };
  }
  return null;
}

function generate(
  random: () => number,
  s: Settings,
  drawCoefficients: () => Float64Array[],
  fn: string,
): PrestoSyntheticData {
  for (let attempt = 1; attempt <= COEFFICIENT_DRAWS; attempt += 1) {
    const coefficients = drawCoefficients();
    const data = drawData(random, s, coefficients);
    if (data === null) continue;
    return {
      x: data.x,
      y: data.y,
      intercepts: s.intercepts,
      coefficients,
      probabilities: data.probabilities,
      rareProbabilities: Float64Array.from(data.probabilities, (row) => row[s.numClasses - 1] ?? 0),
      attempts: { coefficients: attempt, data: data.draws },
    };
  }
  throw new SolverArgumentError(
    fn,
    'options',
    `gave no valid data set in ${COEFFICIENT_DRAWS} coefficient draws (crossing boundaries or a class that never occurs); widen the intercept gaps or shrink devSize`,
  );
}

/**
 * The sparse-differences simulation of Faletto & Bien (2023, §4.1; reference `relax_prop_odds_model_rand` /
 * `sim_relaxed_prop_odds_rand` in gregfaletto/presto): K = 4 classes, n = 2500, p = 10, x ~ U(−1, 1)^p and
 *
 *     β_1[c]  = baseValue with probability devProb, else 0
 *     β_k     = β_{k−1} + δ_k,   δ_k[c] = ±devSize (random sign) with probability devProb, else 0   (k ≥ 2)
 *     P(y ≤ k | x) = σ(α_k + xᵀβ_k),  α ∈ SPARSE_DIFFERENCES_INTERCEPTS (default (0, 3, 5))
 *
 * Coefficients are redrawn (up to 100 times) when a class probability at a drawn x is negative, and x, y are
 * redrawn (up to 10 times per coefficient draw) until every class occurs, as in the reference. Defaults:
 * devProb 1/3, devSize 0.5, baseValue 0.5 — the reference script `4_1_sparse_diffs.R` (line 60, since commit 31a2c0a
 * "Tweak settings to match ICML submitted draft") passes `beta = rep(.5, 10)`, `dev_size = .5`, dev_prob 1/3 and 1/2;
 * the `rep(1, 20)` of the §4.2 script is not used by that design. Class ids are 0-based; class K − 1 is the rare one.
 *
 * @throws SolverArgumentError for bad options or when no valid data set is found.
 */
export function sparseDifferencesData(options: SparseDifferencesOptions): PrestoSyntheticData {
  const fn = 'sparseDifferencesData';
  const s = settings(options, SPARSE_DIFFERENCES_INTERCEPTS[0] ?? [], fn);
  const devProb = options.devProb ?? 1 / 3;
  const devSize = options.devSize ?? 0.5;
  const baseValue = options.baseValue ?? 0.5;
  if (!(devProb >= 0 && devProb <= 1)) throw new SolverArgumentError(fn, 'options.devProb', `must be in [0, 1], got ${String(devProb)}`);
  if (!Number.isFinite(devSize)) throw new SolverArgumentError(fn, 'options.devSize', `must be finite, got ${String(devSize)}`);
  if (!Number.isFinite(baseValue)) throw new SolverArgumentError(fn, 'options.baseValue', `must be finite, got ${String(baseValue)}`);
  const random = seededUniform(options.seed);
  const { p, numClasses } = s;
  return generate(
    random,
    s,
    () => {
      const base = Float64Array.from({ length: p }, () => (random() < devProb ? baseValue : 0));
      const coefficients = [base];
      const support = Array.from({ length: numClasses - 2 }, () => Array.from({ length: p }, () => random() < devProb));
      const signs = Array.from({ length: numClasses - 2 }, () => Array.from({ length: p }, () => (random() < 0.5 ? -1 : 1)));
      for (let k = 1; k < numClasses - 1; k += 1) {
        const previous = coefficients[k - 1] ?? base;
        coefficients.push(previous.map((v, c) => v + (support[k - 1]?.[c] === true ? devSize * (signs[k - 1]?.[c] ?? 1) : 0)));
      }
      return coefficients;
    },
    fn,
  );
}

/**
 * The dense-differences simulation of Faletto & Bien (2023, §4.2; reference `relax_prop_odds_unif_model` /
 * `sim_relaxed_unif_prop_odds`): as {@link sparseDifferencesData} but with
 *
 *     β_1 ~ U(−devSize, devSize)^p,   β_k = β_{k−1} + δ_k,  δ_k ~ U(−devSize, devSize)^p
 *
 * devSize 0.5 and intercepts from DENSE_DIFFERENCES_INTERCEPTS (default (0, 2.5, 4.5)). Same redraw rules.
 *
 * @throws SolverArgumentError for bad options or when no valid data set is found.
 */
export function denseDifferencesData(options: DenseDifferencesOptions): PrestoSyntheticData {
  const fn = 'denseDifferencesData';
  const s = settings(options, DENSE_DIFFERENCES_INTERCEPTS[0] ?? [], fn);
  const devSize = options.devSize ?? 0.5;
  if (!(devSize >= 0) || !Number.isFinite(devSize)) throw new SolverArgumentError(fn, 'options.devSize', `must be finite and ≥ 0, got ${String(devSize)}`);
  const random = seededUniform(options.seed);
  const { p, numClasses } = s;
  const uniform = (): number => devSize * (2 * random() - 1);
  return generate(
    random,
    s,
    () => {
      const coefficients = [Float64Array.from({ length: p }, uniform)];
      for (let k = 1; k < numClasses - 1; k += 1) {
        const previous = coefficients[k - 1] ?? new Float64Array(p);
        coefficients.push(previous.map((v) => v + uniform()));
      }
      return coefficients;
    },
    fn,
  );
}
