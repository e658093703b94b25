import { DataFileError } from '../errors.js';

/**
 * What is wrong at a {@link NonTextByte}: `binary` (a control byte that text files do not hold), `not-utf8` (a byte
 * sequence that is not UTF-8), `cut-utf8` (a multi-byte UTF-8 character that the bytes end inside: a cut file).
 */
export type NonTextKind = 'binary' | 'not-utf8' | 'cut-utf8';

/** Where a file's bytes stop being UTF-8 text, found by {@link firstNonTextByte}. Never holds the bytes as text. */
export interface NonTextByte {
  /** 0-based byte offset of the first offending byte (the lead byte of a broken sequence). */
  readonly offset: number;
  /** 1-based line of that byte (line feeds before it + 1). */
  readonly line: number;
  /** 1-based column of that byte in its line, in characters (code points) of the valid text before it. */
  readonly column: number;
  /** The value of the byte at {@link offset} (0–255). */
  readonly byte: number;
  readonly kind: NonTextKind;
}

/** Options of {@link firstNonTextByte}. */
export interface TextScanOptions {
  /** Scan at most this many bytes (default: all). A multi-byte character cut by the limit is not reported. */
  readonly limit?: number;
  /**
   * Which bytes mean binary data: `control` (default) every C0 control byte except tab, line feed, vertical tab, form
   * feed, carriage return and escape, and DEL (0x7F); `nul` only the NUL byte (0x00), for text that may hold other
   * control characters.
   */
  readonly binary?: 'control' | 'nul';
}

/** `0x0a`: a byte as messages write it. */
export function hexByte(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** True when the control byte `b` (< 0x20 or 0x7F) is one that plain text holds. */
function textControl(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0b || b === 0x0c || b === 0x0d || b === 0x1b;
}

/**
 * Length of the well-formed UTF-8 sequence starting at `i` (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF); 0 when the bytes there are not UTF-8; -1 when they are a valid start that `end` cuts off.
 */
function sequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return 1;
  let length: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) length = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else return 0;
  for (let k = 1; k < length; k += 1) {
    if (i + k >= end) return -1;
    const b = bytes[i + k] ?? 0;
    if (b < (k === 1 ? lo : 0x80) || b > (k === 1 ? hi : 0xbf)) return 0;
  }
  return length;
}

/**
 * The first place where `bytes` are not UTF-8 text, or undefined when they all are: a byte sequence that is not
 * well-formed UTF-8, a multi-byte character cut off at the end, or a binary control byte (see
 * {@link TextScanOptions.binary}). A leading byte-order mark is text. Linear in the bytes scanned.
 */
export function firstNonTextByte(bytes: Uint8Array, options: TextScanOptions = {}): NonTextByte | undefined {
  const end = Math.min(options.limit ?? bytes.length, bytes.length);
  const controls = (options.binary ?? 'control') === 'control';
  let line = 1;
  let column = 1;
  for (let i = 0; i < end; ) {
    const b = bytes[i] ?? 0;
    if (b === 0x0a) {
      line += 1;
      column = 1;
      i += 1;
      continue;
    }
    if (b === 0 || (controls && (b < 0x20 || b === 0x7f) && !textControl(b))) return { offset: i, line, column, byte: b, kind: 'binary' };
    const n = sequenceLength(bytes, i, bytes.length);
    if (n === -1) return { offset: i, line, column, byte: b, kind: 'cut-utf8' };
    if (n === 0) return { offset: i, line, column, byte: b, kind: 'not-utf8' };
    i += n;
    column += 1;
  }
  return undefined;
}

/**
 * A {@link NonTextByte} in plain words, never the bytes themselves: `invalid UTF-8 at column 3, byte offset 14 (byte
 * 0xe9)`, `binary data at column 1, byte offset 0 (byte 0x1f, not text)`, `invalid UTF-8 at column 9, byte offset 40
 * (byte 0xe2: the text ends inside a multi-byte character — cut short?)`. With `withLine`, `at line 2, column 3, …`
 * (for messages that carry no row of their own).
 */
export function describeNonText(found: NonTextByte, withLine = false): string {
  const at = `at ${withLine ? `line ${found.line}, ` : ''}column ${found.column}, byte offset ${found.offset}`;
  const byte = hexByte(found.byte);
  if (found.kind === 'binary') return `binary data ${at} (byte ${byte}, not text)`;
  if (found.kind === 'cut-utf8') return `invalid UTF-8 ${at} (byte ${byte}: the text ends inside a multi-byte character — cut short?)`;
  return `invalid UTF-8 ${at} (byte ${byte})`;
}

/** Control characters text does not hold (as {@link TextScanOptions.binary} `control`), and U+FFFD. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const NON_TEXT_CHARACTER = /[\u0000-\u0008\u000e-\u001a\u001c-\u001f\u007f\ufffd]/;

/**
 * The same check for a line already decoded with replacement (a streaming reader that yields strings, as node's
 * readline does), where invalid UTF-8 shows as U+FFFD: `invalid UTF-8 at column 3` or `binary data at column 7 (U+0000,
 * not text)` (columns 1-based, in characters), or undefined for text. Prefer {@link firstNonTextByte} when the bytes
 * are at hand: it names the byte and its offset, and a U+FFFD the file really holds is not mistaken for a bad byte.
 */
export function describeNonTextLine(line: string): string | undefined {
  const match = NON_TEXT_CHARACTER.exec(line);
  if (match === null) return undefined;
  const column = [...line.slice(0, match.index)].length + 1;
  const code = match[0].charCodeAt(0);
  return code === 0xfffd ? `invalid UTF-8 at column ${column}` : `binary data at column ${column} (U+${code.toString(16).toUpperCase().padStart(4, '0')}, not text)`;
}

/** True when `bytes` start with the gzip magic 0x1F 0x8B. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Checks that `bytes`, the content of `file`, are UTF-8 text ({@link firstNonTextByte} with `options`), so a reader
 * never turns a bad byte into U+FFFD and goes on with damaged names, and a binary file never reaches a message.
 * @param what what the file should be, e.g. `a CSV manifest (path,labels)`.
 * @throws DataFileError naming the file and the line as `row`: `m.csv, row 2: invalid UTF-8 at column 3, byte offset 14
 *   (byte 0xe9); expected a CSV manifest as UTF-8 text`, with `(the file is gzip-compressed)` when it is.
 */
export function requireTextBytes(bytes: Uint8Array, file: string, what: string, options?: TextScanOptions): void {
  const found = firstNonTextByte(bytes, options);
  if (found === undefined) return;
  const gzip = isGzip(bytes) ? ' (the file is gzip-compressed)' : '';
  throw new DataFileError({ file, row: found.line }, `${describeNonText(found)}; expected ${what} as UTF-8 text${gzip}`);
}
