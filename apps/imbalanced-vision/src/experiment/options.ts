import { ConfigError } from '@counterweight/runtime';

import type { LongTailProfile } from '../data/long-tail.js';
import { ARCHITECTURES, type Architecture } from '../models/options.js';
import { parseRecipes } from '../recipes/index.js';
import type { Recipe } from '../recipes/recipe.js';

export { COMPARE_DEFAULTS } from './compare-defaults.js';

/** What a comparison learns: one class per image (long-tailed), or a label set per image (mosaics). */
export type Task = Recipe['task'];

/**
 * The data and training settings every run of a comparison shares. JSON-serialisable: it is `config.json` of the
 * comparison and part of every run's identity, so a resumed comparison refuses a directory made with other settings.
 */
export interface ExperimentSettings {
  readonly task: Task;
  /** Directory of an MNIST-format data set (IDX files, plain or gzip). */
  readonly dataDir: string;
  /** Names of the classes (default: those of Fashion-MNIST when it has 10 classes, else `0`, `1`, …). */
  readonly classNames?: readonly string[];
  /** ρ: single-label, the long-tail profile's `n_max / n_min`; multi-label, the tile-class profile's ratio. */
  readonly imbalanceRatio: number;
  /** Single-label: `exponential` (default) or `step`. */
  readonly profile: LongTailProfile;
  /** Seed of the split (single-label) or of the mosaics (multi-label); shared by every recipe and repetition. */
  readonly splitSeed: number;
  /**
   * Which class gets which rank of the profile (head first): `natural` (default; class 0 is the head), `shuffled` (a
   * permutation drawn from the split seed), or an explicit list of every class id.
   */
  readonly classOrder?: 'natural' | 'shuffled' | readonly number[];
  /** Single-label: images of the head class (default: the largest the data allows). */
  readonly nMax?: number;
  /** Single-label: balanced test images per class (default: all the data allows). */
  readonly testPerClass?: number;
  /** Multi-label: training and test mosaics (test mosaics draw tile classes uniformly). */
  readonly trainMosaics: number;
  readonly testMosaics: number;
  readonly arch: Architecture;
  /** Base width of the backbone (default: the architecture's). */
  readonly width?: number;
  readonly epochs: number;
  /** Random crop with this zero padding (0: none) and horizontal flips, drawn per epoch. */
  readonly augmentPadding: number;
  readonly augmentFlip: boolean;
}

/** Options of {@link compare} (the `compare` command's flags). */
export interface CompareOptions extends ExperimentSettings {
  readonly recipes: readonly string[];
  /** Repetitions: training seeds `seed, seed + 1, …, seed + seeds − 1` (the harness's `consecutiveSeeds`). */
  readonly seeds: number;
  /** First training seed. */
  readonly seed: number;
  /** Output directory of the comparison; an existing one is resumed (same settings required). */
  readonly out: string;
  /** Runs trained at the same time, one thread each (default: the number of cores). */
  readonly jobs: number;
  /** ONNX teacher for `dhkd`. */
  readonly teacher?: string;
  readonly quiet?: boolean;
}

function positiveInteger(value: unknown, option: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(option, `must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Checks a comparison's options before anything is loaded or trained (`--seed`, `--seeds` and `--jobs` are the
 * harness's to check).
 * @throws ConfigError naming the option (`--imbalance-ratio`, `--epochs`, …); RangeError for an unknown recipe.
 */
export function validateCompareOptions(options: CompareOptions): Recipe[] {
  if (options.task !== 'single-label' && options.task !== 'multi-label') {
    throw new ConfigError('--task', `must be single-label or multi-label, got ${JSON.stringify(options.task)}`);
  }
  const recipes = parseRecipes(options.recipes.join(','), options.task);
  if (typeof options.imbalanceRatio !== 'number' || !Number.isFinite(options.imbalanceRatio) || options.imbalanceRatio < 1) {
    throw new ConfigError('--imbalance-ratio', `must be a finite number >= 1 (ρ = n_max / n_min), got ${String(options.imbalanceRatio)}`);
  }
  if (options.profile !== 'exponential' && options.profile !== 'step') {
    throw new ConfigError('--profile', `must be exponential or step, got ${JSON.stringify(options.profile)}`);
  }
  if (!(ARCHITECTURES as readonly string[]).includes(options.arch)) {
    throw new ConfigError('--arch', `must be one of ${ARCHITECTURES.join(', ')}, got ${JSON.stringify(options.arch)}`);
  }
  positiveInteger(options.epochs, '--epochs');
  positiveInteger(options.splitSeed, '--split-seed', 0);
  positiveInteger(options.augmentPadding, '--augment-padding', 0);
  positiveInteger(options.trainMosaics, '--train-mosaics');
  positiveInteger(options.testMosaics, '--test-mosaics');
  if (options.nMax !== undefined) positiveInteger(options.nMax, '--n-max');
  if (options.testPerClass !== undefined) positiveInteger(options.testPerClass, '--test-per-class');
  if (options.width !== undefined) positiveInteger(options.width, '--width');
  if (recipes.some((r) => r.needsTeacher === true) && options.teacher === undefined) {
    throw new ConfigError('--teacher', `recipe ${recipes.find((r) => r.needsTeacher === true)?.name ?? ''} needs a teacher model (an ONNX file)`);
  }
  return recipes;
}

/** The {@link ExperimentSettings} part of the options (what `config.json` pins). */
export function settingsOf(options: CompareOptions): ExperimentSettings {
  return {
    task: options.task,
    dataDir: options.dataDir,
    ...(options.classNames === undefined ? {} : { classNames: options.classNames }),
    imbalanceRatio: options.imbalanceRatio,
    profile: options.profile,
    splitSeed: options.splitSeed,
    ...(options.classOrder === undefined ? {} : { classOrder: options.classOrder }),
    ...(options.nMax === undefined ? {} : { nMax: options.nMax }),
    ...(options.testPerClass === undefined ? {} : { testPerClass: options.testPerClass }),
    trainMosaics: options.trainMosaics,
    testMosaics: options.testMosaics,
    arch: options.arch,
    ...(options.width === undefined ? {} : { width: options.width }),
    epochs: options.epochs,
    augmentPadding: options.augmentPadding,
    augmentFlip: options.augmentFlip,
  };
}
