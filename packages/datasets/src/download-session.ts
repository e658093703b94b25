import { describeDownloadFailure, downloadBytes } from '@counterweight/runtime/base';

/** Options of a {@link DownloadSession}. */
export interface DownloadSessionOptions {
  /** Time allowed for each request (connection and body), in milliseconds. */
  readonly timeoutMs: number;
  /** Suppress progress bars (default: the runtime's quiet setting). */
  readonly quiet?: boolean;
}

/** True for failures of the connection itself (refused, unreachable, DNS, reset, timeout), as opposed to an answer. */
function isConnectionFailure(error: unknown): boolean {
  const e = error as Error;
  return e.name === 'TimeoutError' || e.name === 'AbortError' || e.message === 'fetch failed';
}

/**
 * The downloads of one fetch, across files and data sets: each request within `timeoutMs`, with a progress bar, and a
 * memory of what failed so a dead source is not asked again: after a connection failure (refused, unreachable,
 * timeout) its whole host is skipped, after an HTTP error or a bad file (wrong checksum, corrupt gzip) its folder.
 * Offline, that makes a whole `all` fetch cost one failed connection per host instead of one timeout per file.
 */
export class DownloadSession {
  readonly timeoutMs: number;
  readonly #quiet: boolean | undefined;
  readonly #failedHosts = new Map<string, string>();
  readonly #failedFolders = new Map<string, string>();
  readonly #memo = new Map<string, Promise<Buffer>>();

  constructor(options: DownloadSessionOptions) {
    this.timeoutMs = options.timeoutMs;
    this.#quiet = options.quiet;
  }

  /** Why `url` is not worth trying (its host or folder failed before in this session), or undefined. */
  skipReason(url: string): string | undefined {
    const parsed = new URL(url);
    const host = this.#failedHosts.get(parsed.origin);
    if (host !== undefined) return `not tried: ${parsed.origin} failed earlier (${host})`;
    const folder = this.#failedFolders.get(new URL('.', parsed).href);
    if (folder !== undefined) return `not tried: ${new URL('.', parsed).href} failed earlier (${folder})`;
    return undefined;
  }

  /** Records that `url` failed with `error`; returns the one-line reason ({@link describeDownloadFailure}). */
  fail(url: string, error: unknown): string {
    const reason = describeDownloadFailure(error, this.timeoutMs);
    const parsed = new URL(url);
    if (isConnectionFailure(error)) this.#failedHosts.set(parsed.origin, reason);
    else this.#failedFolders.set(new URL('.', parsed).href, reason);
    return reason;
  }

  /**
   * Downloads `url` into memory (see runtime's `downloadBytes`); with `shared`, a second call for the same URL gets
   * the same download (an archive several files come from is fetched once).
   */
  download(url: string, label: string, shared = false): Promise<Buffer> {
    const start = () => downloadBytes(url, { timeoutMs: this.timeoutMs, label, ...(this.#quiet === undefined ? {} : { quiet: this.#quiet }) });
    if (!shared) return start();
    let pending = this.#memo.get(url);
    if (pending === undefined) {
      pending = start();
      this.#memo.set(url, pending);
    }
    return pending;
  }
}
