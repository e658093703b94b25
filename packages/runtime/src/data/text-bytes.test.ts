import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { DataFileError } from '../errors.js';
import { describeNonText, describeNonTextLine, firstNonTextByte, isGzip, requireTextBytes } from './text-bytes.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8(p)] : p)));

describe('firstNonTextByte', () => {
  it('accepts UTF-8 text: tabs, CRLF, form feed, a byte-order mark, 2-, 3- and 4-byte characters', () => {
    expect(firstNonTextByte(utf8('\ufeffa\tb\r\nµg/m³ — 北京 😀 𝄞\f\n'))).toBeUndefined();
    expect(firstNonTextByte(utf8('path,labels\nünïcødé/€/𝄞.png,a\n'))).toBeUndefined();
    expect(firstNonTextByte(new Uint8Array(0))).toBeUndefined();
  });

  it('finds the first byte that is not UTF-8 with its line, column in characters and byte offset', () => {
    expect(firstNonTextByte(bytes('ok\nDong', [0xff, 0xfe], 'si\n'))).toEqual({ offset: 7, line: 2, column: 5, byte: 0xff, kind: 'not-utf8' });
    // the column counts characters: "ü€" before the bad byte are 5 bytes but 2 characters
    expect(firstNonTextByte(bytes('a\nü€', [0xe9], '\n'))).toEqual({ offset: 7, line: 2, column: 3, byte: 0xe9, kind: 'not-utf8' });
  });

  it('refuses what RFC 3629 refuses: lone continuation bytes, overlong forms, surrogates, code points above U+10FFFF', () => {
    const at = (b: number[]): number | undefined => firstNonTextByte(Uint8Array.from(b))?.offset;
    expect(at([0x61, 0x80])).toBe(1);
    expect(at([0xc1, 0x81])).toBe(0); // overlong 'A'
    expect(at([0x41, 0xc0, 0xaf])).toBe(1); // overlong '/'
    expect(at([0xe0, 0x80, 0xaf])).toBe(0); // overlong 3-byte
    expect(at([0x61, 0xed, 0xa0, 0x80])).toBe(1); // UTF-16 surrogate
    expect(at([0xf4, 0x90, 0x80, 0x80])).toBe(0); // above U+10FFFF
    expect(at([0xf5, 0x80, 0x80, 0x80])).toBe(0);
    expect(at([0xe2, 0x82, 0x41])).toBe(0); // a broken sequence is reported at its lead byte
  });

  it('calls a multi-byte character cut off at the end a cut, not a bad byte', () => {
    expect(firstNonTextByte(Uint8Array.from([0x61, 0x62, 0xe2, 0x82]))).toEqual({ offset: 2, line: 1, column: 3, byte: 0xe2, kind: 'cut-utf8' });
    // a limit that cuts a character does not: the bytes after it decide
    expect(firstNonTextByte(utf8('ab€'), { limit: 3 })).toBeUndefined();
    expect(firstNonTextByte(bytes('ab', [0xff]), { limit: 2 })).toBeUndefined();
  });

  it('calls control bytes binary, or with binary: "nul" only the NUL byte', () => {
    expect(firstNonTextByte(utf8('a,b\n1,\u0000\n'))).toEqual({ offset: 6, line: 2, column: 3, byte: 0, kind: 'binary' });
    expect(firstNonTextByte(gzipSync('{}'))).toMatchObject({ offset: 0, byte: 0x1f, kind: 'binary' });
    expect(firstNonTextByte(utf8('a\u007f'))?.kind).toBe('binary');
    expect(firstNonTextByte(utf8('a\u0001b'), { binary: 'nul' })).toBeUndefined();
    expect(firstNonTextByte(utf8('a\u0001b\u0000'), { binary: 'nul' })).toMatchObject({ offset: 3, kind: 'binary' });
    expect(firstNonTextByte(utf8('\u001b[1mbold\u001b[0m'))).toBeUndefined(); // terminal escapes are text
  });
});

describe('describeNonText', () => {
  it('says where and which byte, never the bytes as text', () => {
    const found = firstNonTextByte(bytes('a\nab', [0xe9], '.png'));
    expect(found && describeNonText(found)).toBe('invalid UTF-8 at column 3, byte offset 4 (byte 0xe9)');
    expect(found && describeNonText(found, true)).toBe('invalid UTF-8 at line 2, column 3, byte offset 4 (byte 0xe9)');
    const binary = firstNonTextByte(gzipSync('x'));
    expect(binary && describeNonText(binary)).toBe('binary data at column 1, byte offset 0 (byte 0x1f, not text)');
    const cut = firstNonTextByte(Uint8Array.from([0x7b, 0xf0, 0x9f]));
    expect(cut && describeNonText(cut)).toBe('invalid UTF-8 at column 2, byte offset 1 (byte 0xf0: the text ends inside a multi-byte character — cut short?)');
  });
});

describe('describeNonTextLine', () => {
  it('finds U+FFFD (what a replacing decoder makes of invalid UTF-8) and binary control characters by column', () => {
    expect(describeNonTextLine('a\tb;c\r\u000b\u000c\u001b[0m µg/m³ 😀')).toBeUndefined();
    expect(describeNonTextLine(new TextDecoder().decode(bytes('😀ab', [0xff], 'c')))).toBe('invalid UTF-8 at column 4');
    expect(describeNonTextLine('1,2,\u0000')).toBe('binary data at column 5 (U+0000, not text)');
    expect(describeNonTextLine(new TextDecoder().decode(gzipSync('x')))).toBe('binary data at column 1 (U+001F, not text)');
  });
});

describe('isGzip', () => {
  it('recognises gzip by its magic', () => {
    expect(isGzip(gzipSync('x'))).toBe(true);
    expect(isGzip(utf8('1f8b'))).toBe(false);
    expect(isGzip(new Uint8Array(0))).toBe(false);
  });
});

describe('requireTextBytes', () => {
  it('throws a DataFileError naming file, line as row, column and byte offset, and what was expected', () => {
    const error = (() => {
      try {
        requireTextBytes(bytes('path,labels\nab', [0xe9], '.png,x\n'), 'm.csv', 'a CSV manifest');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DataFileError);
    expect(error).toMatchObject({ file: 'm.csv', row: 2 });
    expect((error as Error).message).toBe('m.csv, row 2: invalid UTF-8 at column 3, byte offset 14 (byte 0xe9); expected a CSV manifest as UTF-8 text');
  });

  it('names a gzip file as such, and passes text', () => {
    expect(() => requireTextBytes(gzipSync('a,b\n'), 'x.csv', 'a CSV file')).toThrow(
      'x.csv, row 1: binary data at column 1, byte offset 0 (byte 0x1f, not text); expected a CSV file as UTF-8 text (the file is gzip-compressed)',
    );
    expect(() => requireTextBytes(utf8('fine\n'), 'z.csv', 'a CSV file')).not.toThrow();
  });
});
