/**
 * The column layout of UCI Bank Marketing's `bank-additional` files (Moro, Cortez & Rita 2014): which columns this app
 * reads, with which types and category lists. Only this app reads the full layout (the quickstart reads its own
 * 15 features with its own small schema).
 */
import { readCsvTable, type CsvTableTypes } from '@counterweight/runtime';
import type { Table } from 'apache-arrow';

import { requireCsvColumns } from './csv-header.js';
import { requireTextFile } from './text-check.js';

/**
 * Numeric columns of UCI Bank Marketing in the `bank-additional` layout (`bank-additional-full.csv`,
 * `bank-additional.csv`) that are usable as features. `duration` is left out: the call length is only known after
 * the call and `duration = 0` implies `y = no`, so UCI says to drop it for a realistic model. `pdays = 999` means
 * "not contacted before".
 */
export const BANK_ADDITIONAL_NUMERIC = [
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
 * Categorical columns of the `bank-additional` layout with their complete value lists, as in UCI's
 * `bank-additional-names.txt` and the full file (missing values are the literal category `unknown`).
 */
export const BANK_ADDITIONAL_CATEGORIES = {
  job: ['admin.', 'blue-collar', 'entrepreneur', 'housemaid', 'management', 'retired', 'self-employed', 'services', 'student', 'technician', 'unemployed', 'unknown'],
  marital: ['divorced', 'married', 'single', 'unknown'],
  education: ['basic.4y', 'basic.6y', 'basic.9y', 'high.school', 'illiterate', 'professional.course', 'university.degree', 'unknown'],
  default: ['no', 'unknown', 'yes'],
  housing: ['no', 'unknown', 'yes'],
  loan: ['no', 'unknown', 'yes'],
  contact: ['cellular', 'telephone'],
  month: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  day_of_week: ['mon', 'tue', 'wed', 'thu', 'fri'],
  poutcome: ['failure', 'nonexistent', 'success'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/**
 * The explicit `readCsvTable` schema of the `bank-additional` layout (`;`-separated, quoted, header row): the
 * {@link BANK_ADDITIONAL_NUMERIC} columns as float32, the {@link BANK_ADDITIONAL_CATEGORIES} columns as categories with
 * their fixed value lists (so dictionary indices are the same for every file of this layout), and the target `y`
 * (`no` = 0, `yes` = 1). `duration` is not read.
 */
export const BANK_ADDITIONAL_SCHEMA = {
  age: 'float32',
  campaign: 'float32',
  pdays: 'float32',
  previous: 'float32',
  'emp.var.rate': 'float32',
  'cons.price.idx': 'float32',
  'cons.conf.idx': 'float32',
  euribor3m: 'float32',
  'nr.employed': 'float32',
  job: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.job },
  marital: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.marital },
  education: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.education },
  default: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.default },
  housing: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.housing },
  loan: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.loan },
  contact: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.contact },
  month: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.month },
  day_of_week: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.day_of_week },
  poutcome: { type: 'category', categories: BANK_ADDITIONAL_CATEGORIES.poutcome },
  y: { type: 'category', categories: ['no', 'yes'] },
} as const;

/** The Arrow column types of a table read by {@link readBankAdditional}. */
export type BankAdditionalTypes = CsvTableTypes<typeof BANK_ADDITIONAL_SCHEMA>;

/**
 * Reads a UCI Bank Marketing file in the `bank-additional` layout (plain or gzip) with {@link BANK_ADDITIONAL_SCHEMA}.
 * @throws DataFileError naming the file, row and column of a missing column, an unparsable number or an unknown category;
 *   naming file and row when the file is missing, a folder, or not text (binary, invalid UTF-8).
 */
export async function readBankAdditional(path: string, options: { readonly limit?: number } = {}): Promise<Table<BankAdditionalTypes>> {
  await requireTextFile(path, 'a UCI bank-additional CSV file (";"-separated)');
  await requireCsvColumns(path, ';', Object.keys(BANK_ADDITIONAL_SCHEMA));
  return readCsvTable(path, { delimiter: ';', columns: BANK_ADDITIONAL_SCHEMA, ...(options.limit === undefined ? {} : { limit: options.limit }) });
}
