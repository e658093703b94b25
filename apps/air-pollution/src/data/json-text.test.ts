import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { jsonTextProblem, parseJsonBytes } from './json-text.js';

describe('jsonTextProblem', () => {
  it('passes UTF-8 JSON (a byte-order mark too), which parseJsonBytes then parses', () => {
    const bytes = Buffer.from('\uFEFF{"unit": "µg/m³"}');
    expect(jsonTextProblem(bytes)).toBeUndefined();
    expect(parseJsonBytes(bytes)).toEqual({ unit: 'µg/m³' });
  });

  it('says what is wrong: empty, binary (gzip named), not UTF-8, or where the syntax breaks', () => {
    expect(jsonTextProblem(new Uint8Array(0))).toBe('is empty (0 bytes); expected a JSON object');
    expect(jsonTextProblem(gzipSync('{}'))).toBe('line 1 (byte 0): byte 0x1F (binary data, not text); expected a UTF-8 JSON file (this one is gzip-compressed)');
    expect(jsonTextProblem(Buffer.from([0x7b, 0x0a, 0x22, 0xe9, 0x22]))).toBe('line 2 (byte 3): byte 0xE9 is not UTF-8 text; expected a UTF-8 JSON file');
    expect(jsonTextProblem(Buffer.from('{"a": 1,\n "b": }'))).toBe('not valid JSON: line 2, column 7: expected a JSON value, found "}"');
  });
});
