/**
 * A tensor or array handed to an objective (predictions, targets, quantile forecasts) does not fit the objective's
 * layout. `argument` names it; the message says what was expected.
 */
export class ObjectiveArgumentError extends Error {
  override readonly name = 'ObjectiveArgumentError';
  /** The objective (or function) that rejected the value. */
  readonly objective: string;
  /** The argument holding the bad value. */
  readonly argument: string;

  constructor(objective: string, argument: string, message: string) {
    super(`${objective}: ${argument} ${message}`);
    this.objective = objective;
    this.argument = argument;
  }
}
