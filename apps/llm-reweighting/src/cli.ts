#!/usr/bin/env node
import { join } from 'node:path';

import {
  addComparisonOptions,
  addExportCommand,
  createProgram,
  integerArgument as integer,
  isQuiet,
  parsedListArgument,
  positiveNumberArgument as positive,
  runProgram,
  type ComparisonFlags,
} from '@counterweight/experiment/cli';
import { InvalidArgumentError, Option } from 'commander';

// Only tfjs-free modules load here, so that --help and flag errors answer in well under a second: tfjs, the wasm
// kernels, the chart renderer and onnxruntime load inside the actions (`await import(...)`), when a command runs.
import { NTL_CHOICES, type ArithmeticSettings } from './experiment/arithmetic-settings.js';
import { NANOGPT_CPU_TRAINING, type LmSettings, type LmTrainingSettings } from './experiment/settings.js';
import { NANOGPT_CPU_CONFIG } from './models/gpt-config.js';
import { OBJECTIVE_NAMES } from './objectives/objective-names.js';

const program = createProgram('llm-reweighting', 'Small GPT-style language models: loss-based sample reweighting, number-token loss and spherical / log-partition losses against plain cross-entropy.');

function objectiveName(value: string): string {
  const name = value === 'linUpper' ? 'linupper' : value;
  if (!(OBJECTIVE_NAMES as readonly string[]).includes(name)) throw new InvalidArgumentError(`expected one of ${OBJECTIVE_NAMES.join(', ')}, got "${value}"`);
  return name;
}

function ntlChoice(value: string): string {
  if (!(NTL_CHOICES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${NTL_CHOICES.join(', ')}, got "${value}"`);
  return value;
}

function nonNegative(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError(`expected a number >= 0, got "${value}"`);
  return parsed;
}

interface ModelFlags {
  layers: number;
  heads: number;
  width: number;
  context: number;
}

interface TrainingFlags {
  steps: number;
  evalEvery: number;
  batchSize: number;
  evalWindows: number;
  lr: number;
  minLr: number;
  warmup: number;
  weightDecay: number;
  beta2: number;
  clip: number;
}

function addModelOptions(command: ReturnType<typeof program.command>, defaults: ModelFlags): void {
  command
    .option('--layers <n>', 'transformer blocks', integer(1), defaults.layers)
    .option('--heads <n>', 'attention heads', integer(1), defaults.heads)
    .option('--width <n>', 'model width (a multiple of --heads)', integer(1), defaults.width)
    .option('--context <n>', 'context length (tokens)', integer(1), defaults.context);
}

function addTrainingOptions(command: ReturnType<typeof program.command>, defaults: LmTrainingSettings): void {
  command
    .option('--steps <n>', 'optimiser steps', integer(1), defaults.steps)
    .option('--eval-every <n>', 'steps between validation estimates and checkpoints (divides --steps)', integer(1), defaults.evalEvery)
    .option('--batch-size <n>', 'sequences per step', integer(1), defaults.batchSize)
    .option('--eval-windows <n>', 'fixed validation windows of each estimate', integer(1), defaults.evalWindows)
    .option('--lr <rate>', 'peak AdamW learning rate', positive, defaults.learningRate)
    .option('--min-lr <rate>', 'learning rate at the end of the cosine decay', nonNegative, defaults.minLearningRate)
    .option('--warmup <steps>', 'linear learning-rate warm-up steps', integer(0), defaults.warmupSteps)
    .option('--weight-decay <w>', 'AdamW weight decay (matrices only)', nonNegative, defaults.weightDecay)
    .option('--beta2 <b>', 'AdamW β₂', positive, defaults.beta2)
    .option('--clip <norm>', 'global gradient-norm clip (0: none)', nonNegative, defaults.clip);
}

function trainingOf(flags: TrainingFlags, defaults: LmTrainingSettings): LmTrainingSettings {
  return {
    steps: flags.steps,
    evalEvery: Math.min(flags.evalEvery, flags.steps),
    batchSize: flags.batchSize,
    evalWindows: flags.evalWindows,
    learningRate: flags.lr,
    minLearningRate: Math.min(flags.minLr, flags.lr),
    warmupSteps: flags.warmup,
    weightDecay: flags.weightDecay,
    beta1: defaults.beta1,
    beta2: flags.beta2,
    clip: flags.clip,
  };
}

interface CompareFlags extends ComparisonFlags, ModelFlags, TrainingFlags {
  corpus: string;
  format?: 'text' | 'jsonl';
  field: string;
  tokenizer: 'char' | 'bpe';
  bpeVocabulary: number;
  strategies: string[];
  objectives?: string[];
  temperature?: number;
  reweightingWarmup: number;
  ntlLambda: number;
  prompt: string;
  sampleTokens: number;
  sampleTemperature: number;
}

/** The corpus comparison's settings from its flags. */
export function compareSettings(flags: CompareFlags): LmSettings {
  return {
    corpus: { source: flags.corpus, ...(flags.format === undefined ? {} : { format: flags.format }), field: flags.field, tokenizer: flags.tokenizer, bpeVocabulary: flags.bpeVocabulary, trainFraction: 0.9 },
    model: { layers: flags.layers, heads: flags.heads, width: flags.width, context: flags.context },
    training: trainingOf(flags, NANOGPT_CPU_TRAINING),
    objectives: { temperature: flags.temperature ?? null, reweightingWarmup: flags.reweightingWarmup, ntlLambda: flags.ntlLambda },
    samples: { prompt: flags.prompt, tokens: flags.sampleTokens, temperature: flags.sampleTemperature },
  };
}

const compare = program
  .command('compare')
  .description('Pretrain the same GPT on a corpus with plain cross-entropy (uniform) and each strategy or objective over seeds; report validation loss, bits per character/byte, steps to uniform\'s final loss, weight distributions and samples.')
  .option('--corpus <file>', 'tinyshakespeare (embedded), tinystories (shared sample), or a UTF-8 text / JSON-lines file (.gz allowed)', 'tinyshakespeare')
  .addOption(new Option('--format <format>', 'text (one document) or jsonl (one document per line); default from the file name').choices(['text', 'jsonl']))
  .option('--field <name>', 'the text field of a JSON-lines document', 'text')
  .addOption(new Option('--tokenizer <kind>', 'char (code points) or bpe (byte-level BPE trained on the corpus); both split numbers into digits').choices(['char', 'bpe']).default('char'))
  .option('--bpe-vocabulary <n>', 'BPE vocabulary size (256 bytes + merges + end-of-text)', integer(257), 512)
  .option('--strategies <list>', `methods: ${OBJECTIVE_NAMES.join(', ')} (uniform is always run: the baseline)`, parsedListArgument(objectiveName), ['uniform', 'linupper', 'quadratic', 'extremes'])
  .option('--objectives <list>', 'the same as --strategies', parsedListArgument(objectiveName))
  .option('--temperature <r>', 'reweighting temperature r for every strategy (default: 1 for quadratic, 0.4 for linupper and extremes)', positive)
  .option('--reweighting-warmup <steps>', 'plain-average steps before reweighting (rounded up to --eval-every)', integer(0), 200)
  .option('--ntl-lambda <λ>', 'λ of CE + λ·NTL (ntl-was, ntl-mse)', nonNegative, 0.3)
  .option('--prompt <text>', 'prompt of the samples in the report', '\n')
  .option('--sample-tokens <n>', 'tokens sampled from each model for the report (0: none)', integer(0), 300)
  .option('--sample-temperature <t>', 'temperature of the sampled text (greedy text is written too)', positive, 0.8);
addModelOptions(compare, NANOGPT_CPU_CONFIG);
addTrainingOptions(compare, NANOGPT_CPU_TRAINING);
addComparisonOptions(compare, { seed: 1, seeds: 3 }).action(async (flags: CompareFlags) => {
  // tfjs, the training code and the chart renderer load here, not at the top: --help and flag errors answer without them.
  const [{ initBackend, resolveBackendRequest }, { compareStrategies }, { headlineColumns }, { formatNumber }] = await Promise.all([
    import('@counterweight/runtime'),
    import('./experiment/compare.js'),
    import('./experiment/report.js'),
    import('@counterweight/reports'),
  ]);
  await initBackend(resolveBackendRequest(flags.backend));
  const settings = compareSettings(flags);
  const result = await compareStrategies({ settings, methods: flags.objectives ?? flags.strategies, seed: flags.seed, seeds: flags.seeds, jobs: flags.jobs, out: flags.out, quiet: isQuiet(flags.quiet) });
  const columns = headlineColumns(result.data.unit).slice(0, 3);
  for (const s of result.summaries) {
    const cells = columns.map((c) => `${c.title} ${formatNumber(s.metrics[c.metric]?.mean ?? Number.NaN, c.digits)}`);
    process.stdout.write(`${s.method.padEnd(14)} ${cells.join('  ')}\n`);
  }
  process.stdout.write(`report: ${join(result.out.dir, result.files.markdown)}\n`);
});

/** The arithmetic model and training defaults: a smaller GPT on short problems. */
const ARITHMETIC_MODEL: ModelFlags = { layers: 2, heads: 4, width: 128, context: 32 };
const ARITHMETIC_TRAINING: LmTrainingSettings = { ...NANOGPT_CPU_TRAINING, steps: 3000, batchSize: 32, evalEvery: 250, evalWindows: 500, warmupSteps: 100 };

interface ArithmeticFlags extends ComparisonFlags, ModelFlags, TrainingFlags {
  ntl: string[];
  operation: ArithmeticSettings['problems']['operation'];
  digits: number[];
  trainProblems: number;
  testProblems: number;
  ntlLambda: number;
}

/** The arithmetic comparison's settings from its flags. */
export function arithmeticSettings(flags: ArithmeticFlags): ArithmeticSettings {
  const [lo = 1, hi = lo] = flags.digits;
  return {
    problems: { operation: flags.operation, digits: [lo, hi], train: flags.trainProblems, validation: flags.evalWindows, test: flags.testProblems },
    model: { layers: flags.layers, heads: flags.heads, width: flags.width, context: flags.context },
    training: trainingOf(flags, ARITHMETIC_TRAINING),
    ntlLambda: flags.ntlLambda,
  };
}

const arithmetic = program
  .command('arithmetic')
  .description('Train the same GPT on generated arithmetic problems with cross-entropy alone (none) and with the number-token loss (was, mse); report exact match and the MAE of the parsed answers.')
  .option('--ntl <list>', `choices: ${NTL_CHOICES.join(', ')} (none is always run: the baseline)`, parsedListArgument(ntlChoice), ['none', 'was', 'mse'])
  .addOption(new Option('--operation <op>', 'add, sub, mul or mixed (a ± b ± c)').choices(['add', 'sub', 'mul', 'mixed']).default('add'))
  .option('--digits <min,max>', 'digits of each operand', parsedListArgument(integer(1)), [1, 3])
  .option('--train-problems <n>', 'training problems', integer(1), 20000)
  .option('--test-problems <n>', 'test problems (disjoint from training)', integer(1), 500)
  .option('--ntl-lambda <λ>', 'λ of CE + λ·NTL', nonNegative, 0.3);
addModelOptions(arithmetic, ARITHMETIC_MODEL);
addTrainingOptions(arithmetic, ARITHMETIC_TRAINING);
addComparisonOptions(arithmetic, { seed: 1, seeds: 3 }).action(async (flags: ArithmeticFlags) => {
  // tfjs, the training code and the chart renderer load here, not at the top: --help and flag errors answer without them.
  const [{ initBackend, resolveBackendRequest }, { compareNumberTokenLoss }, { formatNumber }] = await Promise.all([
    import('@counterweight/runtime'),
    import('./experiment/arithmetic-compare.js'),
    import('@counterweight/reports'),
  ]);
  await initBackend(resolveBackendRequest(flags.backend));
  const settings = arithmeticSettings(flags);
  const result = await compareNumberTokenLoss({ settings, methods: flags.ntl, seed: flags.seed, seeds: flags.seeds, jobs: flags.jobs, out: flags.out, quiet: isQuiet(flags.quiet) });
  for (const s of result.summaries) {
    process.stdout.write(`${s.method.padEnd(6)} exact match ${formatNumber(s.metrics.exactMatch?.mean ?? Number.NaN, 3)}  MAE ${formatNumber(s.metrics.mae?.mean ?? Number.NaN, 2)}\n`);
  }
  process.stdout.write(`report: ${join(result.out.dir, result.files.markdown)}\n`);
});

addExportCommand(program, {
  description: 'Write the trained causal model of a compare or arithmetic run (DIR = <out>/runs/<method>/seed-<r>) as ONNX: input "ids" int64 [batch, tokens ≤ context], output "logits" [batch, tokens, vocabulary]; tokenizer.json is written beside it.',
  // The ONNX exporter (and the tfjs model it reads) loads when the command runs, not at start-up.
  exportRun: async (run, out) => (await import('./experiment/export-run.js')).exportRun(run, out),
});

program
  .command('generate')
  .description('Sample text from an exported model with onnxruntime-node (its tokenizer.json beside it).')
  .requiredOption('--model <model.onnx>', 'model written by `llm-reweighting export`')
  .requiredOption('--prompt <text>', 'the text to continue')
  .option('--tokens <n>', 'tokens to generate', integer(1), 200)
  .option('--temperature <t>', 'sampling temperature (0: greedy)', nonNegative, 0.8)
  .option('--top-k <k>', 'sample among the k most likely tokens only', integer(1))
  .option('--seed <n>', 'sampling seed', integer(0), 1)
  .action(async (flags: { model: string; prompt: string; tokens: number; temperature: number; topK?: number; seed: number }) => {
    // onnxruntime-node loads here, not at the top: --help and flag errors answer without it.
    const { generateFromOnnx } = await import('./experiment/generate-command.js');
    const text = await generateFromOnnx({ model: flags.model, prompt: flags.prompt, tokens: flags.tokens, temperature: flags.temperature, seed: flags.seed, ...(flags.topK === undefined ? {} : { topK: flags.topK }) });
    process.stdout.write(`${flags.prompt}${text}\n`);
  });

await runProgram(program);
