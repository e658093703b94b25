import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { ARITHMETIC_ALPHABET, generateArithmetic, generateArithmeticSplits, type ArithmeticProblem } from './arithmetic.js';
import { charTokenizerOf } from './char-tokenizer.js';
import { thrown } from './test-support/temp.js';

const QUESTION = /^What is (\d+) ([-+*]) (\d+)\?$/;

function check(problem: ArithmeticProblem): { a: bigint; b: bigint; op: string } {
  const match = QUESTION.exec(problem.question);
  expect(match).not.toBeNull();
  const [, a = '', op = '', b = ''] = match ?? [];
  const x = BigInt(a);
  const y = BigInt(b);
  const expected = op === '+' ? x + y : op === '-' ? x - y : x * y;
  expect(problem.answer).toBe(expected.toString());
  return { a: x, b: y, op };
}

describe('generateArithmetic', () => {
  it('writes correct problems with operands of the asked digits', () => {
    const problems = generateArithmetic({ operation: 'add', digits: [2, 3], count: 200, seed: 1 });
    expect(problems).toHaveLength(200);
    for (const problem of problems) {
      const { a, b, op } = check(problem);
      expect(op).toBe('+');
      for (const operand of [a, b]) expect(operand >= 10n && operand <= 999n).toBe(true);
    }
    expect(new Set(problems.map((p) => p.question)).size).toBe(200);
  });

  it('gives negative answers for subtraction and exact products for 15-digit multiplication', () => {
    const sub = generateArithmetic({ operation: 'sub', digits: [1, 3], count: 300, seed: 2 });
    sub.forEach(check);
    expect(sub.some((p) => p.answer.startsWith('-'))).toBe(true);
    const mul = generateArithmetic({ operation: 'mul', digits: [15, 15], count: 20, seed: 3 });
    mul.forEach(check);
    expect(mul.every((p) => p.answer.length >= 29)).toBe(true);
  });

  it('mixes the three operations for mixed', () => {
    const ops = new Set(generateArithmetic({ operation: 'mixed', digits: [1, 2], count: 100, seed: 4 }).map((p) => check(p).op));
    expect([...ops].sort()).toEqual(['*', '+', '-']);
  });

  it('is fixed by the seed', () => {
    const draw = (seed: number) => generateArithmetic({ operation: 'mixed', digits: [1, 4], count: 50, seed });
    expect(draw(9)).toEqual(draw(9));
    expect(draw(9)).not.toEqual(draw(10));
  });

  it('emits only characters of ARITHMETIC_ALPHABET, so its char tokenizer covers every problem', () => {
    const alphabet = new Set(ARITHMETIC_ALPHABET);
    const tokenizer = charTokenizerOf(ARITHMETIC_ALPHABET);
    expect(tokenizer.vocabularySize).toBe(ARITHMETIC_ALPHABET.length);
    expect(tokenizer.digitTokenIds).not.toBeNull();
    for (const operation of ['add', 'sub', 'mul', 'mixed'] as const) {
      for (const p of generateArithmetic({ operation, digits: [1, 5], count: 100, seed: 5 })) {
        const row = `${p.question} ${p.answer}\n`;
        expect([...row].every((c) => alphabet.has(c))).toBe(true);
        expect(tokenizer.decode(tokenizer.encode(row))).toBe(row);
      }
    }
  });

  it('refuses bad options, naming them', () => {
    const base = { operation: 'add', digits: [1, 2], count: 5, seed: 1 } as const;
    expect(thrown(() => generateArithmetic({ ...base, digits: [3, 2] })).message).toContain('digits');
    expect(thrown(() => generateArithmetic({ ...base, digits: [1, 16] })).message).toContain('digits');
    expect(thrown(() => generateArithmetic({ ...base, count: 0 })).message).toContain('count');
    expect(thrown(() => generateArithmetic({ ...base, operation: 'div' as 'add' })).message).toContain('operation');
    const tooMany = thrown(() => generateArithmetic({ ...base, digits: [1, 1], count: 101 }));
    expect(tooMany).toBeInstanceOf(ConfigError);
    expect(tooMany.message).toContain('has only 100');
  });
});

describe('generateArithmeticSplits', () => {
  it('draws train, validation and test with no question in two sets', () => {
    const splits = generateArithmeticSplits({ operation: 'add', digits: [1, 1], counts: { train: 60, validation: 15, test: 25 }, seed: 3 });
    expect([splits.train.length, splits.validation.length, splits.test.length]).toEqual([60, 15, 25]);
    const all = [...splits.train, ...splits.validation, ...splits.test].map((p) => p.question);
    expect(new Set(all).size).toBe(100);
  });

  it('keeps the training set when the test count changes, and defaults validation to none', () => {
    const a = generateArithmeticSplits({ operation: 'mul', digits: [1, 3], counts: { train: 40, test: 10 }, seed: 8 });
    const b = generateArithmeticSplits({ operation: 'mul', digits: [1, 3], counts: { train: 40, test: 30 }, seed: 8 });
    expect(a.train).toEqual(b.train);
    expect(a.validation).toEqual([]);
    expect(thrown(() => generateArithmeticSplits({ operation: 'mul', digits: [1, 3], counts: { train: -1, test: 3 }, seed: 8 })).message).toContain('counts.train');
  });
});
