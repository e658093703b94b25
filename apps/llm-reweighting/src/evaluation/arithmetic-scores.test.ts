import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { arithmeticScores } from './arithmetic-scores.js';

describe('arithmeticScores', () => {
  it('scores a hand-computed case: exact match over all, errors over parseable outputs, digit positions', () => {
    const generated = ['= 42', '= 40', 'I do not know', '= -5', '= 1234'];
    const answers = ['42', '41', '17', '5', '123'];
    const s = arithmeticScores(generated, answers);
    expect(s.count).toBe(5);
    expect(s.exactMatch).toBe(1 / 5);
    expect(s.noNumber).toBe(1);
    // absolute errors of the four parseable outputs: 0, 1, 10, 1111
    expect(s.meanAbsoluteError).toBe((0 + 1 + 10 + 1111) / 4);
    expect(s.medianAbsoluteError).toBe((1 + 10) / 2);
    // digits: 42/42 2 of 2; 40/41 1 of 2; none/17 0 of 2; 5/5 1 of 1; 1234/_123 → " 123" vs "1234": 0 of 4
    expect(s.digitAccuracy).toBe((2 + 1 + 0 + 1 + 0) / (2 + 2 + 2 + 1 + 4));
  });

  it('matches decimals with isclose and aligns their digits at the decimal point', () => {
    const s = arithmeticScores(['0.5', '2.25', '1e3'], ['0.50000001', '2.2', '3']);
    // 0.5 ≈ 0.50000001 (isclose), 2.25 ≠ 2.2, and the last number of '1e3' is 3 (exponents are not read)
    expect(s.exactMatch).toBe(2 / 3);
    // 0.5 vs 0.50000001: "0"=="0", fractions "5       " vs "50000001": 1 of 8 → 2 of 9; 2.25 vs 2.2: 2 of 3; 3 vs 3: 1 of 1
    expect(s.digitAccuracy).toBe((2 + 2 + 1) / (9 + 3 + 1));
  });

  it('gives null errors when no output holds a number, and names bad arguments', () => {
    const s = arithmeticScores(['?', '!'], ['1', '2']);
    expect([s.meanAbsoluteError, s.medianAbsoluteError, s.noNumber, s.exactMatch, s.digitAccuracy]).toEqual([null, null, 2, 0, 0]);
    expect(() => arithmeticScores(['1'], [])).toThrow(ConfigError);
    expect(() => arithmeticScores(['1'], [])).toThrow('answers: must have one answer per generated text (1), got 0');
    expect(() => arithmeticScores(['1', '2'], ['3', 'none'])).toThrow('answers[1]: holds no number: "none"');
  });
});
