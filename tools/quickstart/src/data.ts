import { fileURLToPath } from 'node:url';

import {
  BANK_ADDITIONAL_NUMERIC,
  type InMemoryDataset,
  SeededRandom,
  createDataset,
  fitStandardizer,
  fromArrowTable,
  readBankAdditional,
} from '@counterweight/runtime';

/** The embedded sample: UCI Bank Marketing `bank-additional.csv` (4,119 rows; see data/README.md). */
export const EMBEDDED_DATA = fileURLToPath(new URL('../data/bank-additional.csv.gz', import.meta.url));

const NUMERIC = BANK_ADDITIONAL_NUMERIC;
/** Category indicators used as extra 0/1 features. `duration` is never used: it leaks the target. */
const INDICATORS = [
  { column: 'contact', equals: 'cellular' },
  { column: 'poutcome', equals: 'success' },
  { column: 'poutcome', equals: 'failure' },
  { column: 'default', equals: 'unknown' },
  { column: 'housing', equals: 'yes' },
  { column: 'loan', equals: 'yes' },
] as const;

/** Names of the model's input features, in column order. */
export const FEATURE_NAMES: readonly string[] = [...NUMERIC, ...INDICATORS.map((i) => `${i.column}=${i.equals}`)];

/** A seeded train/validation split with standardised features. */
export interface BankSplit {
  readonly train: InMemoryDataset;
  readonly validation: InMemoryDataset;
  readonly rows: number;
  /** Positives (`y = yes`) among the training rows and the validation rows. */
  readonly trainPositives: number;
  readonly validationPositives: number;
}

function features(dataset: InMemoryDataset): Float32Array {
  const inputs = dataset.inputs;
  const values = 'values' in inputs ? inputs.values : inputs['x']?.values;
  if (!(values instanceof Float32Array)) throw new Error('internal: expected float32 features');
  return values;
}

function positives(dataset: InMemoryDataset): number {
  return (dataset.targets.values as Float32Array).reduce((sum, v) => sum + v, 0);
}

/**
 * Reads a Bank Marketing file in UCI's `bank-additional` layout (semicolon-separated, quoted, header row; the
 * embedded sample by default), keeps 9 numeric columns and 6 category indicators, holds out `validationFraction`
 * of the rows by a permutation seeded with `seed`, and standardises features with the training rows' statistics.
 * @throws DataFileError naming the file, row and column of a missing column or a bad value.
 */
export async function loadBankSplit(options: { path?: string; seed: number; validationFraction?: number }): Promise<BankSplit> {
  const path = options.path ?? EMBEDDED_DATA;
  const table = await readBankAdditional(path);
  const all = fromArrowTable(table, {
    inputs: { x: { columns: [...NUMERIC, ...INDICATORS], dtype: 'float32' } },
    target: { column: 'y', equals: 'yes' },
  });
  const fraction = options.validationFraction ?? 0.25;
  const order = SeededRandom.fromSeed(options.seed, 'quickstart-split').permutation(all.size);
  const cut = Math.round(all.size * (1 - fraction));
  const train = all.subset(order.subarray(0, cut));
  const validation = all.subset(order.subarray(cut));
  const width = FEATURE_NAMES.length;
  const standardizer = fitStandardizer(features(train), width);
  const rebuild = (d: InMemoryDataset): InMemoryDataset =>
    createDataset({ inputs: { values: standardizer.apply(features(d)), shape: [width] }, targets: d.targets });
  return {
    train: rebuild(train),
    validation: rebuild(validation),
    rows: all.size,
    trainPositives: positives(train),
    validationPositives: positives(validation),
  };
}
