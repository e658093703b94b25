/**
 * A bench command-line flag holds a value the bench cannot use (an unknown backend or workload in `--backends`,
 * `--workloads`, …). The message starts with the flag, e.g. `--backends: unknown or empty value "gpu"; use a
 * comma-separated subset of tensorflow,wasm,cpu`, so the bench CLIs print it as it is.
 */
export class BenchOptionError extends Error {
  override readonly name = 'BenchOptionError';
  /** The flag that holds the bad value. */
  readonly flag: string;

  constructor(flag: string, message: string) {
    super(`${flag}: ${message}`);
    this.flag = flag;
  }
}
