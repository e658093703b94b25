import { fileURLToPath } from 'node:url';

import {
  type InMemoryDataset,
  SeededRandom,
  createDataset,
  fitStandardizer,
  fromArrowTable,
  readCsvTable,
} from '@counterweight/runtime';

/** The embedded sample: UCI Bank Marketing `bank-additional.csv` (4,119 rows; see data/README.md). */
export const EMBEDDED_DATA = fileURLToPath(new URL('../data/bank-additional.csv.gz', import.meta.url));

/**
 * Numeric columns of UCI Bank Marketing's `bank-additional` layout used as features. `duration` is left out: the call
 * length is only known after the call (`duration = 0` implies `y = no`), so UCI says to drop it. `pdays = 999`
 * means "not contacted before".
 */
const NUMERIC = ['age', 'campaign', 'pdays', 'previous', 'emp.var.rate', 'cons.price.idx', 'cons.conf.idx', 'euribor3m', 'nr.employed'] as const;
/** Category indicators used as extra 0/1 features. `duration` is never used: it leaks the target. */
const INDICATORS = [
  { column: 'contact', equals: 'cellular' },
  { column: 'poutcome', equals: 'success' },
  { column: 'poutcome', equals: 'failure' },
  { column: 'default', equals: 'unknown' },
  { column: 'housing', equals: 'yes' },
  { column: 'loan', equals: 'yes' },
] as const;

/**
 * What the quickstart reads of a `bank-additional` file (`;`-separated, quoted, header row): its numeric features as
 * float32, the five category columns its indicators test with their value lists as in UCI's
 * `bank-additional-names.txt` (a value outside them is a `DataFileError` naming row and column), and the target `y`.
 * The full layout is the ctr-ranking app's; the quickstart reads only what it uses.
 */
const BANK_SCHEMA = {
  ...Object.fromEntries(NUMERIC.map((name) => [name, 'float32' as const])),
  default: { type: 'category', categories: ['no', 'unknown', 'yes'] },
  housing: { type: 'category', categories: ['no', 'unknown', 'yes'] },
  loan: { type: 'category', categories: ['no', 'unknown', 'yes'] },
  contact: { type: 'category', categories: ['cellular', 'telephone'] },
  poutcome: { type: 'category', categories: ['failure', 'nonexistent', 'success'] },
  y: { type: 'category', categories: ['no', 'yes'] },
} as const;

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

/** All rows of a Bank Marketing file with the model's 15 features and the target `y = yes` (not yet split or scaled). */
export interface BankRows {
  readonly all: InMemoryDataset;
}

/**
 * Reads a Bank Marketing file in UCI's `bank-additional` layout (semicolon-separated, quoted, header row; the
 * embedded sample by default) and keeps 9 numeric columns and 6 category indicators.
 * @throws DataFileError naming the file, row and column of a missing file or column or a bad value.
 */
export async function readBankRows(path: string = EMBEDDED_DATA): Promise<BankRows> {
  const table = await readCsvTable(path, { delimiter: ';', columns: BANK_SCHEMA });
  const all = fromArrowTable(table, {
    inputs: { x: { columns: [...NUMERIC, ...INDICATORS], dtype: 'float32' } },
    target: { column: 'y', equals: 'yes' },
  });
  return { all };
}

/**
 * Holds out `validationFraction` (default 0.25) of the rows by a permutation seeded with `seed`, and standardises
 * features with the training rows' statistics.
 */
export function splitBankRows(rows: BankRows, seed: number, validationFraction = 0.25): BankSplit {
  const { all } = rows;
  const order = SeededRandom.fromSeed(seed, 'quickstart-split').permutation(all.size);
  const cut = Math.round(all.size * (1 - validationFraction));
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

/** {@link readBankRows} then {@link splitBankRows}: the seeded split of one file. */
export async function loadBankSplit(options: { path?: string; seed: number; validationFraction?: number }): Promise<BankSplit> {
  return splitBankRows(await readBankRows(options.path), options.seed, options.validationFraction);
}
