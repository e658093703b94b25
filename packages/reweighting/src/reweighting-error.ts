/**
 * Raised when an estimator of this package receives input it cannot use. The message names the argument and the
 * problem, e.g. `treatment: no control rows (one group empty)` or `x: row 4, column 2 is NaN`.
 */
export class ReweightingError extends Error {
  override readonly name = 'ReweightingError';
  /** Name of the offending argument or option (e.g. `x`, `treatment`, `options.folds`). */
  readonly argument: string;

  constructor(argument: string, problem: string) {
    super(`${argument}: ${problem}`);
    this.argument = argument;
  }
}
