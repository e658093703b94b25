import type { PrestoModel } from './cumulative-model.js';
import { SolverArgumentError } from './errors.js';

/**
 * The model the PRESTO reference code assembles from a fit — reproduced to measure its error, not to use. The
 * reference solves for α and ψ (ψ_1 = β_1, ψ_k = β_k − β_{k−1}) on standardised covariates, as {@link fitPresto}
 * does, but its modified ordinalNet then treats ψ_k as boundary k's coefficient vector when it goes back to the
 * original scale and when it predicts:
 *
 *     reference intercept_k   = α^s_k − Σ_c ψ^s_k[c]·mean_c/sd_c     (correct: − Σ_c β^s_k[c]·mean_c/sd_c)
 *     reference coefficient_k = ψ^s_k / sd                           (correct: β^s_k / sd)
 *
 * (gregfaletto/presto, `ordinalNet modified/ordinalNet.R` lines 445–455: `intAdjust` multiplies each intercept's
 * own nonparallel block — ψ_i, since `misc.R` line 81 builds row i of the design from x repeated in blocks 1..i — by
 * `xMeans/xSD`; `ordinalNet-methods.R` lines 122–126 (`coef(…, matrix = TRUE)`, used by `predict` at line 179) puts
 * the blocks side by side as boundary coefficients). Boundary 1 is right (ψ_1 = β_1); from boundary 2 on the
 * coefficients miss β_{k−1}. The reference's CV (`ordinalNetTune.R` line 153) scores these predictions, so its
 * Brier scores and chosen λ come from this model; its final estimates (`Simulations/method_functions.R` lines
 * 233–246) take β as cumulative sums of ψ (right) and α from `intAdjust` (off by (β_k − ψ_k)ᵀmean/sd).
 *
 * Returns a {@link PrestoModel} with these intercepts and coefficients on the original scale (`differences`
 * recomputed from them, `standardized` alike); every other field is the fit's.
 *
 * @throws SolverArgumentError unless `model` is a standardised PRESTO fit (`method: 'presto'`, `standardize: true`,
 *   the reference's setting; its column means are what the shift needs).
 */
export function prestoReferenceAssembly(model: PrestoModel): PrestoModel {
  const fn = 'prestoReferenceAssembly';
  if (model.method !== 'presto') {
    throw new SolverArgumentError(fn, 'model', `must be a fitPresto model (the reference assembles ordinalNet fits), got method '${model.method}'`);
  }
  const standardization = model.standardization;
  if (standardization === null) {
    throw new SolverArgumentError(fn, 'model', 'must be fitted with standardize: true (the reference standardises; the shift needs the column means)');
  }
  const { center, scale } = standardization;
  const { intercepts: alpha, differences: psi } = model.standardized;
  const coefficientsStd = psi.map((row) => Float64Array.from(row));
  const coefficients = coefficientsStd.map((row) => row.map((v, c) => v / (scale[c] ?? 1)));
  const intercepts = alpha.map((a, k) => {
    const row = psi[k] ?? new Float64Array(0);
    let shift = 0;
    for (let c = 0; c < row.length; c += 1) shift += ((row[c] ?? 0) * (center[c] ?? 0)) / (scale[c] ?? 1);
    return a - shift;
  });
  const differencesOf = (rows: readonly Float64Array[]): Float64Array[] =>
    rows.map((row, k) => (k === 0 ? Float64Array.from(row) : row.map((v, c) => v - (rows[k - 1]?.[c] ?? 0))));
  return {
    ...model,
    intercepts,
    coefficients,
    differences: differencesOf(coefficients),
    standardized: { intercepts: Float64Array.from(alpha), coefficients: coefficientsStd, differences: differencesOf(coefficientsStd) },
  };
}
