import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { ARITHMETIC_ALPHABET, generateArithmetic } from './arithmetic.js';
import { arithmeticWindows } from './arithmetic-windows.js';
import { IGNORED_TARGET } from './token-windows.js';
import { BpeTokenizer } from './bpe-tokenizer.js';
import { charTokenizerOf } from './char-tokenizer.js';
import { thrown } from './test-support/temp.js';

const tokenizer = charTokenizerOf(ARITHMETIC_ALPHABET);

describe('arithmeticWindows', () => {
  it('scores only the answer and the closing newline, pads the rest', () => {
    const problem = { question: 'What is 2 + 3?', answer: '5' };
    const { windows, promptLengths } = arithmeticWindows([problem], tokenizer, 20);
    const row = tokenizer.encode('What is 2 + 3? 5\n');
    expect(promptLengths[0]).toBe(15);
    expect([...windows.inputs.subarray(0, 16)]).toEqual([...row.subarray(0, 16)]);
    expect([...windows.inputs.subarray(16)]).toEqual([row[16], row[16], row[16], row[16]]);
    const scored = [...windows.targets].flatMap((target, t) => (target === IGNORED_TARGET ? [] : [[t, target]]));
    expect(scored).toEqual([
      [14, row[15]],
      [15, row[16]],
    ]);
    expect(tokenizer.decode([row[15] ?? 0, row[16] ?? 0])).toBe('5\n');
  });

  it('lays one problem per row with the prompt lengths generation needs', () => {
    const problems = generateArithmetic({ operation: 'sub', digits: [1, 3], count: 30, seed: 6 });
    const context = 32;
    const { windows, promptLengths } = arithmeticWindows(problems, tokenizer, context);
    expect(windows.count).toBe(30);
    problems.forEach((problem, r) => {
      const prompt = promptLengths[r] ?? 0;
      expect(tokenizer.decode(windows.inputs.subarray(r * context, r * context + prompt))).toBe(`${problem.question} `);
      const targets = [...windows.targets.subarray(r * context, (r + 1) * context)].filter((t) => t !== IGNORED_TARGET);
      expect(tokenizer.decode(targets)).toBe(`${problem.answer}\n`);
    });
  });

  it('works with a BPE tokenizer whose prompt is encoded on its own', () => {
    const problems = generateArithmetic({ operation: 'mixed', digits: [1, 2], count: 40, seed: 2 });
    const bpe = BpeTokenizer.train(problems.map((p) => `${p.question} ${p.answer}\n`).concat(['x']), { vocabularySize: 300 });
    const { windows, promptLengths } = arithmeticWindows(problems, bpe, 24);
    problems.forEach((problem, r) => {
      expect([...windows.inputs.subarray(r * 24, r * 24 + (promptLengths[r] ?? 0))]).toEqual([...bpe.encode(`${problem.question} `)]);
    });
  });

  it('names the problem that does not fit the context', () => {
    const problems = [
      { question: 'What is 1 + 1?', answer: '2' },
      { question: 'What is 12345 * 6789?', answer: '83810205' },
    ];
    const error = thrown(() => arithmeticWindows(problems, tokenizer, 24));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('problem 2 "What is 12345 * 6789? 83810205" needs 30 positions');
    expect(thrown(() => arithmeticWindows([], tokenizer, 24)).message).toContain('problems');
  });
});
