import { describe, expect, it } from 'vitest';

import { parseLastNumber, parseLastNumberParts } from './parse-last-number.js';

describe('parseLastNumber', () => {
  it('reads the last number with its sign and decimals', () => {
    expect(parseLastNumber('What is 12 + 30? 42')).toBe(42);
    expect(parseLastNumber('= -7')).toBe(-7);
    expect(parseLastNumber('answer: - 7')).toBe(-7);
    expect(parseLastNumber('+3')).toBe(3);
    expect(parseLastNumber('x 3.25 y')).toBe(3.25);
    expect(parseLastNumber('12-5')).toBe(-5);
    expect(parseLastNumber('007')).toBe(7);
    expect(parseLastNumber('1,234')).toBe(234);
    expect(parseLastNumber('no digits here')).toBeNull();
    expect(parseLastNumber('')).toBeNull();
  });

  it('keeps the digit strings as written', () => {
    expect(parseLastNumberParts('is -0120.50')).toEqual({ value: -120.5, sign: -1, integerDigits: '0120', fractionDigits: '50' });
    expect(parseLastNumberParts('3.')).toEqual({ value: 3, sign: 1, integerDigits: '3', fractionDigits: '' });
  });
});
