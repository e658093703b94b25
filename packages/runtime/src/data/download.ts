import { createHash } from 'node:crypto';

import { DataFileError } from '../errors.js';
import { createProgress } from '../progress.js';

/** Options of {@link downloadBytes}. */
export interface DownloadOptions {
  /** Time allowed for the whole request (connection and body), in milliseconds. */
  readonly timeoutMs: number;
  /** Label of the progress bar (default: the last path segment of the URL). */
  readonly label?: string;
  /** Suppress the progress bar (default: the runtime's quiet setting). */
  readonly quiet?: boolean;
}

/**
 * Downloads `url` into memory (redirects followed), showing a progress bar when the server sends a content length.
 * Nothing is written to disk: verify the bytes (e.g. {@link sha256Hex}) before storing them with `writeFileAtomic`.
 * @throws Error `HTTP <status> <text>` on a non-2xx answer; fetch's own errors (refused connection, timeout) as they are.
 *   {@link describeDownloadFailure} turns any of them into one short line.
 */
export async function downloadBytes(url: string, options: DownloadOptions): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'follow' });
  if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length') ?? '0');
  const label = options.label ?? new URL(url).pathname.split('/').pop() ?? url;
  const progress = createProgress({
    total: total > 0 ? total : 1,
    label: `download ${label}`,
    ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
  });
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      if (total > 0) progress.tick(chunk.length);
    }
  } finally {
    progress.stop();
  }
  return Buffer.concat(chunks);
}

/**
 * One line saying why a download (or the check after it) failed, for logs and fallback messages: `timed out after
 * N s`, `HTTP 404 Not Found`, `fetch failed (ECONNREFUSED)`, or a {@link DataFileError}'s message without its file
 * prefix (the caller names the URL).
 */
export function describeDownloadFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DataFileError) return error.message.slice(error.file.length + 2);
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timed out after ${timeoutMs / 1000} s`;
  const cause = e.cause?.code ?? e.cause?.message;
  return cause === undefined ? e.message : `${e.message} (${cause})`;
}

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Lower-case hex git blob id of `bytes` (SHA-1 of `blob <length>\0` + content): lets a download be checked against
 * the blob id a repository listing records when no SHA-256 of the file is published.
 */
export function gitBlobSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
