import { sigmoid64, type CovariateRows, type PrestoModel } from './cumulative-model.js';
import { SolverArgumentError } from './errors.js';

function checkRows(model: PrestoModel, x: CovariateRows, fn: string): void {
  x.forEach((row, i) => {
    if (row.length !== model.numFeatures) {
      throw new SolverArgumentError(fn, 'x', `row ${i} has ${row.length} covariates, the model has ${model.numFeatures}`);
    }
  });
}

/**
 * The cumulative logits η `[N][K − 1]`, `η_ik = α_k + x_iᵀβ_k` (original scale), of a fitted model — the
 * `cumulativeLogits` argument of core-losses' `cumulativeLogitLoss`.
 */
export function prestoCumulativeLogits(model: PrestoModel, x: CovariateRows): Float64Array[] {
  checkRows(model, x, 'prestoCumulativeLogits');
  return x.map((row) =>
    model.intercepts.map((alpha, k) => {
      const beta = model.coefficients[k] ?? new Float64Array(0);
      let eta = alpha;
      for (let c = 0; c < beta.length; c += 1) eta += (beta[c] ?? 0) * (row[c] ?? 0);
      return eta;
    }),
  );
}

/**
 * Class probabilities `[N][K]` of a fitted model (the reference's `predictPrestoProbs`): P(y = 0) = σ(η_1),
 * P(y = k) = σ(η_{k+1}) − σ(η_k) (computed as σ(η_{k+1})·σ(−η_k)·(1 − e^{η_k − η_{k+1}}), without cancellation),
 * P(y = K−1) = σ(−η_{K−1}). Rows sum to 1. Where a point's boundaries cross (possible out of sample with separate
 * β_k), a middle-class probability is negative; it is returned as is, so callers can detect it. The rare-class
 * probability (last column) depends only on the last boundary and is always in (0, 1).
 */
export function predictPrestoProbabilities(model: PrestoModel, x: CovariateRows): Float64Array[] {
  checkRows(model, x, 'predictPrestoProbabilities');
  return prestoCumulativeLogits(model, x).map((eta) => {
    const m = eta.length;
    const out = new Float64Array(m + 1);
    out[0] = sigmoid64(eta[0] ?? 0);
    for (let k = 1; k < m; k += 1) {
      const a = eta[k] ?? 0;
      const b = eta[k - 1] ?? 0;
      out[k] = sigmoid64(a) * sigmoid64(-b) * -Math.expm1(b - a);
    }
    out[m] = sigmoid64(-(eta[m - 1] ?? 0));
    return out;
  });
}
