import { describe, expect, it } from 'vitest';

import { firstNonTextByte, isGzip } from './text-bytes.js';

describe('firstNonTextByte', () => {
  it('accepts UTF-8 text with tabs, CRLF and multi-byte characters', () => {
    expect(firstNonTextByte(Buffer.from('a\tb\r\nµg/m³ — 北京 😀\n'))).toBeUndefined();
  });

  it('names the offset and line of a byte sequence that is not UTF-8, without the bytes as text', () => {
    const bytes = Buffer.concat([Buffer.from('ok\nDong'), Buffer.from([0xff, 0xfe]), Buffer.from('si\n')]);
    expect(firstNonTextByte(bytes)).toEqual({ offset: 7, line: 2, problem: 'bytes 0xFF 0xFE are not UTF-8 text' });
    // overlong encodings and lone continuation bytes are not UTF-8 either
    expect(firstNonTextByte(Buffer.from([0x41, 0xc0, 0xaf]))?.offset).toBe(1);
    expect(firstNonTextByte(Buffer.from([0x80]))?.problem).toBe('byte 0x80 is not UTF-8 text');
    expect(firstNonTextByte(Buffer.from([0xe2, 0x82]))?.offset).toBe(0);
  });

  it('names control bytes of binary data', () => {
    expect(firstNonTextByte(Buffer.from('a,b\n1,\u0000\n'))).toEqual({ offset: 6, line: 2, problem: 'byte 0x00 (binary data, not text)' });
    expect(firstNonTextByte(Buffer.from([0x1f, 0x8b, 0x08]))?.problem).toBe('byte 0x1F (binary data, not text)');
  });

  it('recognises gzip by its magic', () => {
    expect(isGzip(Buffer.from([0x1f, 0x8b, 0x08]))).toBe(true);
    expect(isGzip(Buffer.from('1f8b'))).toBe(false);
  });
});
