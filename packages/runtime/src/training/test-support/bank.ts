import { join } from 'node:path';

import { readCsvTable } from '../../data/csv-table.js';
import { sharedDataDir } from '../../data/shared-data.js';
import { fitStandardizer } from '../../data/standardizer.js';
import { SeededRandom } from '../../random.js';
import { fromArrowTable } from '../arrow-dataset.js';
import { createDataset, type FeatureArray, type InMemoryDataset } from '../dataset.js';

/** Numeric columns of UCI Bank Marketing (bank-additional-full) used as features. `duration` is left out (leaks y). */
export const BANK_FEATURES = [
  'age',
  'campaign',
  'pdays',
  'previous',
  'emp.var.rate',
  'cons.price.idx',
  'cons.conf.idx',
  'euribor3m',
  'nr.employed',
] as const;

/**
 * What these tests read of the file: the numeric features as float32 and the target `y`. The full layout (every
 * category list) is the ctr-ranking app's `bank-additional.ts`; the runtime knows no domain schema.
 */
const BANK_TEST_SCHEMA = {
  ...Object.fromEntries(BANK_FEATURES.map((name) => [name, 'float32' as const])),
  y: { type: 'category', categories: ['no', 'yes'] },
} as const;

/**
 * Loads bank-additional-full.csv.gz (41,188 rows, semicolon-delimited) through readCsvTable -> fromArrowTable,
 * target y = "yes", splits it by a seeded permutation into `trainRows` training rows and the next `validationRows`
 * rows, and standardises the features with the training rows' statistics.
 */
export async function loadBankMarketing(options: { trainRows: number; validationRows: number; seed: number }): Promise<{
  train: InMemoryDataset;
  validation: InMemoryDataset;
}> {
  const table = await readCsvTable(join(sharedDataDir(), 'uci-bank-marketing', 'bank-additional-full.csv.gz'), {
    delimiter: ';',
    columns: BANK_TEST_SCHEMA,
  });
  const all = fromArrowTable(table, {
    inputs: { x: { columns: BANK_FEATURES, dtype: 'float32' } },
    target: { column: 'y', equals: 'yes' },
  });
  const order = SeededRandom.fromSeed(options.seed, 'bank-split').permutation(all.size);
  const train = all.subset(order.subarray(0, options.trainRows));
  const validation = all.subset(order.subarray(options.trainRows, options.trainRows + options.validationRows));
  const width = BANK_FEATURES.length;
  const features = (d: InMemoryDataset): Float32Array => {
    const x = (d.inputs as Readonly<Record<string, FeatureArray>>)['x']?.values;
    if (!(x instanceof Float32Array)) throw new Error('expected float32 features');
    return x;
  };
  const standardizer = fitStandardizer(features(train), width);
  // One unnamed input for a single-input model.
  const rebuild = (d: InMemoryDataset): InMemoryDataset =>
    createDataset({ inputs: { values: standardizer.apply(features(d)), shape: [width] }, targets: d.targets });
  return { train: rebuild(train), validation: rebuild(validation) };
}
