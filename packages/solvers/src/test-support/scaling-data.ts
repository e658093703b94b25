// Test-only: seeded synthetic loss series with known scaling-law parameters.
import { seededUniform } from '../presto-synthetic.js';

/** True parameters of the synthetic series: L₀ = E₀ + A·C^(−α), L₁ = K·(L₀ − E₀)^κ + E₁ (compute 1e17 … 1e20 FLOPs). */
export const TRUE_LAW = { E: 1.8, A: 1e3, alpha: 0.15 } as const;
export const TRUE_LOSS_TO_LOSS = { K: 1.3, kappa: 0.8, E0: 1.8, E1: 2.2 } as const;

export interface ScalingSeries {
  readonly compute: number[];
  /** L₀ with multiplicative log-normal noise of σ = noise0. */
  readonly loss0: number[];
  /** L₁ from the noise-free L₀, with multiplicative noise of σ = noise1. */
  readonly loss1: number[];
}

/** n points log-spaced over 1e17 … 1e20, noise from `seed` (Box–Muller on mulberry32). */
export function scalingSeries(n: number, seed: number, noise0 = 0.005, noise1 = 0.003): ScalingSeries {
  const random = seededUniform(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-300))) * Math.cos(2 * Math.PI * random());
  const compute = Array.from({ length: n }, (_, i) => 1e17 * Math.pow(1e3, i / (n - 1)));
  const clean0 = compute.map((c) => TRUE_LAW.E + TRUE_LAW.A * Math.pow(c, -TRUE_LAW.alpha));
  const loss0 = clean0.map((l) => l * Math.exp(noise0 * normal()));
  const { K, kappa, E0, E1 } = TRUE_LOSS_TO_LOSS;
  const loss1 = clean0.map((l) => (K * Math.pow(l - E0, kappa) + E1) * Math.exp(noise1 * normal()));
  return { compute, loss0, loss1 };
}
