import { describe, expect, it } from 'vitest';

import { quoteExcerpt } from './quote-excerpt.js';

describe('quoteExcerpt', () => {
  it('quotes short text as it is, escaping quotes and backslashes', () => {
    expect(quoteExcerpt('PM2.5')).toBe('"PM2.5"');
    expect(quoteExcerpt('a"b\\c')).toBe('"a\\"b\\\\c"');
  });

  it('cuts at max characters (code points, so a character is never split) and marks the cut', () => {
    expect(quoteExcerpt('abcdef', 3)).toBe('"abc…"');
    expect(quoteExcerpt('😀😀😀', 2)).toBe('"😀😀…"');
    expect(quoteExcerpt('abc', 3)).toBe('"abc"');
  });

  it('writes control characters, U+FFFD, lone surrogates and invisible or line-breaking characters as \\uXXXX', () => {
    expect(quoteExcerpt('a\u0000\u001f\n\u007f\u0085b')).toBe('"a\\u0000\\u001f\\u000a\\u007f\\u0085b"');
    expect(quoteExcerpt('\ufffd\ufeff\u200b\u2028\ud800')).toBe('"\\ufffd\\ufeff\\u200b\\u2028\\ud800"');
  });
});
