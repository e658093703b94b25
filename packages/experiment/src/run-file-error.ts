/** Where in a run's files a problem is: the file and, for JSON, the key path (e.g. `$.history[3].loss`). */
export interface RunFileLocation {
  readonly file?: string | undefined;
  readonly keyPath?: string | undefined;
}

/**
 * A file of a run cannot be written as asked: a value strict JSON cannot hold (NaN, ±Infinity, a Map, …), or a file
 * name that is not a safe relative path. Names the file and key path. (Defined here, not in `@counterweight/reports`,
 * so that a worker thread that trains never loads vega or sharp.)
 */
export class RunFileError extends Error {
  override readonly name = 'RunFileError';
  readonly file: string | undefined;
  readonly keyPath: string | undefined;

  constructor(location: RunFileLocation, problem: string) {
    super([location.file, location.keyPath, problem].filter((p) => p !== undefined).join(': '));
    this.file = location.file;
    this.keyPath = location.keyPath;
  }
}
