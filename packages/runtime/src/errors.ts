/**
 * Typed errors raised by `@counterweight/runtime`. Every error names what is wrong and where, so a caller can act
 * on it without reading the source.
 */

/** A configuration value (CLI flag, environment variable, option) is invalid. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The option, flag or environment variable that holds the bad value. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}

/** Where in a data file a problem was found. Rows are 1-based and count the header line as row 1. */
export interface DataLocation {
  readonly file: string;
  readonly row?: number;
  readonly column?: string;
}

/** A data file is missing, truncated or holds a value that cannot be used. */
export class DataFileError extends Error {
  override readonly name = 'DataFileError';
  readonly file: string;
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(location: DataLocation, message: string, options?: { cause?: unknown }) {
    const where = [
      location.file,
      location.row === undefined ? undefined : `row ${location.row}`,
      location.column === undefined ? undefined : `column "${location.column}"`,
    ]
      .filter((part) => part !== undefined)
      .join(', ');
    super(`${where}: ${message}`, options);
    this.file = location.file;
    this.row = location.row;
    this.column = location.column;
  }
}

/** A training argument (model, data set, loss, schedule) is inconsistent. */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';
  readonly argument: string;

  constructor(argument: string, message: string) {
    super(`train(): ${argument}: ${message}`);
    this.argument = argument;
  }
}

/** A checkpoint cannot be written, is missing pieces, or does not match the model it is restored into. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.path = path;
  }
}
