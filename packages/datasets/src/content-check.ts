import { gitBlobSha1, sha256Hex } from '@counterweight/runtime/base';

/**
 * How a data file is recognised: the SHA-256 of its content (from SOURCES.md or the publisher), or, where only that
 * is published, its git blob id; `size` (bytes of the content) is checked first when known. "Content" is always the
 * decompressed bytes when the file is gzip, so one check fits the publisher's file, a gzipped local copy and a
 * re-compressed mirror alike.
 */
export type ContentCheck =
  | { readonly sha256: string; readonly size?: number }
  | { readonly gitBlob: string; readonly size?: number };

/**
 * Checks `content` (already decompressed) against `check`.
 * @returns undefined when it matches, else the reason: `size 12 bytes, expected 34`, `SHA-256 <hex>, expected <hex>`
 *   or `git blob <hex>, expected <hex>`.
 */
export function checkContent(content: Uint8Array, check: ContentCheck): string | undefined {
  if (check.size !== undefined && content.length !== check.size) return `size ${content.length} bytes, expected ${check.size}`;
  if ('sha256' in check) {
    const sha256 = sha256Hex(content);
    return sha256 === check.sha256 ? undefined : `SHA-256 ${sha256}, expected ${check.sha256}`;
  }
  const blob = gitBlobSha1(content);
  return blob === check.gitBlob ? undefined : `git blob ${blob}, expected ${check.gitBlob}`;
}
