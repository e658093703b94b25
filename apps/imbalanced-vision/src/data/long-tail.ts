import { ConfigError, SeededRandom } from '@counterweight/runtime';

import { classGroupings, type ClassGrouping, type GroupingRule } from './class-groups.js';
import { classCounts, indicesByClass, selectImages, type LabeledImages } from './image-set.js';

/**
 * Shape of the class-count profile:
 * - `exponential`: `n_i = floor(n_max · ρ^(-i/(C-1)))` for rank `i = 0..C-1` (Cui et al. 2019 / Cao et al. 2019
 *   CIFAR-LT; computed as `n_max · (1/ρ)^(i/(C-1))` like their code).
 * - `step`: the first ⌈C/2⌉ ranks get `n_max`, the last ⌊C/2⌋ get `floor(n_max / ρ)` (Cao et al.'s step imbalance
 *   with half the classes in the minority; for odd C the extra class is a majority class).
 */
export type LongTailProfile = 'exponential' | 'step';

/** Inputs of {@link longTailCounts}. */
export interface LongTailCountsOptions {
  readonly profile: LongTailProfile;
  /** ρ = n_max / n_min, at least 1 (1 = balanced). */
  readonly imbalanceRatio: number;
  /** Images of the head class. */
  readonly nMax: number;
  readonly numClasses: number;
}

/** Checks ρ. @throws ConfigError unless it is a finite number ≥ 1. */
export function validateImbalanceRatio(imbalanceRatio: number): void {
  if (typeof imbalanceRatio !== 'number' || !Number.isFinite(imbalanceRatio) || imbalanceRatio < 1) {
    throw new ConfigError('imbalanceRatio', `must be a finite number ≥ 1 (ρ = n_max / n_min), got ${String(imbalanceRatio)}`);
  }
}

/**
 * Images per class rank under a {@link LongTailProfile}: element `i` is the count of the class of rank `i`
 * (0 = head). With `n_max = 5000`, C = 10 the exponential profile gives the CIFAR-10-LT totals 20,431 (ρ = 10),
 * 13,996 (ρ = 50) and 12,406 (ρ = 100). Counts can be 0 for large ρ and small `n_max`.
 * @throws ConfigError for ρ < 1, a non-positive `nMax` or `numClasses`, or an unknown profile.
 */
export function longTailCounts(options: LongTailCountsOptions): number[] {
  const { profile, imbalanceRatio, nMax, numClasses: C } = options;
  validateImbalanceRatio(imbalanceRatio);
  if (!Number.isSafeInteger(nMax) || nMax < 1) throw new ConfigError('nMax', `must be a positive integer, got ${String(nMax)}`);
  if (!Number.isSafeInteger(C) || C < 1) throw new ConfigError('numClasses', `must be a positive integer, got ${String(C)}`);
  const factor = 1 / imbalanceRatio;
  if (profile === 'exponential') {
    return Array.from({ length: C }, (_, i) => (C === 1 ? nMax : Math.floor(nMax * Math.pow(factor, i / (C - 1)))));
  }
  if (profile === 'step') {
    const majority = C - Math.floor(C / 2);
    return Array.from({ length: C }, (_, i) => (i < majority ? nMax : Math.floor(nMax * factor)));
  }
  throw new ConfigError('profile', `must be exponential or step, got ${String(profile)}`);
}

/** Options of {@link longTailSplit}. */
export interface LongTailOptions {
  /** Default `exponential`. */
  readonly profile?: LongTailProfile;
  /** ρ ≥ 1. */
  readonly imbalanceRatio: number;
  /** Seeds which images of each class are kept (streams `long-tail/<class>` and `long-tail-test/<class>`). */
  readonly seed: number;
  /**
   * Images of the head class. Default: the smallest training count among the classes used (6,000 for Fashion-MNIST),
   * minus `validationPerClass` when validation comes from the `remaining` images.
   */
  readonly nMax?: number;
  /**
   * Which class gets which rank (head first): `natural` (default; class 0 is the head, as in CIFAR-LT), `shuffled`
   * (a permutation drawn from stream `class-order` of the seed), or an explicit list of source class ids (it may
   * name a subset of the classes).
   */
  readonly classOrder?: 'natural' | 'shuffled' | readonly number[];
  /** Use only the first `numClasses` classes of the order. Default: all. */
  readonly numClasses?: number;
  /** Images per class held out for validation (e.g. 20, Hasegawa & Sato). Default 0 (no validation split). */
  readonly validationPerClass?: number;
  /**
   * Where validation images come from: `subset` (default; removed from the long-tailed training images, as Hasegawa &
   * Sato do, so class `c` trains on `n_c − k`) or `remaining` (drawn from the images the profile left out, so
   * training keeps exactly `n_c`, like ImageNet-LT's separate validation set). Either way the validation set is
   * balanced and does not depend on ρ.
   */
  readonly validationFrom?: 'subset' | 'remaining';
  /** Test images per class (balanced). Default: the smallest test count among the classes used (all 1,000 for Fashion-MNIST). */
  readonly testPerClass?: number;
}

/** Everything about a split a report or a checkpoint needs; JSON-serialisable. */
export interface LongTailMetadata {
  readonly profile: LongTailProfile;
  readonly imbalanceRatio: number;
  readonly seed: number;
  readonly nMax: number;
  /** Names of the class ids of the split. */
  readonly classNames: readonly string[];
  /** Source class id of each class id (the identity when every class is used). */
  readonly sourceClassIds: readonly number[];
  /** Class ids from head (rank 0) to tail. */
  readonly classOrder: readonly number[];
  /** Images per class id that the profile selects (before any validation hold-out). */
  readonly profileCounts: readonly number[];
  readonly trainCounts: readonly number[];
  readonly validationCounts: readonly number[];
  readonly testCounts: readonly number[];
  /** max / min of `trainCounts`: ρ after flooring and hold-out. */
  readonly trainImbalanceRatio: number;
  readonly validation: { readonly perClass: number; readonly from: 'subset' | 'remaining' } | null;
  /** Class groups by both rules, computed from `trainCounts` and `classOrder`. */
  readonly groupings: Readonly<Record<GroupingRule, ClassGrouping>>;
  /** The grouping to report by default: `rank-thirds`, the Fashion-MNIST-LT convention (papers-vision.md §14). */
  readonly defaultGrouping: GroupingRule;
}

/** A long-tailed training set, an optional validation set and a balanced test set. */
export interface LongTailSplit {
  readonly train: LabeledImages;
  readonly validation: LabeledImages | undefined;
  readonly test: LabeledImages;
  /** Row indices into the source training set (`train`, `validation`) and test set (`test`), ascending. */
  readonly indices: { readonly train: Int32Array; readonly validation: Int32Array; readonly test: Int32Array };
  readonly metadata: LongTailMetadata;
}

function nonNegativeInteger(value: number | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(option, `must be a non-negative integer, got ${String(value)}`);
  return value;
}

function resolveOrder(options: LongTailOptions, present: readonly number[], numSource: number): number[] {
  const order = options.classOrder ?? 'natural';
  let ids: number[];
  if (order === 'natural') ids = [...present];
  else if (order === 'shuffled') ids = Array.from(SeededRandom.fromSeed(options.seed, 'class-order').shuffleInPlace([...present]));
  else if (Array.isArray(order)) {
    const seen = new Set<number>();
    for (const id of order as readonly number[]) {
      if (!Number.isInteger(id) || id < 0 || id >= numSource || !present.includes(id)) {
        throw new ConfigError('classOrder', `class ${String(id)} is not in the training set (classes present: ${present.join(', ')})`);
      }
      if (seen.has(id)) throw new ConfigError('classOrder', `lists class ${id} twice`);
      seen.add(id);
    }
    ids = [...(order as readonly number[])];
  } else {
    throw new ConfigError('classOrder', `must be natural, shuffled or a list of class ids, got ${String(order)}`);
  }
  if (options.numClasses !== undefined) {
    if (!Number.isSafeInteger(options.numClasses) || options.numClasses < 1) {
      throw new ConfigError('numClasses', `must be a positive integer, got ${String(options.numClasses)}`);
    }
    if (options.numClasses > ids.length) {
      throw new ConfigError(
        'numClasses',
        `asks for ${options.numClasses} classes but ${Array.isArray(order) ? 'classOrder lists' : 'the training set has'} ${ids.length}`,
      );
    }
    ids = ids.slice(0, options.numClasses);
  }
  return ids;
}

function remapLabels(images: LabeledImages, rows: Int32Array, newId: ReadonlyMap<number, number>, classNames: readonly string[]): LabeledImages {
  const selected = selectImages(images, rows);
  const labels = selected.labels.map((label) => newId.get(label) as number);
  return { ...selected, labels, classNames };
}

function sortedRows(parts: readonly Int32Array[]): Int32Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Int32Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out.sort();
}

/**
 * Builds a long-tailed split from a balanced (or any) labelled data set: class `c` of rank `i` keeps
 * `n_i` of its training images ({@link longTailCounts}), chosen by a seeded permutation per class (stream
 * `long-tail/<source class>`), so for one seed the images kept at a larger ρ are a subset of those kept at a smaller
 * one. The test set stays balanced: `testPerClass` images of each class used (seeded; all of them by default on
 * Fashion-MNIST). Images keep their source order (ascending row index) in every part.
 *
 * Class ids: when every source class is used, ids and names are unchanged and `classOrder` only sets the ranks.
 * When a subset is used (`numClasses` or a shorter `classOrder`), the classes are renumbered 0..C-1 in increasing
 * source id (`metadata.sourceClassIds` maps back).
 *
 * @throws ConfigError for ρ < 1; `numClasses` or `classOrder` asking for more classes than present or for a class
 *   with no training images; a class that would end up with no training image (naming the class and its count);
 *   a class with fewer images than its profile count plus the validation hold-out, or fewer test images than
 *   `testPerClass` (naming the class and both numbers).
 */
export function longTailSplit(train: LabeledImages, test: LabeledImages, options: LongTailOptions): LongTailSplit {
  validateImbalanceRatio(options.imbalanceRatio);
  if (!Number.isSafeInteger(options.seed)) throw new ConfigError('seed', `must be a safe integer, got ${String(options.seed)}`);
  const profile = options.profile ?? 'exponential';
  const numSource = train.classNames.length;
  const trainByClass = indicesByClass(train.labels, numSource);
  const testByClass = indicesByClass(test.labels, numSource);
  const present = trainByClass.flatMap((rows, c) => (rows.length > 0 ? [c] : []));
  const order = resolveOrder(options, present, numSource);
  const C = order.length;
  const describe = (source: number): string => `class ${source} (${JSON.stringify(train.classNames[source])})`;

  const k = nonNegativeInteger(options.validationPerClass, 'validationPerClass', 0);
  const from = options.validationFrom ?? 'subset';
  if (from !== 'subset' && from !== 'remaining') {
    throw new ConfigError('validationFrom', `must be subset or remaining, got ${String(from)}`);
  }
  const smallest = Math.min(...order.map((s) => (trainByClass[s] as Int32Array).length));
  const nMax = options.nMax ?? (from === 'remaining' ? smallest - k : smallest);
  const countsByRank = longTailCounts({ profile, imbalanceRatio: options.imbalanceRatio, nMax, numClasses: C });
  const testPerClass = nonNegativeInteger(
    options.testPerClass,
    'testPerClass',
    Math.min(...order.map((s) => (testByClass[s] as Int32Array).length)),
  );
  if (testPerClass < 1) {
    const empty = order.find((s) => (testByClass[s] as Int32Array).length === 0) ?? order[0] ?? 0;
    throw new ConfigError('testPerClass', `${describe(empty)} has no test images; a balanced test set needs at least 1 per class`);
  }

  const trainParts: Int32Array[] = [];
  const validationParts: Int32Array[] = [];
  const testParts: Int32Array[] = [];
  order.forEach((source, rank) => {
    const rows = trainByClass[source] as Int32Array;
    const n = countsByRank[rank] as number;
    const trainN = from === 'subset' ? n - k : n;
    if (trainN < 1) {
      const formula =
        profile === 'exponential'
          ? `n_max · ρ^(-${rank}/${Math.max(1, C - 1)}) = ${nMax} · ${options.imbalanceRatio}^(-${rank}/${Math.max(1, C - 1)})`
          : `n_max / ρ = ${nMax} / ${options.imbalanceRatio}`;
      const holdOut = from === 'subset' && k > 0 ? ` minus ${k} validation images` : '';
      throw new ConfigError(
        'imbalanceRatio',
        `${describe(source)} (rank ${rank}) would be empty: its count is ${n} (${formula}, floored)${holdOut}, leaving ${trainN} ` +
          'training images; lower imbalanceRatio or validationPerClass, or raise nMax',
      );
    }
    const needed = from === 'subset' ? Math.max(n, k) : n + k;
    if (rows.length < needed) {
      throw new ConfigError(
        'nMax',
        `${describe(source)} has ${rows.length} training images but rank ${rank} needs ${needed}` +
          (k > 0 ? ` (${n} by the profile${from === 'remaining' ? ` + ${k} validation` : ''})` : ''),
      );
    }
    const permuted = SeededRandom.fromSeed(options.seed, 'long-tail', source).shuffleInPlace(Int32Array.from(rows));
    if (from === 'subset') {
      validationParts.push(permuted.subarray(0, k));
      trainParts.push(permuted.subarray(k, n));
    } else {
      trainParts.push(permuted.subarray(0, n));
      validationParts.push(permuted.subarray(rows.length - k));
    }
    const testRows = testByClass[source] as Int32Array;
    if (testRows.length < testPerClass) {
      throw new ConfigError('testPerClass', `${describe(source)} has ${testRows.length} test images, fewer than testPerClass ${testPerClass}`);
    }
    testParts.push(
      testRows.length === testPerClass
        ? testRows
        : SeededRandom.fromSeed(options.seed, 'long-tail-test', source).shuffleInPlace(Int32Array.from(testRows)).subarray(0, testPerClass),
    );
  });

  // Class ids of the split: unchanged when every class is used, else 0..C-1 by increasing source id.
  const sourceClassIds = C === numSource ? Array.from({ length: C }, (_, c) => c) : [...order].sort((a, b) => a - b);
  const newId = new Map(sourceClassIds.map((source, id) => [source, id]));
  const classNames = sourceClassIds.map((source) => train.classNames[source] as string);
  const indices = { train: sortedRows(trainParts), validation: sortedRows(validationParts), test: sortedRows(testParts) };
  const trainSplit = remapLabels(train, indices.train, newId, classNames);
  const validation = k > 0 ? remapLabels(train, indices.validation, newId, classNames) : undefined;
  const testSplit = remapLabels(test, indices.test, newId, classNames);

  const classOrder = order.map((source) => newId.get(source) as number);
  const byClass = (perRank: readonly number[]): number[] => {
    const out = new Array<number>(C).fill(0);
    classOrder.forEach((id, rank) => (out[id] = perRank[rank] as number));
    return out;
  };
  const trainCounts = classCounts(trainSplit.labels, C);
  return {
    train: trainSplit,
    validation,
    test: testSplit,
    indices,
    metadata: {
      profile,
      imbalanceRatio: options.imbalanceRatio,
      seed: options.seed,
      nMax,
      classNames,
      sourceClassIds,
      classOrder,
      profileCounts: byClass(countsByRank),
      trainCounts,
      validationCounts: validation === undefined ? new Array<number>(C).fill(0) : classCounts(validation.labels, C),
      testCounts: classCounts(testSplit.labels, C),
      trainImbalanceRatio: Math.max(...trainCounts) / Math.min(...trainCounts),
      validation: k > 0 ? { perClass: k, from } : null,
      groupings: classGroupings(trainCounts, classOrder),
      defaultGrouping: 'rank-thirds',
    },
  };
}
