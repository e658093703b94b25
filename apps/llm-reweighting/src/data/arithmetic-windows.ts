import { ConfigError } from '@counterweight/runtime';

import type { ArithmeticProblem } from './arithmetic.js';
import { IGNORED_TARGET, type TokenWindows } from './token-windows.js';
import type { Tokenizer } from './tokenizer.js';

/** Arithmetic problems as training rows, with what generation needs. */
export interface ArithmeticWindows {
  /** One row per problem (see {@link arithmeticWindows}). */
  readonly windows: TokenWindows;
  /** `promptLengths[r]` = tokens of `question + ' '` in row `r`: the prompt to generate the answer from. */
  readonly promptLengths: Int32Array;
}

/**
 * One left-aligned row per problem for answer-only training: the row's tokens are `encode(question + ' ')` (the
 * prompt, P tokens) followed by `encode(answer + '\n')`, L tokens in all; inputs are the first L − 1 of them and the
 * target at position t is token t + 1 for t ≥ P − 1, so only the answer's tokens and the closing newline are scored
 * and every other target (question, padding) is −100, which the cross-entropy and the number-token loss skip.
 * Padding inputs repeat the closing newline's id (never scored; causal attention keeps them from earlier positions).
 * The prompt is encoded on its own, so it is exactly what generation is given (`tokenizer.encode(question + ' ')`).
 * @throws ConfigError naming `problems` when empty, or `context` with the problem (index, text) whose L − 1 tokens do
 *   not fit the context.
 */
export function arithmeticWindows(problems: readonly ArithmeticProblem[], tokenizer: Tokenizer, context: number): ArithmeticWindows {
  if (!Number.isInteger(context) || context < 1) throw new ConfigError('context', `must be a positive integer, got ${context}`);
  if (problems.length === 0) throw new ConfigError('problems', 'needs at least one problem');
  const count = problems.length;
  const inputs = new Int32Array(count * context);
  const targets = new Int32Array(count * context).fill(IGNORED_TARGET);
  const promptLengths = new Int32Array(count);
  problems.forEach((problem, r) => {
    const prompt = tokenizer.encode(`${problem.question} `);
    const completion = tokenizer.encode(`${problem.answer}\n`);
    const length = prompt.length + completion.length;
    if (length - 1 > context) {
      throw new ConfigError(
        'context',
        `problem ${r + 1} "${problem.question} ${problem.answer}" needs ${length - 1} positions ` +
          `(${prompt.length} prompt + ${completion.length} answer tokens − 1), more than the context ${context}`,
      );
    }
    const row = new Int32Array(length);
    row.set(prompt);
    row.set(completion, prompt.length);
    const base = r * context;
    inputs.set(row.subarray(0, length - 1), base);
    inputs.fill(row[length - 1] ?? 0, base + length - 1, base + context);
    for (let t = prompt.length - 1; t < length - 1; t += 1) targets[base + t] = row[t + 1] ?? IGNORED_TARGET;
    promptLengths[r] = prompt.length;
  });
  return { windows: { count, context, inputs, targets }, promptLengths };
}
