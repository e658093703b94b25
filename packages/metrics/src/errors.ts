/**
 * Raised when a metric receives an argument it cannot use: a length that does not match, a class id out of range, a
 * label that is not 0/1, NaN or ±Infinity among the scores, a probability outside [0, 1], or an option outside its
 * domain. It is a `RangeError`, so `instanceof RangeError` also catches it.
 *
 * The message names the metric, the argument and, for element errors, the position, e.g.
 * `accuracy: argument 'targets'[3] is 12, expected a class id in [0, 10)` or
 * `topKAccuracy: argument 'scores'[17] (row 1, class 7) is NaN, expected a finite number`.
 */
export class MetricArgumentError extends RangeError {
  override readonly name = 'MetricArgumentError';
  /** Public name of the metric function that rejected the argument. */
  readonly metric: string;
  /** Name of the offending argument or option (e.g. `targets`, `options.bins`). */
  readonly argument: string;
  /** Flat index of the offending element, when the error is about one element. */
  readonly index: number | undefined;

  constructor(metric: string, argument: string, message: string, index?: number) {
    super(`${metric}: argument '${argument}'${index === undefined ? '' : `[${index}]`} ${message}`);
    this.metric = metric;
    this.argument = argument;
    this.index = index;
  }
}
