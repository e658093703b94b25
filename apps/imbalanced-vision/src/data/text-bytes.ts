import { DataFileError } from '@counterweight/runtime';

/** Where a byte sits in a text file: 1-based line, 1-based byte column in that line, 0-based byte offset. */
interface BytePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

function positionOf(bytes: Uint8Array, offset: number): BytePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i += 1) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** Length of the UTF-8 sequence starting at `i` when it is well-formed (RFC 3629: no overlongs, no surrogates), else 0. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * Byte offset of the first byte of `bytes` that is not part of well-formed UTF-8, or -1 when all of it is UTF-8.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceLength(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/**
 * Checks that `bytes` (the content of `file`) are text: no NUL byte (the mark of a binary file, reported first) and
 * well-formed UTF-8, so a reader never turns bytes into U+FFFD and goes on with damaged names.
 * @throws DataFileError naming the file and the byte offset (0-based) of the first NUL byte, or the line and column
 *   (1-based, in bytes) and the byte offset of the first invalid UTF-8 sequence.
 */
export function checkTextBytes(bytes: Uint8Array, file: string, what = 'a text file'): void {
  const nul = bytes.indexOf(0);
  const bad = firstInvalidUtf8(bytes);
  if (nul < 0 && bad < 0) return;
  if (nul >= 0) {
    // Lines mean nothing in a binary file: the byte offset is the location.
    throw new DataFileError({ file }, `holds a NUL byte at byte offset ${nul}: a binary file, expected ${what}`);
  }
  const at = positionOf(bytes, bad);
  const hex = (bytes[bad] as number).toString(16).padStart(2, '0');
  throw new DataFileError(
    { file, row: at.line },
    `invalid UTF-8 at column ${at.column} (byte offset ${at.offset}, byte 0x${hex}); save the file as UTF-8`,
  );
}
