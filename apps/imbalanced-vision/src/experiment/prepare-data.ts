import { resolve } from 'node:path';

import { ConfigError, SeededRandom } from '@counterweight/runtime';

import { FASHION_MNIST_CLASSES } from '../data/fashion-mnist.js';
import { defaultFetchDir } from '../data/fetch.js';
import { DEFAULT_IDX_DIR, loadIdxDataset } from '../data/idx.js';
import type { LabeledImages, MultiLabelImages } from '../data/image-set.js';
import { longTailSplit, type LongTailMetadata } from '../data/long-tail.js';
import { buildMosaics, mosaicClassProbabilities } from '../data/mosaic.js';
import { fitChannelStats, type ChannelStats } from '../data/normalize.js';
import { embeddedSampleDir } from '../data/sample.js';
import type { ExperimentSettings } from './options.js';

/** The single-label data of a comparison: a long-tailed training set and a balanced test set. */
export interface SingleLabelData {
  readonly task: 'single-label';
  readonly train: LabeledImages;
  readonly test: LabeledImages;
  readonly classNames: readonly string[];
  /** Training images per class. */
  readonly classCounts: readonly number[];
  readonly metadata: LongTailMetadata;
  /** Per-channel statistics of the (un-augmented) training images. */
  readonly normalization: ChannelStats;
}

/** Summary of a multi-label split for the report. */
export interface MultiLabelMetadata {
  readonly imbalanceRatio: number;
  readonly seed: number;
  readonly trainMosaics: number;
  readonly testMosaics: number;
  /** Probability that a training tile shows each class (head first in class-id order). */
  readonly tileClassProbabilities: readonly number[];
  readonly trainPositives: readonly number[];
  readonly testPositives: readonly number[];
  /** max / min of the training positives. */
  readonly trainImbalanceRatio: number;
}

/** The multi-label data of a comparison: 2×2 mosaics of training images (imbalanced) and of test images (uniform). */
export interface MultiLabelData {
  readonly task: 'multi-label';
  readonly train: MultiLabelImages;
  readonly test: MultiLabelImages;
  readonly classNames: readonly string[];
  /** Training images containing each class. */
  readonly classCounts: readonly number[];
  readonly metadata: MultiLabelMetadata;
  readonly normalization: ChannelStats;
}

export type ExperimentData = SingleLabelData | MultiLabelData;

/** True for the directories that hold Fashion-MNIST: Debian's copy, the fetch cache and the embedded sample. */
export function isFashionMnistDir(dir: string): boolean {
  const at = resolve(dir);
  return [DEFAULT_IDX_DIR, defaultFetchDir(), embeddedSampleDir()].some((known) => resolve(known) === at);
}

/**
 * Class names of a data set: as given, Fashion-MNIST's for its known directories, else the class ids.
 */
export function defaultClassNames(settings: Pick<ExperimentSettings, 'dataDir' | 'classNames'>): readonly string[] | undefined {
  return settings.classNames ?? (isFashionMnistDir(settings.dataDir) ? FASHION_MNIST_CLASSES : undefined);
}

/** The mosaics' class order: as given, drawn from the split seed (`shuffled`, the long-tail split's stream), or natural. */
function mosaicClassOrder(order: ExperimentSettings['classOrder'], numClasses: number, seed: number): readonly number[] | undefined {
  if (order === undefined || order === 'natural') return undefined;
  if (order === 'shuffled') return SeededRandom.fromSeed(seed, 'class-order').shuffleInPlace(Array.from({ length: numClasses }, (_, c) => c));
  return order;
}

function positives(images: MultiLabelImages): number[] {
  const C = images.classNames.length;
  const counts = new Array<number>(C).fill(0);
  for (let i = 0; i < images.count; i += 1) {
    for (let c = 0; c < C; c += 1) counts[c] = (counts[c] ?? 0) + (images.targets[i * C + c] ?? 0);
  }
  return counts;
}

/**
 * Loads the data set of `settings.dataDir` and builds the comparison's split, the same for every recipe and seed:
 * single-label, the long-tailed profile over the training images with a balanced test set; multi-label, mosaics
 * whose tile classes follow the long-tail profile (training) or are uniform (test).
 *
 * @throws DataFileError for a missing or corrupt IDX file; ConfigError for a split that leaves a class empty.
 */
export async function prepareData(settings: ExperimentSettings): Promise<ExperimentData> {
  const names = defaultClassNames(settings);
  const source = await loadIdxDataset(settings.dataDir, names === undefined ? {} : { classNames: names });
  const classNames = source.train.classNames;
  const numClasses = classNames.length;

  if (settings.task === 'single-label') {
    const split = longTailSplit(source.train, source.test, {
      profile: settings.profile,
      imbalanceRatio: settings.imbalanceRatio,
      seed: settings.splitSeed,
      ...(settings.classOrder === undefined ? {} : { classOrder: settings.classOrder }),
      ...(settings.nMax === undefined ? {} : { nMax: settings.nMax }),
      ...(settings.testPerClass === undefined ? {} : { testPerClass: settings.testPerClass }),
    });
    return {
      task: 'single-label',
      train: split.train,
      test: split.test,
      classNames,
      classCounts: split.metadata.trainCounts,
      metadata: split.metadata,
      normalization: fitChannelStats(split.train),
    };
  }

  const classOrder = mosaicClassOrder(settings.classOrder, numClasses, settings.splitSeed);
  const train = buildMosaics(source.train, {
    count: settings.trainMosaics,
    seed: settings.splitSeed,
    imbalanceRatio: settings.imbalanceRatio,
    ...(classOrder === undefined ? {} : { classOrder }),
  });
  const test = buildMosaics(source.test, { count: settings.testMosaics, seed: settings.splitSeed + 1 });
  const trainPositives = positives(train);
  const testPositives = positives(test);
  trainPositives.forEach((n, c) => {
    if (n === 0) {
      throw new ConfigError(
        '--train-mosaics',
        `class ${c} (${classNames[c] ?? c}) appears in none of the ${settings.trainMosaics} training mosaics at ρ = ` +
          `${settings.imbalanceRatio}; build more mosaics or lower the imbalance ratio`,
      );
    }
  });
  testPositives.forEach((n, c) => {
    if (n === 0) throw new ConfigError('--test-mosaics', `class ${c} (${classNames[c] ?? c}) appears in no test mosaic; build more`);
  });
  return {
    task: 'multi-label',
    train,
    test,
    classNames,
    classCounts: trainPositives,
    metadata: {
      imbalanceRatio: settings.imbalanceRatio,
      seed: settings.splitSeed,
      trainMosaics: train.count,
      testMosaics: test.count,
      tileClassProbabilities: mosaicClassProbabilities(numClasses, settings.imbalanceRatio, classOrder),
      trainPositives,
      testPositives,
      trainImbalanceRatio: Math.max(...trainPositives) / Math.min(...trainPositives),
    },
    normalization: fitChannelStats(train),
  };
}
