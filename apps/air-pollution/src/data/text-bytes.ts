/** Where a text file's bytes stop being text: the byte offset, its 1-based line, and what was found there. */
export interface TextProblem {
  /** 0-based byte offset of the first offending byte. */
  readonly offset: number;
  /** 1-based line of that byte (line breaks before it + 1). */
  readonly line: number;
  /** What is wrong, in words: `byte 0x00 (binary data, not text)` or `bytes 0xFF 0xFE are not UTF-8`. */
  readonly problem: string;
}

const hex = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not UTF-8 (RFC 3629). */
function utf8Length(bytes: Uint8Array, i: number): number {
  const b = bytes[i] ?? 0;
  if (b < 0x80) return 1;
  const cont = (k: number): boolean => i + k < bytes.length && ((bytes[i + k] ?? 0) & 0xc0) === 0x80;
  const b1 = bytes[i + 1] ?? 0;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    if (b === 0xe0 && b1 < 0xa0) return 0; // overlong
    if (b === 0xed && b1 > 0x9f) return 0; // surrogates
    return 3;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (b === 0xf0 && b1 < 0x90) return 0;
    if (b === 0xf4 && b1 > 0x8f) return 0;
    return 4;
  }
  return 0;
}

/**
 * The first place where `bytes` are not UTF-8 text: a byte sequence that is not UTF-8, or a control byte that text
 * files do not hold (0x00–0x08, 0x0E–0x1F except ESC, 0x7F: binary data); tab, line breaks, form feed and vertical tab
 * are text. Undefined when the whole buffer is text. Scans at most `limit` bytes (default all).
 */
export function firstNonTextByte(bytes: Uint8Array, limit = bytes.length): TextProblem | undefined {
  let line = 1;
  const end = Math.min(limit, bytes.length);
  for (let i = 0; i < end; ) {
    const b = bytes[i] ?? 0;
    if (b === 0x0a) {
      line += 1;
      i += 1;
      continue;
    }
    if (b < 0x20 && b !== 0x09 && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b) return { offset: i, line, problem: `byte ${hex(b)} (binary data, not text)` };
    if (b === 0x7f) return { offset: i, line, problem: `byte ${hex(b)} (binary data, not text)` };
    const n = utf8Length(bytes, i);
    if (n === 0) {
      // the offending byte, and the next one when it is not ASCII either
      const run = (bytes[i + 1] ?? 0) >= 0x80 ? [b, bytes[i + 1] ?? 0] : [b];
      return { offset: i, line, problem: `${run.length > 1 ? 'bytes' : 'byte'} ${run.map(hex).join(' ')} ${run.length > 1 ? 'are' : 'is'} not UTF-8 text` };
    }
    i += n;
  }
  return undefined;
}

/** True when `bytes` start with the gzip magic 0x1F 0x8B. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}
