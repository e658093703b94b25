import { ConfigError, SeededRandom, fitStandardizer, type Standardizer } from '@counterweight/runtime';

import { allocateAuctionArrays, type AuctionSet } from './auction-set.js';

/** Fractions of a train/validation/test split; each in [0, 1], summing to 1 (within 1e-9). */
export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** Default split: 80 % train, 10 % validation, 10 % test. */
export const DEFAULT_SPLIT: SplitFractions = { train: 0.8, validation: 0.1, test: 0.1 };

/** Indices of each part of a split, each part in ascending order. */
export interface IndexSplit {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

/** Validates {@link SplitFractions}. */
export function checkFractions(fractions: SplitFractions): SplitFractions {
  for (const part of ['train', 'validation', 'test'] as const) {
    const value = fractions[part];
    if (!(value >= 0 && value <= 1)) throw new ConfigError(`split.${part}`, `must be in [0, 1], got ${value}`);
  }
  const sum = fractions.train + fractions.validation + fractions.test;
  if (Math.abs(sum - 1) > 1e-9) throw new ConfigError('split', `fractions must sum to 1, got ${sum}`);
  return fractions;
}

/**
 * The one seeded split helper of ctr-ranking: a permutation of `0..n-1` drawn from
 * `SeededRandom.fromSeed(seed, label)` is cut into `round(n·train)` train, `round(n·validation)` validation and the
 * rest test indices; each part is returned sorted, so the original (e.g. time) order is kept inside a part. Loaders
 * split **auctions** (whole candidate sets), except Open Bandit, which splits logged impressions before grouping.
 */
export function splitIndices(n: number, fractions: SplitFractions, seed: number, label = 'ctr-split'): IndexSplit {
  checkFractions(fractions);
  const order = SeededRandom.fromSeed(seed, label).permutation(n);
  const nTrain = Math.round(n * fractions.train);
  const nValidation = Math.min(n - nTrain, Math.round(n * fractions.validation));
  const sorted = (part: Int32Array): Int32Array => Int32Array.from(part).sort();
  return {
    train: sorted(order.subarray(0, nTrain)),
    validation: sorted(order.subarray(nTrain, nTrain + nValidation)),
    test: sorted(order.subarray(nTrain + nValidation)),
  };
}

/** The auctions `indices` of `set`, in that order (copies). */
export function subsetAuctions(set: AuctionSet, indices: ArrayLike<number>, description?: string): AuctionSet {
  const s = set.slots;
  const d = set.spec.numericNames.length;
  const f = set.spec.categoricalFields.length;
  const n = indices.length;
  const arrays = allocateAuctionArrays(set.spec, n, s, set.trueCtr !== undefined);
  const { numeric, categorical, label, bid, mask, trueCtr } = arrays;
  for (let i = 0; i < n; i += 1) {
    const a = indices[i] ?? -1;
    if (!(a >= 0 && a < set.auctions)) throw new ConfigError('indices', `auction ${a} is outside 0..${set.auctions - 1}`);
    numeric.set(set.numeric.subarray(a * s * d, (a + 1) * s * d), i * s * d);
    categorical.set(set.categorical.subarray(a * s * f, (a + 1) * s * f), i * s * f);
    label.set(set.label.subarray(a * s, (a + 1) * s), i * s);
    bid.set(set.bid.subarray(a * s, (a + 1) * s), i * s);
    mask.set(set.mask.subarray(a * s, (a + 1) * s), i * s);
    if (trueCtr !== undefined && set.trueCtr !== undefined) trueCtr.set(set.trueCtr.subarray(a * s, (a + 1) * s), i * s);
  }
  return {
    spec: set.spec,
    auctions: n,
    slots: s,
    ...arrays,
    description: description ?? set.description,
  };
}

/** Train, validation and test auctions. */
export interface AuctionSplits {
  readonly train: AuctionSet;
  readonly validation: AuctionSet;
  readonly test: AuctionSet;
}

/** Seeded train/validation/test split of whole auctions ({@link splitIndices}); parts are described as such. */
export function splitAuctions(set: AuctionSet, options: { readonly fractions?: SplitFractions; readonly seed: number }): AuctionSplits {
  const parts = splitIndices(set.auctions, options.fractions ?? DEFAULT_SPLIT, options.seed);
  return {
    train: subsetAuctions(set, parts.train, `${set.description} [train]`),
    validation: subsetAuctions(set, parts.validation, `${set.description} [validation]`),
    test: subsetAuctions(set, parts.test, `${set.description} [test]`),
  };
}

/** The numeric features of the real (mask = 1) candidates, row-major `[candidates, d]`. */
function realNumericRows(set: AuctionSet): Float32Array {
  const d = set.spec.numericNames.length;
  let count = 0;
  for (const m of set.mask) if (m === 1) count += 1;
  const out = new Float32Array(count * d);
  let row = 0;
  for (let i = 0; i < set.mask.length; i += 1) {
    if (set.mask[i] !== 1) continue;
    out.set(set.numeric.subarray(i * d, i * d + d), row * d);
    row += 1;
  }
  return out;
}

/**
 * Fits a standardiser on the numeric features of the real candidates of `set` (padding ignored; a constant column
 * gets std 1). Use it on the training split only.
 * @throws ConfigError when `set` has no numeric features or no real candidates, or a value is not finite.
 */
export function fitAuctionStandardizer(set: AuctionSet): Standardizer {
  const d = set.spec.numericNames.length;
  if (d === 0) throw new ConfigError('numeric', 'has no numeric features to standardise');
  return fitStandardizer(realNumericRows(set), d);
}

/**
 * `set` with its numeric features standardised by `standardizer` (padded slots stay 0) and the statistics recorded
 * in `spec.standardization`.
 */
export function standardizeAuctions(set: AuctionSet, standardizer: Standardizer): AuctionSet {
  const d = set.spec.numericNames.length;
  if (standardizer.width !== d) throw new ConfigError('standardizer', `has ${standardizer.width} columns, the set has ${d}`);
  const numeric = standardizer.apply(set.numeric);
  for (let i = 0; i < set.mask.length; i += 1) if (set.mask[i] !== 1) numeric.fill(0, i * d, i * d + d);
  return {
    ...set,
    spec: { ...set.spec, standardization: { mean: [...standardizer.mean], std: [...standardizer.std] } },
    numeric,
  };
}

/**
 * Standardises every part of a split with statistics fitted on `splits.train` only; sets without numeric features
 * are returned unchanged.
 */
export function standardizeSplits(splits: AuctionSplits): AuctionSplits & { readonly standardizer?: Standardizer } {
  if (splits.train.spec.numericNames.length === 0) return splits;
  const standardizer = fitAuctionStandardizer(splits.train);
  return {
    train: standardizeAuctions(splits.train, standardizer),
    validation: standardizeAuctions(splits.validation, standardizer),
    test: standardizeAuctions(splits.test, standardizer),
    standardizer,
  };
}
