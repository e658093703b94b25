import { ConfigError } from '@counterweight/runtime/base';

import type { TokenizerKind } from '../data/tokenizer.js';
import type { GptConfig } from '../models/gpt-config.js';

/** Where the text comes from and how it is tokenised (`--corpus`, `--format`, `--field`, `--tokenizer`, `--bpe-vocabulary`). */
export interface CorpusSettings {
  /** `tinyshakespeare` (embedded), `tinystories` (the shared sample) or a text / JSON-lines file (optionally `.gz`). */
  readonly source: string;
  /** `text` (one document) or `jsonl` (one document per line); default from the file name. */
  readonly format?: 'text' | 'jsonl';
  /** The string field of a JSON-lines document. */
  readonly field?: string;
  readonly tokenizer: TokenizerKind;
  /** Target vocabulary of the byte-level BPE (ignored for `char`). */
  readonly bpeVocabulary: number;
  /** Share of the tokens, from the start, used for training; the rest is validation (nanoGPT: 0.9). */
  readonly trainFraction: number;
}

/** The optimisation of every run (nanoGPT's `train_shakespeare_char.py` values by default). */
export interface LmTrainingSettings {
  /** Optimiser steps (nanoGPT's `max_iters`). */
  readonly steps: number;
  /** Steps between validation estimates (and checkpoints): one "epoch" of the runtime trainer. */
  readonly evalEvery: number;
  /** Sequences per step. */
  readonly batchSize: number;
  /** Validation windows of each estimate (fixed, seeded; nanoGPT: eval_iters 20 × batch 12 = 240 random windows). */
  readonly evalWindows: number;
  readonly learningRate: number;
  /** Learning rate the cosine decays to at `steps` (`min_lr`). */
  readonly minLearningRate: number;
  /** Linear warm-up steps of the learning rate (`warmup_iters`). */
  readonly warmupSteps: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  /** Global gradient-norm clip (`grad_clip`); 0 = none. */
  readonly clip: number;
}

/** Options of the reweighted and auxiliary objectives. */
export interface ObjectiveSettings {
  /** Temperature r of the reweighting softmax; null = each strategy's reference default. */
  readonly temperature: number | null;
  /** Plain-average steps before reweighting starts (rounded up to a multiple of `evalEvery`). */
  readonly reweightingWarmup: number;
  /** λ of `CE + λ·NTL`. */
  readonly ntlLambda: number;
}

/** Text sampled from each trained model for the report. */
export interface SampleSettings {
  readonly prompt: string;
  readonly tokens: number;
  /** Temperature of the sampled text (the greedy text is always written too). */
  readonly temperature: number;
}

/** What every run of a language-model comparison shares (JSON data: `config.json` holds it). */
export interface LmSettings {
  readonly corpus: CorpusSettings;
  readonly model: Omit<GptConfig, 'vocabularySize' | 'causal'>;
  readonly training: LmTrainingSettings;
  readonly objectives: ObjectiveSettings;
  readonly samples: SampleSettings;
}

/** nanoGPT's CPU run on TinyShakespeare characters (`config/train_shakespeare_char.py` with its CPU comments). */
export const NANOGPT_CPU_TRAINING: LmTrainingSettings = {
  steps: 2000,
  evalEvery: 100,
  batchSize: 12,
  evalWindows: 240,
  learningRate: 1e-3,
  minLearningRate: 1e-4,
  warmupSteps: 100,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  clip: 1,
};

const whole = (value: number, flag: string, min: number): void => {
  if (!Number.isSafeInteger(value) || value < min) throw new ConfigError(flag, `must be a whole number >= ${min}, got ${value}`);
};
const positive = (value: number, flag: string): void => {
  if (!(Number.isFinite(value) && value > 0)) throw new ConfigError(flag, `must be a number > 0, got ${value}`);
};

/** @throws ConfigError naming the flag of a training setting out of range. */
export function checkTrainingSettings(training: LmTrainingSettings): void {
  whole(training.steps, '--steps', 1);
  whole(training.evalEvery, '--eval-every', 1);
  if (training.steps % training.evalEvery !== 0) {
    throw new ConfigError('--eval-every', `must divide --steps (${training.steps}) so every estimate falls on a step, got ${training.evalEvery}`);
  }
  whole(training.batchSize, '--batch-size', 1);
  whole(training.evalWindows, '--eval-windows', 1);
  positive(training.learningRate, '--lr');
  if (!(training.minLearningRate >= 0 && training.minLearningRate <= training.learningRate)) {
    throw new ConfigError('--min-lr', `must lie in [0, --lr = ${training.learningRate}], got ${training.minLearningRate}`);
  }
  whole(training.warmupSteps, '--warmup', 0);
  if (training.warmupSteps > training.steps) throw new ConfigError('--warmup', `must be at most --steps (${training.steps}), got ${training.warmupSteps}`);
  if (!(training.weightDecay >= 0)) throw new ConfigError('--weight-decay', `must be >= 0, got ${training.weightDecay}`);
  if (!(training.clip >= 0)) throw new ConfigError('--clip', `must be >= 0 (0 = no clipping), got ${training.clip}`);
}

/** @throws ConfigError naming the flag of a setting out of range. */
export function checkLmSettings(settings: LmSettings): void {
  const { corpus, model, objectives, samples } = settings;
  if (corpus.tokenizer !== 'char' && corpus.tokenizer !== 'bpe') throw new ConfigError('--tokenizer', `must be char or bpe, got ${String(corpus.tokenizer)}`);
  whole(corpus.bpeVocabulary, '--bpe-vocabulary', 257);
  if (!(corpus.trainFraction > 0 && corpus.trainFraction < 1)) throw new ConfigError('--train-fraction', `must lie in (0, 1), got ${corpus.trainFraction}`);
  whole(model.layers, '--layers', 1);
  whole(model.heads, '--heads', 1);
  whole(model.width, '--width', 1);
  if (model.width % model.heads !== 0) throw new ConfigError('--width', `must be a multiple of --heads (${model.heads}), got ${model.width}`);
  whole(model.context, '--context', 1);
  checkTrainingSettings(settings.training);
  if (objectives.temperature !== null) positive(objectives.temperature, '--temperature');
  whole(objectives.reweightingWarmup, '--reweighting-warmup', 0);
  if (!(objectives.ntlLambda >= 0)) throw new ConfigError('--ntl-lambda', `must be >= 0, got ${objectives.ntlLambda}`);
  whole(samples.tokens, '--sample-tokens', 0);
  if (!(samples.temperature > 0)) throw new ConfigError('--sample-temperature', `must be > 0, got ${samples.temperature}`);
}

/** The reweighting warm-up in whole estimate intervals: objectives change only at an interval's start. */
export function warmupInSteps(settings: Pick<LmSettings, 'objectives' | 'training'>): number {
  const every = settings.training.evalEvery;
  return Math.ceil(settings.objectives.reweightingWarmup / every) * every;
}
