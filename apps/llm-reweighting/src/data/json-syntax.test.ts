import { describe, expect, it } from 'vitest';

import { jsonSyntaxProblem } from './json-syntax.js';

describe('jsonSyntaxProblem', () => {
  it.each([
    ['First Citizen:', 1, 1, 'unexpected character "F"'],
    ['{"text": "abc', 1, 14, 'unterminated string'],
    ['{"a":1,}', 1, 8, 'expected a double-quoted string, found "}"'],
    ['[1,2', 1, 5, 'expected "," or "]", found the end of the text'],
    ['', 1, 1, 'the text ends early'],
    ['{"a" 1}', 1, 6, 'expected ":" after the name, found "1"'],
    ['\u001f\u008b\u0008', 1, 1, 'unexpected character U+001F'],
    ['{} x', 1, 4, 'unexpected "x" after the JSON value'],
    ['{"a":tru}', 1, 9, 'expected true, found "}"'],
    ['{"a":"b\u0001"}', 1, 8, 'control character U+0001 inside a string'],
    ['\ufeff{}', 1, 1, 'unexpected character U+FEFF'],
    ['{"a":"\\x"}', 1, 7, 'invalid escape'],
    ['{\n "é": [1,\n 2 3]}', 3, 4, 'expected "," or "]", found "3"'],
    ['{"é":"ü" "x"}', 1, 10, 'expected "," or "}", found "\\""'],
  ])('%j: line %i, column %i, %s', (text, line, column, reason) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(jsonSyntaxProblem(text)).toEqual({ line, column, reason });
  });

  it('agrees with JSON.parse on what is valid', () => {
    for (const text of ['{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', ' [ ] ', '"x"', '0']) {
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      expect(jsonSyntaxProblem(text).reason).toBe('valid JSON');
    }
  });
});
