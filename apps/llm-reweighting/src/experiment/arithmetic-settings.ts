import type { Method } from '@counterweight/experiment';
import { ConfigError } from '@counterweight/runtime/base';

import type { GptConfig } from '../models/gpt-config.js';
import { checkTrainingSettings, type LmTrainingSettings } from './settings.js';

/** The arithmetic problems of a number-token comparison (`--operation`, `--digits`, `--train-problems`, …). */
export interface ArithmeticProblemSettings {
  readonly operation: 'add' | 'sub' | 'mul' | 'mixed';
  /** Digits of each operand, inclusive range. */
  readonly digits: readonly [number, number];
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** What every run of an arithmetic comparison shares (JSON data). */
export interface ArithmeticSettings {
  readonly problems: ArithmeticProblemSettings;
  readonly model: Omit<GptConfig, 'vocabularySize' | 'causal'>;
  readonly training: LmTrainingSettings;
  /** λ of `CE + λ·NTL`. */
  readonly ntlLambda: number;
}

/** The NTL variants of `arithmetic --ntl`: `none` is plain cross-entropy, the baseline. */
export const NTL_CHOICES = ['none', 'was', 'mse'] as const;
/** One of {@link NTL_CHOICES}. */
export type NtlChoice = (typeof NTL_CHOICES)[number];

/** A method of the arithmetic comparison: the objective behind an `--ntl` choice. */
export interface ArithmeticMethodOptions {
  readonly objective: 'uniform' | 'ntl-was' | 'ntl-mse';
}

/** The arithmetic comparison's baseline method. */
export const ARITHMETIC_BASELINE = 'none';

const OBJECTIVE_OF: Record<NtlChoice, ArithmeticMethodOptions['objective']> = { none: 'uniform', was: 'ntl-was', mse: 'ntl-mse' };

/**
 * The methods of `arithmetic --ntl` in the order given, `none` first when missing.
 * @throws ConfigError naming `--ntl` for an unknown or repeated choice.
 */
export function arithmeticMethods(names: readonly string[]): Method<ArithmeticMethodOptions>[] {
  if (names.length === 0) throw new ConfigError('--ntl', 'must name at least one of none, was, mse');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ConfigError('--ntl', `names ${twice} twice`);
  const all = names.includes(ARITHMETIC_BASELINE) ? names : [ARITHMETIC_BASELINE, ...names];
  return all.map((name) => {
    if (!(NTL_CHOICES as readonly string[]).includes(name)) throw new ConfigError('--ntl', `unknown choice "${name}"; choose from ${NTL_CHOICES.join(', ')}`);
    return { name, options: { objective: OBJECTIVE_OF[name as NtlChoice] } };
  });
}

/** @throws ConfigError naming the flag of a setting out of range. */
export function checkArithmeticSettings(settings: ArithmeticSettings): void {
  const { problems, model } = settings;
  if (!['add', 'sub', 'mul', 'mixed'].includes(problems.operation)) throw new ConfigError('--operation', `must be add, sub, mul or mixed, got ${String(problems.operation)}`);
  const [lo, hi] = problems.digits;
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi >= lo && hi <= 9)) throw new ConfigError('--digits', `must be MIN,MAX with 1 <= MIN <= MAX <= 9, got ${lo},${hi}`);
  for (const [value, flag] of [[problems.train, '--train-problems'], [problems.validation, '--validation-problems'], [problems.test, '--test-problems']] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(flag, `must be a whole number >= 1, got ${value}`);
  }
  for (const [value, flag] of [[model.layers, '--layers'], [model.heads, '--heads'], [model.width, '--width'], [model.context, '--context']] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(flag, `must be a whole number >= 1, got ${value}`);
  }
  if (model.width % model.heads !== 0) throw new ConfigError('--width', `must be a multiple of --heads (${model.heads}), got ${model.width}`);
  checkTrainingSettings(settings.training);
  if (!(settings.ntlLambda >= 0)) throw new ConfigError('--ntl-lambda', `must be >= 0, got ${settings.ntlLambda}`);
}
