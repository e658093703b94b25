import type { Matrix } from './matrix.js';
import { seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';

/**
 * The four simulation setups of Nie & Wager (2021), §6, checked against the authors' code (github xnie/rlearner,
 * `experiments_for_paper/run_simu.R` at 13df1cf: B is its setup 3, C setup 4, D setup 7; A is its setup 1 with the
 * propensity trimmed to [0.1, 0.9], as the repository's later setup-'A' scripts do); `Y = b + (W − ½)·τ + σ·ε`.
 */
export type NieWagerSetup = 'A' | 'B' | 'C' | 'D';

/** Options of {@link nieWagerData}. Defaults: d = 6, σ = 1. */
export interface NieWagerOptions {
  readonly setup: NieWagerSetup;
  readonly n: number;
  readonly seed: number;
  /** Covariate dimension (≥ 5 for A, B, D; ≥ 3 for C). Default 6. */
  readonly d?: number;
  /** Noise standard deviation σ. Default 1. */
  readonly sigma?: number;
}

/** One draw of a Nie–Wager setup, with the true functions at the rows. */
export interface NieWagerData {
  readonly x: Matrix;
  readonly treatment: Float64Array;
  readonly outcome: Float64Array;
  /** τ(x_i) `[n]`. */
  readonly tau: Float64Array;
  /** e(x_i) `[n]`. */
  readonly propensity: Float64Array;
  /** b(x_i) `[n]`. */
  readonly baseline: Float64Array;
}

/**
 * Nie & Wager (2021, Biometrika 108(2), "Quasi-oracle estimation of heterogeneous treatment effects") §6 designs:
 * Y = b(X) + (W − 1/2) τ(X) + σ ε, ε ~ N(0, 1), W ~ Bernoulli(e(X)).
 *  A: X ~ U[0,1]^d, b = sin(πX₁X₂) + 2(X₃ − 0.5)² + X₄ + 0.5X₅, e = trim₀.₁(sin(πX₁X₂)), τ = (X₁ + X₂)/2;
 *  B: X ~ N(0, I_d), b = max(X₁ + X₂, X₃, 0) + max(X₄ + X₅, 0), e = 1/2, τ = X₁ + log(1 + e^{X₂});
 *  C: X ~ N(0, I_d), b = 2 log(1 + e^{X₁+X₂+X₃}), e = 1/(1 + e^{X₂+X₃}), τ = 1;
 *  D: X ~ N(0, I_d), b = (max(X₁ + X₂ + X₃, 0) + max(X₄ + X₅, 0))/2, e = 1/(1 + e^{−X₁} + e^{−X₂}),
 *     τ = max(X₁ + X₂ + X₃, 0) − max(X₄ + X₅, 0);
 * trim_η(u) = max(η, min(u, 1 − η)). Seeded (mulberry32 + Box–Muller).
 */
export function nieWagerData(options: NieWagerOptions): NieWagerData {
  const { setup, n, seed } = options;
  const d = options.d ?? 6;
  const sigma = options.sigma ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new ReweightingError('nieWagerData', 'options.n', `must be a positive integer, got ${n}`);
  if (!Number.isInteger(d) || d < (setup === 'C' ? 3 : 5)) {
    throw new ReweightingError('nieWagerData', 'options.d', `must be an integer ≥ ${setup === 'C' ? 3 : 5} for setup ${setup}, got ${d}`);
  }
  const r = seededRandom(seed);
  const x = new Float64Array(n * d);
  const treatment = new Float64Array(n);
  const outcome = new Float64Array(n);
  const tau = new Float64Array(n);
  const propensity = new Float64Array(n);
  const baseline = new Float64Array(n);
  const softplus = (u: number): number => (u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u)));
  for (let i = 0; i < n; i++) {
    const v = Array.from({ length: d }, () => (setup === 'A' ? r.uniform() : r.normal()));
    x.set(v, i * d);
    const [x1, x2, x3, x4 = 0, x5 = 0] = v as [number, number, number, number?, number?];
    let b: number;
    let e: number;
    let t: number;
    if (setup === 'A') {
      const s = Math.sin(Math.PI * x1 * x2);
      b = s + 2 * (x3 - 0.5) ** 2 + x4 + 0.5 * x5;
      e = Math.max(0.1, Math.min(s, 0.9));
      t = (x1 + x2) / 2;
    } else if (setup === 'B') {
      b = Math.max(x1 + x2, x3, 0) + Math.max(x4 + x5, 0);
      e = 0.5;
      t = x1 + softplus(x2);
    } else if (setup === 'C') {
      b = 2 * softplus(x1 + x2 + x3);
      e = 1 / (1 + Math.exp(x2 + x3));
      t = 1;
    } else if (setup === 'D') {
      b = (Math.max(x1 + x2 + x3, 0) + Math.max(x4 + x5, 0)) / 2;
      e = 1 / (1 + Math.exp(-x1) + Math.exp(-x2));
      t = Math.max(x1 + x2 + x3, 0) - Math.max(x4 + x5, 0);
    } else {
      throw new ReweightingError('nieWagerData', 'options.setup', `must be 'A', 'B', 'C' or 'D', got ${String(setup)}`);
    }
    const w = r.uniform() < e ? 1 : 0;
    treatment[i] = w;
    outcome[i] = b + (w - 0.5) * t + sigma * r.normal();
    tau[i] = t;
    propensity[i] = e;
    baseline[i] = b;
  }
  return { x: { rows: n, cols: d, data: x }, treatment, outcome, tau, propensity, baseline };
}
