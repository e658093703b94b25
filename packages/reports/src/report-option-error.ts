/**
 * An option passed to a chart builder, the chart renderer or a markdown helper is invalid: an empty data array, a
 * field holding the wrong kind of value, a size out of range, a ragged table. The message starts with the option
 * (`data`, `values[1]`, `bins[0].predicted`, `digits`, …), as `ConfigError` of `@counterweight/runtime` does, so a
 * report writer can say which of its arguments is wrong. Reports are built by program code, so this is a programming
 * error of the caller rather than bad user input.
 */
export class ReportOptionError extends Error {
  override readonly name = 'ReportOptionError';
  /** The option, or the path inside it, that holds the bad value. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}
