/**
 * Raised when a loss receives an argument it cannot use: a wrong shape or dtype, a label out of range, a negative
 * or non-finite weight, NaN in the inputs, or an option outside its domain. The message names the loss and the
 * argument, e.g. `sigmoidFocalLoss: argument 'targets' must have the shape of 'logits' [4,3], got [4]`.
 */
export class LossArgumentError extends Error {
  override readonly name = 'LossArgumentError';
  /** Public name of the loss function that rejected the argument. */
  readonly loss: string;
  /** Name of the offending argument or option (e.g. `targets`, `options.gamma`). */
  readonly argument: string;

  constructor(loss: string, argument: string, message: string) {
    super(`${loss}: argument '${argument}' ${message}`);
    this.loss = loss;
    this.argument = argument;
  }
}
