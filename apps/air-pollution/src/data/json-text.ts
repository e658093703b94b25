import { jsonSyntaxError } from './json-syntax-error.js';
import { firstNonTextByte, isGzip } from './text-bytes.js';

/**
 * Why the bytes of a JSON file cannot be parsed, as the end of a one-line message (undefined when they parse): empty,
 * not UTF-8 text (the offending byte's line and offset, never the bytes; whether it is gzip), or a syntax error with
 * its line, column and what was expected. A leading byte-order mark is allowed.
 */
export function jsonTextProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'is empty (0 bytes); expected a JSON object';
  const notText = firstNonTextByte(bytes);
  if (notText !== undefined) return `line ${notText.line} (byte ${notText.offset}): ${notText.problem}; expected a UTF-8 JSON file${isGzip(bytes) ? ' (this one is gzip-compressed)' : ''}`;
  const syntax = jsonSyntaxError(Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, ''));
  if (syntax !== undefined) return `not valid JSON: line ${syntax.line}, column ${syntax.column}: ${syntax.message}`;
  return undefined;
}

/** Parses JSON bytes already checked by {@link jsonTextProblem}. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '')) as unknown;
}
