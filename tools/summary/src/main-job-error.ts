/** An app's comparison in the main job failed: which domain and command, its exit code or signal, and its last error line. */
export class MainJobError extends Error {
  override readonly name = 'MainJobError';
  /** The domain whose comparison failed, e.g. `ctr`. */
  readonly domain: string;
  /** Exit code of the app's process (null when a signal ended it). */
  readonly exitCode: number | null;

  constructor(domain: string, command: string, exitCode: number | null, signal: string | null, detail: string) {
    const how = exitCode === null ? `was ended by ${signal ?? 'a signal'}` : `exited with code ${exitCode}`;
    super(`${domain}: \`${command}\` ${how}${detail === '' ? '' : `: ${detail}`}`);
    this.domain = domain;
    this.exitCode = exitCode;
  }
}
