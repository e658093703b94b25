import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError, DataFileError, fitStandardizer, readCsvTable, sharedDataDir, type CsvSchema, type Standardizer } from '@counterweight/runtime';
import type { Table } from 'apache-arrow';

import type { AuctionSet, FeatureSpec } from './auction-set.js';
import { CategoryCounter, Vocabulary } from './encoding.js';
import { defaultCtrFetchDir } from './fetch.js';
import { assembleAuctions, fixedSizeGroups, groupsByKey } from './grouping.js';
import type { OffPolicyLog } from './off-policy-log.js';
import { splitIndices } from './splits.js';
import { requireCsvColumns } from './csv-header.js';
import { requireTextFile } from './text-check.js';

/** Behaviour policies of the Open Bandit Dataset. */
export type ObdPolicy = 'random' | 'bts';
/** Campaigns of the Open Bandit Dataset (the `all` log is not in the shared sample; see SOURCES.md §5). */
export type ObdCampaign = 'men' | 'women' | 'all';

/**
 * How logged rows are grouped into training auctions (see {@link loadOpenBandit}):
 * - `user-context`: rows with the same user features `user_feature_0..3`, in time order, chunks of `candidates`;
 * - `consecutive`: consecutive rows in time order, chunks of `candidates`.
 */
export type ObdGrouping = 'user-context' | 'consecutive';

/** The value of a click on an item: `exp-price` = exp(item_feature_0) (positive, monotone in the price-like feature); `unit` = 1. */
export type ObdValue = 'exp-price' | 'unit';

/** Options of {@link loadOpenBandit}. */
export interface OpenBanditOptions {
  readonly campaign: ObdCampaign;
  /** Default `random` (uniform logging: propensity 1/items). */
  readonly policy?: ObdPolicy;
  /**
   * Directory holding `<campaign>.csv[.gz]` and `item_context.csv[.gz]`. Default
   * `<shared data>/open-bandit-dataset/<policy>/<campaign>`.
   */
  readonly dir?: string;
  /** Seed of the train/test split by impression. */
  readonly seed: number;
  /** Fraction of logged impressions held out for testing. Default 0.3. */
  readonly testFraction?: number;
  /** Candidates per training auction. Default 10. */
  readonly candidates?: number;
  /** Default `user-context`. */
  readonly grouping?: ObdGrouping;
  /** Default `exp-price`. */
  readonly value?: ObdValue;
}

/** Result of {@link loadOpenBandit}. */
export interface OpenBanditData {
  readonly spec: FeatureSpec;
  /** Items of the campaign (candidates of every off-policy row). */
  readonly items: number;
  /** Value per click of each item (`value` option). */
  readonly itemValue: Float32Array;
  /** Logged rows and clicks in the file. */
  readonly rows: number;
  readonly clicks: number;
  /** Row indices (file order, 0-based) of the training and test impressions. */
  readonly trainRows: Int32Array;
  readonly testRows: Int32Array;
  /** Logged (user, item) pairs with observed clicks grouped into auctions, numeric features standardised on train. */
  readonly train: AuctionSet;
  readonly test: AuctionSet;
  /** Off-policy logs of the same impressions: every item as a candidate. */
  readonly trainLog: OffPolicyLog;
  readonly testLog: OffPolicyLog;
  readonly standardizer: Standardizer;
}

const USER_FIELDS = ['user_feature_0', 'user_feature_1', 'user_feature_2', 'user_feature_3'] as const;
const ITEM_FIELDS = ['item_feature_1', 'item_feature_2', 'item_feature_3'] as const;
/** Categorical fields, in order: user features, item id (+1), item features, position (1..3). */
export const OBD_CATEGORICAL_FIELDS: readonly string[] = [...USER_FIELDS, 'item_id', ...ITEM_FIELDS, 'position'];
/** Numeric features: the item's standardised price-like feature and the user's affinity count for the item. */
export const OBD_NUMERIC_NAMES: readonly string[] = ['item_feature_0', 'user_item_affinity'];

/** `<dir>/<name>.csv.gz`, else `<dir>/<name>.csv`. */
function findCsv(dir: string, name: string): string {
  const gz = join(dir, `${name}.csv.gz`);
  if (existsSync(gz)) return gz;
  const plain = join(dir, `${name}.csv`);
  if (existsSync(plain)) return plain;
  throw new DataFileError({ file: gz }, `file not found (nor ${plain})`);
}

/**
 * The default directory of a policy/campaign: the copy `ctr-ranking fetch` wrote to its directory
 * ({@link defaultCtrFetchDir}) when it holds the log, else the shared data.
 */
export function openBanditDir(policy: ObdPolicy, campaign: ObdCampaign, env: NodeJS.ProcessEnv = process.env): string {
  const fetched = join(defaultCtrFetchDir(env), 'open-bandit-dataset', policy, campaign);
  if (existsSync(join(fetched, `${campaign}.csv`))) return fetched;
  return join(sharedDataDir(), 'open-bandit-dataset', policy, campaign);
}

interface ItemContext {
  readonly items: number;
  readonly price: Float64Array;
  readonly codes: Int32Array; // [items, 3]
  readonly vocabularies: readonly Vocabulary[];
}

async function readItemContext(path: string): Promise<ItemContext> {
  await requireCsvColumns(path, ',', ['item_id', 'item_feature_0', ...ITEM_FIELDS]);
  const table = await readCsvTable(path, {
    columns: { item_id: 'int32', item_feature_0: 'float64', item_feature_1: 'utf8', item_feature_2: 'utf8', item_feature_3: 'utf8' },
  });
  const items = table.numRows;
  const ids = table.getChild('item_id');
  const price = new Float64Array(items);
  const names: string[][] = [[], [], []];
  for (let r = 0; r < items; r += 1) {
    if (ids?.get(r) !== r) {
      throw new DataFileError({ file: path, row: r + 2, column: 'item_id' }, `expected item ids 0..n−1 in order, got ${String(ids?.get(r))}`);
    }
    price[r] = Number(table.getChild('item_feature_0')?.get(r));
    if (!Number.isFinite(price[r])) throw new DataFileError({ file: path, row: r + 2, column: 'item_feature_0' }, `expected a finite number, got ${price[r]}`);
    ITEM_FIELDS.forEach((field, j) => names[j]?.push(String(table.getChild(field)?.get(r))));
  }
  const vocabularies = names.map((values) => {
    const counter = new CategoryCounter();
    values.forEach((v) => counter.add(v));
    return Vocabulary.fit(counter.counts);
  });
  const codes = new Int32Array(items * 3);
  for (let r = 0; r < items; r += 1) for (let j = 0; j < 3; j += 1) codes[r * 3 + j] = vocabularies[j]?.index(names[j]?.[r]) ?? 0;
  return { items, price, codes, vocabularies };
}

interface LoggedRows {
  readonly rows: number;
  readonly item: Int32Array;
  readonly position: Int32Array;
  readonly click: Float32Array;
  readonly propensity: Float64Array;
  readonly user: readonly (readonly string[])[]; // [4][rows]
  readonly affinity: Float32Array; // [rows, items]
}

async function readLog(path: string, items: number): Promise<LoggedRows> {
  const affinityNames = Array.from({ length: items }, (_, i) => `user-item_affinity_${i}`);
  const columns: Record<string, CsvSchema[string]> = {
    item_id: 'int32',
    position: 'int32',
    click: 'int32',
    propensity_score: 'float64',
  };
  for (const field of USER_FIELDS) columns[field] = 'category';
  for (const name of affinityNames) columns[name] = 'float32';
  await requireCsvColumns(path, ',', Object.keys(columns));
  const table: Table = await readCsvTable(path, { columns });
  const rows = table.numRows;
  const column = (name: string) => {
    const child = table.getChild(name);
    if (child === null) throw new DataFileError({ file: path, column: name }, 'column missing');
    return child;
  };
  const item = Int32Array.from(column('item_id').toArray() as Int32Array);
  const position = Int32Array.from(column('position').toArray() as Int32Array);
  const clickRaw = column('click').toArray() as Int32Array;
  const propensity = Float64Array.from(column('propensity_score').toArray() as Float64Array);
  const click = new Float32Array(rows);
  const bad = (r: number, name: string, message: string) => new DataFileError({ file: path, row: r + 2, column: name }, message);
  for (let r = 0; r < rows; r += 1) {
    const i = item[r] ?? -1;
    if (!(i >= 0 && i < items)) throw bad(r, 'item_id', `item ${i} is not in item_context.csv (0..${items - 1})`);
    const c = clickRaw[r] ?? -1;
    if (c !== 0 && c !== 1) throw bad(r, 'click', `must be 0 or 1, got ${c}`);
    click[r] = c;
    const p = propensity[r] ?? Number.NaN;
    if (!(p > 0 && p <= 1)) throw bad(r, 'propensity_score', `must be in (0, 1], got ${p}`);
    const pos = position[r] ?? 0;
    if (!(pos >= 1 && pos <= 3)) throw bad(r, 'position', `must be 1, 2 or 3, got ${pos}`);
  }
  const user = USER_FIELDS.map((field) => {
    const values = column(field);
    return Array.from({ length: rows }, (_, r) => String(values.get(r)));
  });
  const affinity = new Float32Array(rows * items);
  affinityNames.forEach((name, i) => {
    const values = column(name).toArray() as Float32Array;
    for (let r = 0; r < rows; r += 1) {
      const value = values[r] ?? Number.NaN;
      if (!Number.isFinite(value)) throw bad(r, name, `expected a finite number, got ${value}`);
      affinity[r * items + i] = value;
    }
  });
  return { rows, item, position, click, propensity, user, affinity };
}

/**
 * Loads an Open Bandit Dataset log (`<campaign>.csv[.gz]`, ZOZOTOWN fashion recommendations, SOURCES.md §5) with its
 * `item_context.csv[.gz]`, for training CTR models and evaluating them off-policy.
 *
 * **Rows.** Each logged row is one (impression, slot) pair: the logging policy showed `item_id` at `position` (1–3) and
 * recorded `click` and `propensity_score`. The shared sample is a row subsample (9,978 of the 10,000 men rows have a
 * timestamp of their own), so the three slots of one impression cannot be put back together, and only the shown item
 * has an observed click.
 *
 * **Features** of a (user, item) candidate: categorical `user_feature_0..3` (hashed strings; vocabulary of the
 * training rows, unseen → 0), `item_id` (+1), `item_feature_1..3` (vocabulary of item_context), `position`; numeric
 * `item_feature_0` (already standardised price-like) and the user's `user-item_affinity_<item>`, both standardised
 * with training-row statistics. The value of a click (the auction's "bid") is exp(item_feature_0) by default: positive
 * and increasing in the price-like feature (state `value: 'unit'` for plain click rates).
 *
 * **Training auctions** (`train`, `test`): a split by impression (seeded, `testFraction` held out); then logged rows
 * grouped into auctions of up to `candidates` (default 10), by default rows sharing the same user features
 * (`user-context`: candidates compete for the same kind of user, which is what the ranking decision is), or
 * consecutive rows in time order (`consecutive`). Every candidate is a logged impression with an observed click; no
 * unobserved item is given a made-up label.
 *
 * **Off-policy logs** (`trainLog`, `testLog`): the same impressions with every item of the campaign as a candidate,
 * the logged item's index, its click and propensity, and each item's value; for {@link evaluateOffPolicy}.
 *
 * @throws DataFileError naming file, row (header = row 1) and column: missing files or columns, item ids outside
 *   item_context, clicks not 0/1, propensities outside (0, 1], positions outside 1–3, NaN or infinite features, a
 *   file that is not text (binary, invalid UTF-8) or a folder.
 */
export async function loadOpenBandit(options: OpenBanditOptions): Promise<OpenBanditData> {
  const policy = options.policy ?? 'random';
  const dir = options.dir ?? openBanditDir(policy, options.campaign);
  const k = options.candidates ?? 10;
  if (!Number.isSafeInteger(k) || k < 1) throw new ConfigError('candidates', `must be a positive integer, got ${k}`);
  const testFraction = options.testFraction ?? 0.3;
  const grouping = options.grouping ?? 'user-context';
  if (grouping !== 'user-context' && grouping !== 'consecutive') throw new ConfigError('grouping', `must be "user-context" or "consecutive", got ${String(grouping)}`);
  const valueKind = options.value ?? 'exp-price';
  if (valueKind !== 'exp-price' && valueKind !== 'unit') throw new ConfigError('value', `must be "exp-price" or "unit", got ${String(valueKind)}`);

  const contextPath = findCsv(dir, 'item_context');
  const logPath = findCsv(dir, options.campaign);
  await requireTextFile(contextPath, 'an Open Bandit item_context CSV');
  await requireTextFile(logPath, `an Open Bandit ${options.campaign} log CSV`);
  const context = await readItemContext(contextPath);
  const log = await readLog(logPath, context.items);
  const items = context.items;
  const itemValue = Float32Array.from(context.price, (p) => (valueKind === 'unit' ? 1 : Math.exp(p)));

  const split = splitIndices(log.rows, { train: 1 - testFraction, validation: 0, test: testFraction }, options.seed, 'obd-split');
  const userVocabularies = log.user.map((values) => {
    const counter = new CategoryCounter();
    for (const r of split.train) counter.add(values[r] ?? '');
    return Vocabulary.fit(counter.counts);
  });
  const userCodes = log.user.map((values, j) => Int32Array.from(values, (v) => userVocabularies[j]?.index(v) ?? 0));

  const f = OBD_CATEGORICAL_FIELDS.length;
  const spec0: FeatureSpec = {
    numericNames: OBD_NUMERIC_NAMES,
    categoricalFields: OBD_CATEGORICAL_FIELDS,
    buckets: [...userVocabularies.map((v) => v.size), items + 1, ...context.vocabularies.map((v) => v.size), 4],
  };
  const encode = (r: number, i: number, numeric: Float32Array, categorical: Int32Array, slot: number): void => {
    numeric[slot * 2] = context.price[i] ?? 0;
    numeric[slot * 2 + 1] = log.affinity[r * items + i] ?? 0;
    for (let j = 0; j < 4; j += 1) categorical[slot * f + j] = userCodes[j]?.[r] ?? 0;
    categorical[slot * f + 4] = i + 1;
    for (let j = 0; j < 3; j += 1) categorical[slot * f + 5 + j] = context.codes[i * 3 + j] ?? 0;
    categorical[slot * f + 8] = log.position[r] ?? 0;
  };

  // standardiser on the training impressions' logged candidates
  const trainNumeric = new Float32Array(split.train.length * 2);
  const scratch = new Int32Array(f * split.train.length);
  split.train.forEach((r, n) => encode(r, log.item[r] ?? 0, trainNumeric, scratch, n));
  const standardizer = fitStandardizer(trainNumeric, 2);
  const spec: FeatureSpec = { ...spec0, standardization: { mean: [...standardizer.mean], std: [...standardizer.std] } };

  const buildSet = (rows: Int32Array, part: string): AuctionSet => {
    const numeric = new Float32Array(rows.length * 2);
    const categorical = new Int32Array(rows.length * f);
    const label = new Float32Array(rows.length);
    const bid = new Float32Array(rows.length);
    rows.forEach((r, n) => {
      const i = log.item[r] ?? 0;
      encode(r, i, numeric, categorical, n);
      label[n] = log.click[r] ?? 0;
      bid[n] = itemValue[i] ?? 1;
    });
    const keys = Array.from(rows, (r) => userCodes.map((codes) => codes[r]).join('|'));
    const groups = grouping === 'user-context' ? groupsByKey(keys, k) : fixedSizeGroups(Int32Array.from({ length: rows.length }, (_, n) => n), k);
    return assembleAuctions(
      { spec, rows: rows.length, numeric: standardizer.apply(numeric), categorical, label, bid },
      groups,
      `Open Bandit ${policy}/${options.campaign} [${part}]: ${rows.length} logged impressions in auctions of ≤ ${k} (${grouping}), ` +
        `value per click ${valueKind === 'unit' ? '1' : 'exp(item_feature_0)'}`,
      k,
    );
  };

  const buildLog = (rows: Int32Array, part: string): OffPolicyLog => {
    const n = rows.length;
    const numeric = new Float32Array(n * items * 2);
    const categorical = new Int32Array(n * items * f);
    const value = new Float32Array(n * items);
    rows.forEach((r, row) => {
      for (let i = 0; i < items; i += 1) {
        encode(r, i, numeric, categorical, row * items + i);
        value[row * items + i] = itemValue[i] ?? 1;
      }
    });
    return {
      spec,
      rows: n,
      candidates: items,
      numeric: standardizer.apply(numeric),
      categorical,
      value,
      action: Int32Array.from(rows, (r) => log.item[r] ?? 0),
      click: Float32Array.from(rows, (r) => log.click[r] ?? 0),
      propensity: Float64Array.from(rows, (r) => log.propensity[r] ?? 1),
      position: Int32Array.from(rows, (r) => log.position[r] ?? 0),
      description: `Open Bandit ${policy}/${options.campaign} [${part}]: ${n} logged impressions × ${items} candidate items (${logPath})`,
    };
  };

  return {
    spec,
    items,
    itemValue,
    rows: log.rows,
    clicks: log.click.reduce((s, c) => s + c, 0),
    trainRows: split.train,
    testRows: split.test,
    train: buildSet(split.train, 'train'),
    test: buildSet(split.test, 'test'),
    trainLog: buildLog(split.train, 'train'),
    testLog: buildLog(split.test, 'test'),
    standardizer,
  };
}
