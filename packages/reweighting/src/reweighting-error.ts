/**
 * Raised when an estimator of this package receives input it cannot use. The message names the function, the
 * argument and the problem, e.g. `balancingWeights: argument 'treatment' has no control rows (one group empty)` or
 * `crossFitNuisances: argument 'x' row 4, column 2 is NaN`.
 */
export class ReweightingError extends Error {
  override readonly name = 'ReweightingError';
  /** Public name of the function that rejected the input. */
  readonly estimator: string;
  /** Name of the offending argument or option (e.g. `x`, `treatment`, `options.folds`). */
  readonly argument: string;

  constructor(estimator: string, argument: string, message: string) {
    super(`${estimator}: argument '${argument}' ${message}`);
    this.estimator = estimator;
    this.argument = argument;
  }
}
