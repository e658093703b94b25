/**
 * Raised when a solver receives an argument it cannot use: ragged or non-finite covariates, a class id out of range,
 * a class that never occurs, labels and predictions of different lengths, or an option outside its domain. The message
 * names the function and the argument, e.g. `fitPresto: argument 'x' row 1 has 1 covariates, row 0 has 2`.
 */
export class SolverArgumentError extends Error {
  override readonly name = 'SolverArgumentError';
  /** Public name of the function that rejected the argument. */
  readonly solver: string;
  /** Name of the offending argument or option (e.g. `x`, `options.lambda`). */
  readonly argument: string;

  constructor(solver: string, argument: string, message: string) {
    super(`${solver}: argument '${argument}' ${message}`);
    this.solver = solver;
    this.argument = argument;
  }
}
