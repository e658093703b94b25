import { checkNumberOption, resolveBinary } from './validation.js';

/** Options of {@link binaryLogLoss} and the normalised-entropy metrics. */
export interface LogLossOptions {
  /**
   * Probabilities are clipped to `[eps, 1 − eps]` before the logarithm, so a confident mistake costs `−ln(eps)`
   * instead of `Infinity`. Default `1e-7` (FuxiCTR / BARS `log_loss(..., eps=1e-7)`, Keras' epsilon); must be in
   * `[0, 0.5)`. `0` disables clipping.
   */
  readonly eps?: number;
}

/** Validated `eps` (internal). */
export function logLossEps(metric: string, options: LogLossOptions): number {
  return checkNumberOption(metric, 'options.eps', options.eps ?? 1e-7, 0, 0.5, true);
}

/** Mean binary cross-entropy of validated inputs (internal). */
export function meanLogLoss(targets: Uint8Array, probabilities: Float64Array, eps: number): number {
  let sum = 0;
  for (let i = 0; i < targets.length; i += 1) {
    const p = Math.min(Math.max(probabilities[i] ?? 0, eps), 1 - eps);
    sum -= targets[i] === 1 ? Math.log(p) : Math.log1p(-p);
  }
  return sum / targets.length;
}

/**
 * Log loss (mean binary cross-entropy, natural log):
 * `L = −(1/N) Σ_i [y_i ln p_i + (1 − y_i) ln(1 − p_i)]`, with `p_i` clipped to `[eps, 1 − eps]` (default `1e-7`).
 * The CTR papers' "logloss".
 *
 * @param targets labels, each 0 or 1, length `N ≥ 1`.
 * @param probabilities predicted probabilities of class 1, each in `[0, 1]` (pass sigmoid outputs, not logits).
 * @returns a number `≥ 0`.
 * @see scikit-learn `log_loss` (recent versions clip at the machine epsilon of the input dtype; pass `eps` to match a given reference).
 */
export function binaryLogLoss(targets: ArrayLike<number>, probabilities: ArrayLike<number>, options: LogLossOptions = {}): number {
  const eps = logLossEps('binaryLogLoss', options);
  const r = resolveBinary('binaryLogLoss', targets, probabilities, 'probabilities', 'probabilities');
  return meanLogLoss(r.targets, r.values, eps);
}
