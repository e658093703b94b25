import { describe, expect, it } from 'vitest';

import { jsonSyntaxError } from './json-syntax-error.js';

describe('jsonSyntaxError', () => {
  it('is undefined for every text JSON.parse accepts', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\"\\u00e9"]}\n', '"s"', '0', '{"a":{"b":[{}]}}']) {
      expect(jsonSyntaxError(text), text).toBeUndefined();
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
  });

  it('gives the line, column and what was expected where a text stops being JSON', () => {
    const cases: [string, string][] = [
      ['layout: long', 'line 1, column 1: expected a JSON value, found "l"'],
      ['{\n  "a": 1\n  "b": 2\n}', 'line 3, column 3: expected "," or "}" after a value, found "\\""'],
      ['{"a": [1, 2}', 'line 1, column 12: expected "," or "]" after a value, found "}"'],
      ['{"a": "open', 'line 1, column 12: unterminated string'],
      ['{"a": 1,', 'line 1, column 9: the text ends inside an object'],
      ['{a: 1}', 'line 1, column 2: expected a key in double quotes, found "a"'],
      ['{"a": 01}', 'line 1, column 8: expected "," or "}" after a value, found "1"'],
      ['{"a": NaN}', 'line 1, column 7: expected a JSON value, found "N"'],
      ['{} {}', 'line 1, column 4: unexpected "{" after the JSON value'],
      ['', 'line 1, column 1: the text ends where a value was expected'],
    ];
    for (const [text, expected] of cases) {
      expect(() => JSON.parse(text) as unknown, text).toThrow();
      const error = jsonSyntaxError(text);
      expect(error === undefined ? undefined : `line ${error.line}, column ${error.column}: ${error.message}`, text).toBe(expected);
    }
  });
});
