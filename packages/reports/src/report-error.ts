/** Where in a report a problem was found: the file being written and, for JSON, the key path inside it. */
export interface ReportLocation {
  /** The file being written (absolute path), when there is one. */
  readonly file?: string;
  /** A JSON key path such as `$.history[3].loss`. */
  readonly keyPath?: string;
}

/**
 * A run report cannot be written: a JSON value has no faithful JSON encoding (NaN, Infinity, BigInt, a Map, a cycle),
 * a chart spec is rejected by vega-lite or vega, or a file name is not a safe relative path. The message starts with
 * the file and key path when they are known, e.g. `runs/app/id/metrics.json: $.auc: NaN is not valid JSON ...`.
 */
export class ReportError extends Error {
  override readonly name = 'ReportError';
  readonly file: string | undefined;
  readonly keyPath: string | undefined;

  constructor(location: ReportLocation, message: string, options?: { cause?: unknown }) {
    const where = [location.file, location.keyPath].filter((part) => part !== undefined).join(': ');
    super(where === '' ? message : `${where}: ${message}`, options);
    this.file = location.file;
    this.keyPath = location.keyPath;
  }
}
