import type { Matrix } from './matrix.js';
import { seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';

/** Options of {@link kangSchaferData}. Default: constant treatment effect 0. */
export interface KangSchaferOptions {
  readonly n: number;
  readonly seed: number;
  /** The constant effect Y(1) − Y(0), so ATE = ATT = effect. Default 0. */
  readonly effect?: number;
}

/** One draw of the Kang–Schafer design. */
export interface KangSchaferData {
  /** The true covariates Z `[n × 4]`, Z ~ N(0, I₄) (the correctly specified design). */
  readonly z: Matrix;
  /** The observed transformed covariates X `[n × 4]` (the misspecified design). */
  readonly x: Matrix;
  /** A `[n]` of 0/1, A ~ Bernoulli(π(Z)). */
  readonly treatment: Float64Array;
  /** Y = Y(A) `[n]`. */
  readonly outcome: Float64Array;
  /** The true propensities π(Z) `[n]`. */
  readonly propensity: Float64Array;
  /** The true ATE (= ATT = effect). */
  readonly ate: number;
}

/**
 * The Kang & Schafer (2007, Statistical Science 22(4)) simulation design in its causal form: Z ~ N(0, I₄),
 * Y(0) = 210 + 27.4 Z₁ + 13.7 Z₂ + 13.7 Z₃ + 13.7 Z₄ + ε, ε ~ N(0, 1), Y(1) = Y(0) + effect,
 * π(Z) = expit(−Z₁ + 0.5 Z₂ − 0.25 Z₃ − 0.1 Z₄), and the observed covariates
 * X = (exp(Z₁/2), Z₂/(1 + exp(Z₁)) + 10, (Z₁Z₃/25 + 0.6)³, (Z₂ + Z₄ + 20)²) under which a linear-logistic propensity
 * and a linear outcome model are both misspecified. Seeded (mulberry32 + Box–Muller).
 */
export function kangSchaferData(options: KangSchaferOptions): KangSchaferData {
  const { n, seed } = options;
  if (!Number.isInteger(n) || n < 2) throw new ReweightingError('kangSchaferData', 'options.n', `must be an integer ≥ 2, got ${n}`);
  const effect = options.effect ?? 0;
  const r = seededRandom(seed);
  const z = new Float64Array(n * 4);
  const x = new Float64Array(n * 4);
  const treatment = new Float64Array(n);
  const outcome = new Float64Array(n);
  const propensity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [z1, z2, z3, z4] = [r.normal(), r.normal(), r.normal(), r.normal()] as const;
    z.set([z1, z2, z3, z4], i * 4);
    x.set([Math.exp(z1 / 2), z2 / (1 + Math.exp(z1)) + 10, (z1 * z3 / 25 + 0.6) ** 3, (z2 + z4 + 20) ** 2], i * 4);
    const pi = 1 / (1 + Math.exp(-(-z1 + 0.5 * z2 - 0.25 * z3 - 0.1 * z4)));
    propensity[i] = pi;
    const a = r.uniform() < pi ? 1 : 0;
    treatment[i] = a;
    outcome[i] = 210 + 27.4 * z1 + 13.7 * (z2 + z3 + z4) + r.normal() + a * effect;
  }
  return {
    z: { rows: n, cols: 4, data: z },
    x: { rows: n, cols: 4, data: x },
    treatment,
    outcome,
    propensity,
    ate: effect,
  };
}
