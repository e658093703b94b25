import { ConfigError, SeededRandom } from '@counterweight/runtime';

/** The operations of the arithmetic corpus; `mixed` draws `+`, `-` or `*` uniformly for each problem. */
export type ArithmeticOperation = 'add' | 'sub' | 'mul' | 'mixed';

/** The operations by name (for option checks). */
export const ARITHMETIC_OPERATIONS: readonly ArithmeticOperation[] = ['add', 'sub', 'mul', 'mixed'];

/** One problem: `question` as `What is 123 + 45?` and `answer` as the exact decimal result, e.g. `168` or `-77`. */
export interface ArithmeticProblem {
  readonly question: string;
  readonly answer: string;
}

/**
 * Every character the generator can emit, in code-point order: the question words `What is`, the space, the digits,
 * `+ - * ?` and the newline that closes a training row (`question + ' ' + answer + '\n'`). A char tokenizer built from
 * it (`charTokenizerOf(ARITHMETIC_ALPHABET)`) covers any problem.
 */
export const ARITHMETIC_ALPHABET = '\n *+-0123456789?Waehist';

/** Largest operand length: 15 digits keep every operand a safe integer for the seeded generator. */
export const ARITHMETIC_MAX_DIGITS = 15;

export interface ArithmeticOptions {
  readonly operation: ArithmeticOperation;
  /** Digits of each operand, inclusive `[min, max]` with 1 ≤ min ≤ max ≤ 15; each operand draws its length uniformly. */
  readonly digits: readonly [number, number];
  readonly seed: number;
}

export interface GenerateArithmeticOptions extends ArithmeticOptions {
  /** Number of distinct problems. */
  readonly count: number;
}

export interface ArithmeticSplitOptions extends ArithmeticOptions {
  /** Distinct problems per split; no problem appears in two splits. `validation` defaults to 0. */
  readonly counts: { readonly train: number; readonly validation?: number; readonly test: number };
}

/** Problem sets drawn together, with no question in more than one of them. */
export interface ArithmeticSplits {
  readonly train: readonly ArithmeticProblem[];
  readonly validation: readonly ArithmeticProblem[];
  readonly test: readonly ArithmeticProblem[];
}

const SYMBOL = { add: '+', sub: '-', mul: '*' } as const;

/** How many operands of `digits` digits exist (0–9 for one digit, 10^(d−1) … 10^d − 1 otherwise). */
function operandsOfLength(digits: number): number {
  return digits === 1 ? 10 : 9 * 10 ** (digits - 1);
}

function checkOptions(options: ArithmeticOptions): void {
  if (!ARITHMETIC_OPERATIONS.includes(options.operation)) {
    throw new ConfigError('operation', `must be one of ${ARITHMETIC_OPERATIONS.join(', ')}, got ${JSON.stringify(options.operation)}`);
  }
  const [min, max] = options.digits;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min || max > ARITHMETIC_MAX_DIGITS) {
    throw new ConfigError('digits', `must be integers [min, max] with 1 <= min <= max <= ${ARITHMETIC_MAX_DIGITS}, got [${min}, ${max}]`);
  }
  if (!Number.isSafeInteger(options.seed)) throw new ConfigError('seed', `must be a safe integer, got ${options.seed}`);
}

/** Number of distinct questions the options can produce. */
function distinctProblems(options: ArithmeticOptions): number {
  const [min, max] = options.digits;
  let operands = 0;
  for (let d = min; d <= max; d += 1) operands += operandsOfLength(d);
  return operands * operands * (options.operation === 'mixed' ? 3 : 1);
}

/** Draws `total` distinct problems in one seeded sequence. */
function drawDistinct(options: ArithmeticOptions, total: number, argument: string): ArithmeticProblem[] {
  checkOptions(options);
  if (!Number.isInteger(total) || total < 1) throw new ConfigError(argument, `must ask for a positive integer number of problems, got ${total}`);
  const available = distinctProblems(options);
  if (total > available) {
    throw new ConfigError(argument, `asks for ${total} distinct problems but ${options.operation} with [${options.digits.join(', ')}] digits has only ${available}`);
  }
  const [min, max] = options.digits;
  const random = SeededRandom.fromSeed(options.seed, 'arithmetic', options.operation, min, max);
  const operand = (): bigint => {
    const digits = random.int(min, max);
    return BigInt(digits === 1 ? random.int(0, 9) : random.int(10 ** (digits - 1), 10 ** digits - 1));
  };
  const seen = new Set<string>();
  const problems: ArithmeticProblem[] = [];
  const limit = 50 * total + 1000;
  for (let attempt = 0; problems.length < total; attempt += 1) {
    if (attempt >= limit) {
      throw new ConfigError(argument, `drew only ${problems.length} distinct problems of ${total} in ${limit} attempts (${available} exist; ask for fewer or widen the digits)`);
    }
    const operation = options.operation === 'mixed' ? (['add', 'sub', 'mul'] as const)[random.int(0, 2)] ?? 'add' : options.operation;
    const a = operand();
    const b = operand();
    const question = `What is ${a} ${SYMBOL[operation]} ${b}?`;
    if (seen.has(question)) continue;
    seen.add(question);
    const answer = operation === 'add' ? a + b : operation === 'sub' ? a - b : a * b;
    problems.push({ question, answer: answer.toString() });
  }
  return problems;
}

/**
 * `count` distinct arithmetic problems in the style of the DeepMind mathematics data set's `arithmetic__add_or_sub`,
 * `arithmetic__mul` and `arithmetic__add_sub_multiple` modules (Saxton, Grefenstette, Hill & Kohli, 2019), with one
 * phrasing: `What is a + b?`, `What is a - b?` (the answer may be negative), `What is a * b?`; `mixed` draws the
 * operation per problem. Each operand draws its length in digits uniformly from `digits`, then its value uniformly
 * among numbers of that length (0–9 for one digit); answers are exact (BigInt). The same options give the same list.
 * @throws ConfigError naming `operation`, `digits`, `seed` or `count` when invalid or when there are not `count`
 *   distinct problems to draw.
 */
export function generateArithmetic(options: GenerateArithmeticOptions): ArithmeticProblem[] {
  return drawDistinct(options, options.count, 'count');
}

/**
 * Train, validation and test problem sets from one seeded sequence of distinct problems (the first `train`, then
 * `validation`, then `test`), so no question appears in two sets and the training set does not change when the other
 * counts do. See {@link generateArithmetic} for the problems.
 * @throws ConfigError as {@link generateArithmetic}, naming `counts` or `counts.<split>`.
 */
export function generateArithmeticSplits(options: ArithmeticSplitOptions): ArithmeticSplits {
  const { train, test } = options.counts;
  const validation = options.counts.validation ?? 0;
  for (const [name, value] of [['train', train], ['validation', validation], ['test', test]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new ConfigError(`counts.${name}`, `must be a non-negative integer, got ${value}`);
  }
  const all = drawDistinct(options, train + validation + test, 'counts');
  return { train: all.slice(0, train), validation: all.slice(train, train + validation), test: all.slice(train + validation) };
}
