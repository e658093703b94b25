import { DataFileError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { checkTextBytes, firstInvalidUtf8 } from './text-bytes.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('firstInvalidUtf8', () => {
  it('accepts ASCII and multi-byte characters, and finds the first bad byte', () => {
    expect(firstInvalidUtf8(utf8('path,labels\nünïcødé/€/𝄞.png,a\n'))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xff, 0x62]))).toBe(1);
    // a lone continuation byte, an overlong 'A', a UTF-16 surrogate, a sequence cut at the end
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0xc1, 0x81]))).toBe(0);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2);
  });
});

describe('checkTextBytes', () => {
  it('names the line, column and byte offset of invalid UTF-8', () => {
    const bytes = Uint8Array.from([...utf8('path,labels\nab'), 0xe9, ...utf8('.png,x\n')]);
    const error = (() => {
      try {
        checkTextBytes(bytes, 'm.csv');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toBe('m.csv, row 2: invalid UTF-8 at column 3 (byte offset 14, byte 0xe9); save the file as UTF-8');
  });

  it('calls a NUL byte binary, and passes text', () => {
    expect(() => checkTextBytes(Uint8Array.from([0x89, 0x50, 0x00]), 'x.csv', 'a CSV manifest')).toThrow(
      'x.csv: holds a NUL byte at byte offset 2: a binary file, expected a CSV manifest',
    );
    expect(() => checkTextBytes(utf8('a\nb\0c'), 'y.csv', 'a CSV manifest')).toThrow(
      'y.csv: holds a NUL byte at byte offset 3: a binary file, expected a CSV manifest',
    );
    expect(() => checkTextBytes(utf8('fine\n'), 'z.csv')).not.toThrow();
  });
});
