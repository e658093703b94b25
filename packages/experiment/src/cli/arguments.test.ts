import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';

import { integerArgument, listArgument, numberAtLeastArgument, parsedListArgument, positiveNumberArgument, unitIntervalArgument } from './arguments.js';

describe('CLI argument parsers', () => {
  it('accept what they promise and reject the rest with InvalidArgumentError', () => {
    expect(integerArgument(1)('12')).toBe(12);
    expect(() => integerArgument(1)('0')).toThrow(/expected an integer >= 1, got "0"/);
    expect(() => integerArgument(0)('1.5')).toThrow(InvalidArgumentError);
    expect(positiveNumberArgument('0.02')).toBe(0.02);
    expect(() => positiveNumberArgument('-1')).toThrow(/expected a positive number/);
    expect(() => positiveNumberArgument('Infinity')).toThrow(InvalidArgumentError);
    expect(unitIntervalArgument('1')).toBe(1);
    expect(() => unitIntervalArgument('1.1')).toThrow(/\[0, 1\]/);
    expect(numberAtLeastArgument(1, 'ρ')('10')).toBe(10);
    expect(() => numberAtLeastArgument(1, 'ρ')('0.5')).toThrow(/expected a number >= 1 \(ρ\), got "0.5"/);
    expect(listArgument(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    const upper = parsedListArgument((s) => {
      if (s === 'x') throw new Error(`unknown "${s}"`);
      return s.toUpperCase();
    });
    expect(upper('a,b')).toEqual(['A', 'B']);
    expect(() => upper('a,x')).toThrow(InvalidArgumentError);
  });
});
