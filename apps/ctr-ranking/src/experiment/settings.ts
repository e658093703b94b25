import type { Method } from '@counterweight/experiment';
import { ConfigError } from '@counterweight/runtime';

import type { CtrModelConfig } from '../models/index.js';
import type { ObjectiveName } from './objectives.js';
import type { DataSource } from './prepare-data.js';

/** Optimiser choices of `compare`. */
export type OptimizerName = 'adam' | 'momo';

/**
 * Where the teacher of `welfare-teacher` comes from: a model of `kind` trained with logloss on the same data for
 * `epochs` epochs (one per repetition, seeded from it), or an exported model (ONNX file) scored by onnxruntime-node.
 */
export type TeacherSettings =
  | { readonly kind: 'model'; readonly model: CtrModelConfig; readonly epochs: number }
  | { readonly kind: 'onnx'; readonly path: string };

/**
 * What every run of a ctr-ranking comparison shares (JSON data: `config.json` holds it, and a resumed comparison must
 * have the same). The methods (objectives and `λ`s) and the repetitions are the harness's.
 */
export interface CtrSettings {
  /** Where the auctions come from (`--data` and its flags). */
  readonly data: DataSource;
  /** Seed of data generation and splits: the comparison's base seed `--seed`. */
  readonly dataSeed: number;
  readonly model: CtrModelConfig;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly epochs: number;
  /** Auctions per batch. */
  readonly batchSize: number;
  /** `τ` of the welfare rank loss, in units of the batch mean bid. */
  readonly temperature: number;
  /** `α` of `welfare-teacher`: outcome = (1 − α)·click + α·teacher CTR. */
  readonly teacherMix: number;
  readonly teacher: TeacherSettings;
}

/** A method's options: its objective and, for `combined`, `λ` (the weight of logloss). */
export interface CtrMethodOptions {
  readonly objective: ObjectiveName;
  readonly lambda?: number;
}

/** The method every other one is read against. */
export const BASELINE_METHOD = 'logloss';

/**
 * The methods of a comparison: one per objective, and one per `λ` for `combined` (named `combined-<λ>`), in the
 * order given.
 * @throws ConfigError naming `--losses` (none, or one twice) or `--lambdas` (outside [0, 1]; none with `combined`).
 */
export function ctrMethods(objectives: readonly ObjectiveName[], lambdas: readonly number[]): Method<CtrMethodOptions>[] {
  if (objectives.length === 0) throw new ConfigError('--losses', 'must name at least one loss');
  const twice = objectives.find((o, i) => objectives.indexOf(o) !== i);
  if (twice !== undefined) throw new ConfigError('--losses', `names ${twice} twice`);
  for (const lambda of lambdas) {
    if (!(lambda >= 0 && lambda <= 1)) throw new ConfigError('--lambdas', `must lie in [0, 1], got ${lambda}`);
  }
  if (objectives.includes('combined') && lambdas.length === 0) throw new ConfigError('--lambdas', 'give at least one λ for the combined loss');
  return objectives.flatMap((objective): Method<CtrMethodOptions>[] =>
    objective === 'combined'
      ? lambdas.map((lambda) => ({ name: `combined-${lambda}`, options: { objective, lambda } }))
      : [{ name: objective, options: { objective } }],
  );
}

/** @throws ConfigError naming the flag of a setting out of range. */
export function checkCtrSettings(settings: CtrSettings): void {
  if (!(settings.temperature > 0)) throw new ConfigError('--temperature', `must be > 0, got ${settings.temperature}`);
  if (!(settings.learningRate > 0)) throw new ConfigError('--lr', `must be > 0, got ${settings.learningRate}`);
  if (!(settings.teacherMix >= 0 && settings.teacherMix <= 1)) throw new ConfigError('--teacher-mix', `must lie in [0, 1], got ${settings.teacherMix}`);
  if (!Number.isSafeInteger(settings.epochs) || settings.epochs < 1) throw new ConfigError('--epochs', `must be a whole number >= 1, got ${settings.epochs}`);
  if (!Number.isSafeInteger(settings.batchSize) || settings.batchSize < 1) {
    throw new ConfigError('--batch-size', `must be a whole number >= 1, got ${settings.batchSize}`);
  }
}
