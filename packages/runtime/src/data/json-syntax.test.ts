import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { jsonSyntaxError, parseJsonBytes, parseJsonText } from './json-syntax.js';

describe('jsonSyntaxError', () => {
  it('is undefined for every text JSON.parse accepts', () => {
    const valid = ['{}', '[]', ' [ ] ', '"s"', '0', '-0.5e-3', '{"a":{"b":[{}]}}', ' {"a": [1, -2.5e3, true, false, null, "x\\"\\u00e9\\n\\/"]}\n', '"😀\\ud83d\\ude00"'];
    for (const text of valid) {
      expect(() => JSON.parse(text) as unknown, text).not.toThrow();
      expect(jsonSyntaxError(text), text).toBeUndefined();
    }
  });

  it.each([
    ['layout: long', 1, 1, 'expected a JSON value, found "l"'],
    ['First Citizen:', 1, 1, 'expected a JSON value, found "F"'],
    ['fals', 1, 5, 'expected false, found the end of the text'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" after a value, found "\\""'],
    ['{"é":"ü" "x"}', 1, 10, 'expected "," or "}" after a value, found "\\""'],
    ['{\n "é": [1,\n 2 3]}', 3, 4, 'expected "," or "]" after a value, found "3"'],
    ['{"a": [1, 2}', 1, 12, 'expected "," or "]" after a value, found "}"'],
    ['[1,2', 1, 5, 'expected "," or "]" after a value, found the end of the text'],
    ['{"text": "abc', 1, 14, 'unterminated string'],
    ['{"a": "b\\', 1, 9, 'unterminated string'],
    ['{"a": 1,', 1, 9, 'expected a key in double quotes, found the end of the text'],
    ['{"a":1,}', 1, 8, 'expected a key in double quotes, found "}"'],
    ['{a: 1}', 1, 2, 'expected a key in double quotes, found "a"'],
    ['{"a" 1}', 1, 6, 'expected ":" after a key, found "1"'],
    ['{"a": 01}', 1, 8, 'expected "," or "}" after a value, found "1"'],
    ['{"a": NaN}', 1, 7, 'expected a JSON value, found "N"'],
    ['[-]', 1, 2, 'expected a JSON value, found "-"'],
    ['{"a":tru}', 1, 9, 'expected true, found "}"'],
    ['{} {}', 1, 4, 'unexpected "{" after the JSON value'],
    ['{} x', 1, 4, 'unexpected "x" after the JSON value'],
    ['', 1, 1, 'expected a JSON value, found the end of the text'],
    ['  \n ', 2, 2, 'expected a JSON value, found the end of the text'],
    ['{"a":"b\u0001"}', 1, 8, 'control character U+0001 inside a string'],
    ['{"a":"\\x"}', 1, 7, 'unknown escape (a backslash before "x")'],
    ['{"a":"\\u12"}', 1, 7, '\\u escape without four hex digits'],
    ['\u001f\u008b\u0008', 1, 1, 'expected a JSON value, found U+001F'],
    ['\ufeff{}', 1, 1, 'expected a JSON value, found U+FEFF'],
    ['["😀😀", x]', 1, 8, 'expected a JSON value, found "x"'],
    ['["\ufffd', 1, 4, 'unterminated string'],
  ])('%j: line %i, column %i, %s', (text, line, column, reason) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(jsonSyntaxError(text)).toEqual({ line, column, reason });
  });

  it('handles any nesting depth without recursion', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(199_999);
    expect(jsonSyntaxError(deep)).toEqual({ line: 1, column: 400_000, reason: 'expected "," or "]" after a value, found the end of the text' });
    expect(jsonSyntaxError('['.repeat(100_000) + ']'.repeat(100_000))).toBeUndefined();
  });
});

describe('parseJsonText', () => {
  it('parses JSON, or names line, column and reason without quoting the text', () => {
    expect(parseJsonText('{"a": [1]}')).toEqual({ value: { a: [1] } });
    expect(parseJsonText('{"a": 1,\n "b": }')).toEqual({ problem: 'not valid JSON at line 2, column 7: expected a JSON value, found "}"' });
  });
});

describe('parseJsonBytes', () => {
  it('parses UTF-8 JSON, a byte-order mark too', () => {
    expect(parseJsonBytes(Buffer.from('\uFEFF{"unit": "µg/m³"}'))).toEqual({ value: { unit: 'µg/m³' } });
  });

  it('says what is wrong: empty, binary (gzip named), not UTF-8, or where the syntax breaks', () => {
    expect(parseJsonBytes(new Uint8Array(0), 'a JSON object')).toEqual({ problem: 'is empty (0 bytes); expected a JSON object' });
    expect(parseJsonBytes(gzipSync('{}')).problem).toBe(
      'binary data at line 1, column 1, byte offset 0 (byte 0x1f, not text); expected a JSON file as UTF-8 text (the file is gzip-compressed)',
    );
    expect(parseJsonBytes(Buffer.from([0x7b, 0x0a, 0x22, 0xe9, 0x22])).problem).toBe(
      'invalid UTF-8 at line 2, column 2, byte offset 3 (byte 0xe9); expected a JSON file as UTF-8 text',
    );
    expect(parseJsonBytes(Buffer.from('{"a": 1,\n "b": }')).problem).toBe('not valid JSON at line 2, column 7: expected a JSON value, found "}"');
    expect(parseJsonBytes(Buffer.from('{"tokens": ["a", "b"')).problem).toBe('not valid JSON at line 1, column 21: expected "," or "]" after a value, found the end of the text');
  });
});
