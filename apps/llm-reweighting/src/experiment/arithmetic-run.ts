import { join } from 'node:path';

import type { EpochProgress, Runner, RunTask } from '@counterweight/experiment';
import { ConfigError, SeededRandom, writeJsonAtomic } from '@counterweight/runtime';

import { ARITHMETIC_ALPHABET, arithmeticWindows, charTokenizerOf, generateArithmeticSplits, type ArithmeticProblem } from '../data/index.js';
import type { TokenWindows } from '../data/token-windows.js';
import type { Tokenizer } from '../data/tokenizer.js';
import { arithmeticScores, type ArithmeticScores } from '../evaluation/index.js';
import { generateTokens, saveGpt, type GptModel } from '../models/index.js';
import { createObjective, plainCrossEntropy } from '../objectives/index.js';
import type { ArithmeticMethodOptions, ArithmeticSettings } from './arithmetic-settings.js';
import { trainLanguageModel, type CurvePoint, type LmRows } from './train-language-model.js';

/** The problems of an arithmetic comparison, shared by every run (seeded by the settings only). */
export interface ArithmeticData {
  readonly tokenizer: Tokenizer;
  readonly problems: { readonly train: readonly ArithmeticProblem[]; readonly validation: readonly ArithmeticProblem[]; readonly test: readonly ArithmeticProblem[] };
  readonly train: TokenWindows;
  readonly validation: TokenWindows;
}

/** The seed of the problem sets: a property of the data, not of a run. */
export const PROBLEM_SEED = 20250711;

/** Runs `make`, restating a ConfigError about `option` as one about the command-line `flag` (with `prefix`). */
function asFlag<T>(make: () => T, option: string, flag: string, prefix = ''): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof ConfigError && error.option === option) throw new ConfigError(flag, `${prefix}${error.message.slice(option.length + 2)}`);
    throw error;
  }
}

/**
 * Generates the train/validation/test problems (disjoint) and their token rows.
 * @throws ConfigError naming `--train-problems` (with the three counts) when the digits and operation have fewer
 *   distinct problems than asked, or `--context` with the first problem that does not fit it.
 */
export function prepareArithmetic(settings: ArithmeticSettings): ArithmeticData {
  const { problems, model } = settings;
  const counts = { train: problems.train, validation: problems.validation, test: problems.test };
  const splits = asFlag(
    () => generateArithmeticSplits({ operation: problems.operation, digits: problems.digits, counts, seed: PROBLEM_SEED }),
    'counts',
    '--train-problems',
    `${counts.train} training + ${counts.validation} validation (--eval-windows) + ${counts.test} test (--test-problems) problems: `,
  );
  const tokenizer = charTokenizerOf(ARITHMETIC_ALPHABET);
  return {
    tokenizer,
    problems: splits,
    train: asFlag(() => arithmeticWindows(splits.train, tokenizer, model.context).windows, 'context', '--context', 'training '),
    validation: asFlag(() => arithmeticWindows(splits.validation, tokenizer, model.context).windows, 'context', '--context', 'validation '),
  };
}

/** What one arithmetic run gives the harness (JSON data). */
export interface ArithmeticRunResult {
  readonly kind: 'arithmetic';
  readonly curve: readonly CurvePoint[];
  readonly test: ArithmeticScores;
  /** The first test problems with the model's greedy answers, for the report. */
  readonly examples: ReadonlyArray<{ readonly question: string; readonly answer: string; readonly generated: string }>;
  readonly trainSeconds: number;
}

/** Rows of interval `i`: `evalEvery · batchSize` training problems drawn with replacement (seeded by run seed and interval). */
function problemRows(train: TokenWindows, count: number, seed: number, interval: number): LmRows {
  const random = SeededRandom.fromSeed(seed, 'arithmetic-rows', interval);
  const T = train.context;
  const inputs = new Int32Array(count * T);
  const targets = new Int32Array(count * T);
  for (let r = 0; r < count; r += 1) {
    const row = random.int(0, train.count - 1);
    inputs.set(train.inputs.subarray(row * T, (row + 1) * T), r * T);
    targets.set(train.targets.subarray(row * T, (row + 1) * T), r * T);
  }
  return { windows: { count, context: T, inputs, targets } };
}

/** The greedy answer of the model to each question (the text up to the first newline after `question + ' '`). */
export function answerQuestions(gpt: GptModel, tokenizer: Tokenizer, problems: readonly ArithmeticProblem[], maxAnswerTokens: number): string[] {
  return problems.map((p) => {
    const prompt = tokenizer.encode(`${p.question} `);
    const text = tokenizer.decode(generateTokens(gpt, prompt, { maxNewTokens: maxAnswerTokens, temperature: 0, seed: 0 }).subarray(prompt.length));
    const end = text.indexOf('\n');
    return end < 0 ? text : text.slice(0, end);
  });
}

/** Trains the method's objective on the problems, then answers the test problems greedily and scores the answers. */
export async function runArithmetic(task: RunTask<ArithmeticSettings, ArithmeticMethodOptions>, data: ArithmeticData, onEpoch?: (progress: EpochProgress) => void): Promise<ArithmeticRunResult> {
  const { settings } = task;
  const objective = createObjective(task.options?.objective ?? 'uniform', { lambda: settings.ntlLambda, digitTokenIds: data.tokenizer.digitTokenIds, vocabularySize: data.tokenizer.vocabularySize, warmupSteps: 0 });
  const rowsPerInterval = settings.training.evalEvery * settings.training.batchSize;
  const trained = await trainLanguageModel(
    {
      config: { ...settings.model, vocabularySize: data.tokenizer.vocabularySize, causal: true },
      objective,
      training: settings.training,
      seed: task.seed,
      dir: task.dir,
      rowsAt: (interval) => problemRows(data.train, rowsPerInterval, task.seed, interval),
      validation: { windows: data.validation },
      validationLoss: plainCrossEntropy(),
    },
    onEpoch,
  );
  try {
    const maxAnswer = Math.max(...data.problems.test.map((p) => p.answer.length)) + 2;
    const generated = answerQuestions(trained.gpt, data.tokenizer, data.problems.test, maxAnswer);
    const test = arithmeticScores(generated, data.problems.test.map((p) => p.answer));
    await saveGpt(join(task.dir, 'model'), trained.gpt, data.tokenizer);
    await writeJsonAtomic(join(task.dir, 'curve.json'), trained.curve);
    const examples = data.problems.test.slice(0, 8).map((p, i) => ({ question: p.question, answer: p.answer, generated: generated[i] ?? '' }));
    return { kind: 'arithmetic', curve: trained.curve, test, examples, trainSeconds: trained.trainSeconds };
  } finally {
    trained.gpt.dispose();
  }
}

/** The harness's runner of the arithmetic comparison. */
export const arithmeticRunner: Runner<ArithmeticSettings, ArithmeticMethodOptions, ArithmeticData, ArithmeticRunResult> = {
  prepare: (settings) => Promise.resolve(prepareArithmetic(settings)),
  run: (task, data, context) => runArithmetic(task, data, context.report),
};
