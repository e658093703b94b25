import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { DataFileError, sharedDataDir, type Standardizer } from '@counterweight/runtime';

import type { FeatureSpec } from './auction-set.js';
import { BANK_ADDITIONAL_CATEGORIES, BANK_ADDITIONAL_NUMERIC, readBankAdditional } from './bank-additional.js';
import { defaultCtrFetchDir } from './fetch.js';
import { assembleAuctions, randomGroups } from './grouping.js';
import { DEFAULT_SPLIT, splitAuctions, standardizeSplits, type AuctionSplits, type SplitFractions } from './splits.js';

/**
 * The default `bank-additional-full.csv`: the copy `ctr-ranking fetch` wrote to its directory ({@link defaultCtrFetchDir})
 * when there is one, else the gzipped copy in the shared data.
 */
export function bankMarketingPath(env: NodeJS.ProcessEnv = process.env): string {
  const fetched = join(defaultCtrFetchDir(env), 'uci-bank-marketing', 'bank-additional-full.csv');
  return existsSync(fetched) ? fetched : join(sharedDataDir(), 'uci-bank-marketing', 'bank-additional-full.csv.gz');
}

const CATEGORICAL_FIELDS = Object.keys(BANK_ADDITIONAL_CATEGORIES) as (keyof typeof BANK_ADDITIONAL_CATEGORIES)[];

/** Options of {@link loadBankMarketing}. */
export interface BankMarketingOptions {
  /** A file in UCI's `bank-additional` layout (plain or gzip). Default {@link bankMarketingPath}. */
  readonly path?: string;
  /** Seed of the auction grouping and of the split. */
  readonly seed: number;
  /** Rows per constructed auction. Default 10. */
  readonly candidates?: number;
  /** Split of the auctions. Default 80/10/10. */
  readonly fractions?: SplitFractions;
}

/** Result of {@link loadBankMarketing}: standardised train/validation/test auctions. */
export interface BankMarketingData extends AuctionSplits {
  readonly rows: number;
  readonly positives: number;
  /** Fitted on the training auctions only. */
  readonly standardizer?: Standardizer;
}

/**
 * UCI Bank Marketing (`bank-additional-full.csv`, Moro et al. 2014) as a response-prediction data set: label y = "yes"
 * (subscribed; about 11 % positive), 9 numeric columns ({@link BANK_ADDITIONAL_NUMERIC}; `duration` dropped because it
 * leaks the outcome), 10 categorical columns with their fixed UCI value lists (index = position in the list + 1; the
 * literal `unknown` is a category of its own; 0 is unused because every value is known). The file is read with the
 * runtime's shared `bank-additional` schema (also used by tools/quickstart).
 *
 * **Our construction:** there are no auctions and no bids. Rows are put in a random order seeded by
 * `(seed, "bank-auctions")` and cut into auctions of `candidates` rows (the last one padded); every bid is 1, so
 * welfare = clicks (conversions). Whole auctions are then split `(seed, "ctr-split")` into train/validation/test,
 * and the numeric features are standardised with the training auctions' statistics.
 * @throws DataFileError naming file, row and column: a missing file or folder, a file that is not text, a missing
 *   column, an unknown category, a non-numeric, NaN or infinite numeric value.
 */
export async function loadBankMarketing(options: BankMarketingOptions): Promise<BankMarketingData> {
  const path = options.path ?? bankMarketingPath();
  const k = options.candidates ?? 10;
  const table = await readBankAdditional(path);
  const rows = table.numRows;
  const d = BANK_ADDITIONAL_NUMERIC.length;
  const f = CATEGORICAL_FIELDS.length;
  const numeric = new Float32Array(rows * d);
  BANK_ADDITIONAL_NUMERIC.forEach((name, j) => {
    const values = table.getChild(name)?.toArray() as Float32Array;
    for (let r = 0; r < rows; r += 1) {
      const value = values[r] ?? Number.NaN;
      // The CSV reader accepts NaN and Infinity as numbers; a feature must be finite (header = row 1).
      if (!Number.isFinite(value)) throw new DataFileError({ file: path, row: r + 2, column: name }, `expected a finite number, got ${value}`);
      numeric[r * d + j] = value;
    }
  });
  const categorical = new Int32Array(rows * f);
  CATEGORICAL_FIELDS.forEach((name, j) => {
    const column = table.getChild(name);
    const index = new Map<string, number>(BANK_ADDITIONAL_CATEGORIES[name].map((value, i) => [value, i + 1]));
    for (let r = 0; r < rows; r += 1) categorical[r * f + j] = index.get(String(column?.get(r))) ?? 0;
  });
  const y = table.getChild('y');
  const label = Float32Array.from({ length: rows }, (_, r) => (y?.get(r) === 'yes' ? 1 : 0));
  const positives = label.reduce((s, v) => s + v, 0);
  const spec: FeatureSpec = {
    numericNames: [...BANK_ADDITIONAL_NUMERIC],
    categoricalFields: CATEGORICAL_FIELDS,
    buckets: CATEGORICAL_FIELDS.map((name) => BANK_ADDITIONAL_CATEGORIES[name].length + 1),
  };
  const set = assembleAuctions(
    { spec, rows, numeric, categorical, label, bid: new Float32Array(rows).fill(1) },
    randomGroups(rows, k, options.seed, 'bank-auctions'),
    `UCI Bank Marketing (${path}): ${rows} rows in seeded random auctions of ${k} (our construction), bid 1`,
    k,
  );
  const splits = standardizeSplits(splitAuctions(set, { fractions: options.fractions ?? DEFAULT_SPLIT, seed: options.seed }));
  return { ...splits, rows, positives };
}
