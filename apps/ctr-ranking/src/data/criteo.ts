import { ConfigError, DataFileError, SeededRandom, describeNonTextLine, quoteExcerpt } from '@counterweight/runtime';

import type { AuctionSet } from './auction-set.js';
import { CategoryCounter, Vocabulary, checkBuckets, hashBucket, type VocabularyJson } from './encoding.js';
import { assembleAuctions, fixedSizeGroups } from './grouping.js';
import { readLines } from './line-reader.js';

/** The 13 integer fields of the Criteo Display Advertising Challenge format. */
export const CRITEO_INTEGER_FIELDS: readonly string[] = Array.from({ length: 13 }, (_, i) => `I${i + 1}`);
/** The 26 categorical (32-bit hashed, hex) fields. */
export const CRITEO_CATEGORICAL_FIELDS: readonly string[] = Array.from({ length: 26 }, (_, i) => `C${i + 1}`);
/** All 39 feature fields in file order; every one is encoded as a categorical field. */
export const CRITEO_FIELDS: readonly string[] = [...CRITEO_INTEGER_FIELDS, ...CRITEO_CATEGORICAL_FIELDS];
/** Columns per line: label + 13 integers + 26 categories. */
export const CRITEO_COLUMNS = 1 + CRITEO_FIELDS.length;

const INTEGER = /^-?\d+$/;

/**
 * The Kaggle winner's integer transform as FuxiCTR's code computes it (papers-ctr.md §7): v > 2 → ⌊(ln v)²⌋, else v
 * itself; the result is then a category (so 1 and 3 share the token "1", as in FuxiCTR).
 */
export function criteoIntegerToken(value: number): string {
  return String(value > 2 ? Math.floor(Math.log(value) ** 2) : value);
}

/** A fitted Criteo vocabulary, one table per field of {@link CRITEO_FIELDS}; serialisable (JSON) for reuse on other files. */
export interface CriteoVocabulary {
  readonly minCount: number;
  readonly fields: Readonly<Record<string, VocabularyJson>>;
}

/**
 * How values become indices (index 0 = missing or out-of-vocabulary, always):
 * - `{ minCount }`: a vocabulary per field, fitted by a first pass over the file (or given as `vocabulary`): values
 *   seen fewer than `minCount` times are OOV (BARS Criteo_x4_001 uses 10, _002 uses 2);
 * - `{ hashBuckets }`: no fit, value → `1 + FNV-1a32("<field>:<token>") mod (hashBuckets − 1)` (a deviation from BARS,
 *   see papers-ctr.md §7); the same table size for every field.
 */
export type CriteoEncoding = { readonly minCount: number } | { readonly hashBuckets: number };

/** Options of {@link loadCriteo}. */
export interface CriteoOptions {
  /** Seed of the synthetic bids. */
  readonly seed: number;
  /** Default `{ minCount: 10 }`. Ignored when `vocabulary` is given. */
  readonly encoding?: CriteoEncoding;
  /** A vocabulary fitted on the training file ({@link CriteoResult.vocabulary}); used as is, no first pass. */
  readonly vocabulary?: CriteoVocabulary;
  /** Consecutive rows per constructed auction. Default 10. */
  readonly candidates?: number;
  /** Synthetic bids: b = exp(bidMu + bidSigma·z), z ~ N(0, 1) from the seed. Defaults μ = 0, σ = 1. */
  readonly bidMu?: number;
  readonly bidSigma?: number;
  /** Skip malformed lines (and count them) instead of failing on the first. Default false. */
  readonly skipMalformed?: boolean;
  /** Read at most this many well-formed rows. Default: all. */
  readonly limit?: number;
}

/** Malformed lines that were skipped (`skipMalformed`). */
export interface MalformedReport {
  readonly count: number;
  /** Line numbers (1-based) of the first 10. */
  readonly firstLines: readonly number[];
  /** What was wrong with the first one, for the log. */
  readonly firstReason?: string;
}

/** Result of {@link loadCriteo}. */
export interface CriteoResult {
  readonly set: AuctionSet;
  /** Well-formed rows read. */
  readonly rows: number;
  readonly clicks: number;
  /** The vocabulary used (absent with hashing); store it to encode validation/test files the same way. */
  readonly vocabulary?: CriteoVocabulary;
  readonly malformed: MalformedReport;
}

interface ParsedLine {
  readonly label: number;
  /** One token per field of CRITEO_FIELDS; undefined = missing. */
  readonly tokens: readonly (string | undefined)[];
}

/** Parses one line, or returns [column, reason] of the first problem. */
function parseLine(text: string): ParsedLine | readonly [string, string] {
  const binary = describeNonTextLine(text);
  if (binary !== undefined) return ['', `is not text: ${binary}; expected tab-separated label, I1–I13, C1–C26`];
  const parts = text.split('\t');
  if (parts.length !== CRITEO_COLUMNS) return ['', `has ${parts.length} tab-separated columns, expected ${CRITEO_COLUMNS} (label, I1–I13, C1–C26)`];
  const labelText = parts[0] ?? '';
  if (labelText !== '0' && labelText !== '1') return ['label', `label must be 0 or 1, got ${quoteExcerpt(labelText)}`];
  const tokens: (string | undefined)[] = new Array<string | undefined>(CRITEO_FIELDS.length);
  for (let j = 0; j < CRITEO_INTEGER_FIELDS.length; j += 1) {
    const raw = parts[1 + j] ?? '';
    if (raw === '') continue;
    if (!INTEGER.test(raw)) return [CRITEO_INTEGER_FIELDS[j] ?? '', `integer feature is not an integer: ${quoteExcerpt(raw)}`];
    tokens[j] = criteoIntegerToken(Number(raw));
  }
  for (let j = 0; j < CRITEO_CATEGORICAL_FIELDS.length; j += 1) {
    const raw = parts[1 + CRITEO_INTEGER_FIELDS.length + j] ?? '';
    if (raw !== '') tokens[CRITEO_INTEGER_FIELDS.length + j] = raw;
  }
  return { label: labelText === '1' ? 1 : 0, tokens };
}

class MalformedCounter {
  count = 0;
  readonly firstLines: number[] = [];
  firstReason: string | undefined;

  constructor(
    private readonly path: string,
    private readonly skip: boolean,
  ) {}

  /** Throws (default) or records a malformed line. */
  handle(line: number, column: string, reason: string): void {
    if (!this.skip) throw new DataFileError({ file: this.path, row: line, ...(column === '' ? {} : { column }) }, reason);
    this.count += 1;
    if (this.firstLines.length < 10) this.firstLines.push(line);
    this.firstReason ??= `line ${line}${column === '' ? '' : `, column ${column}`}: ${reason}`;
  }

  report(): MalformedReport {
    return { count: this.count, firstLines: [...this.firstLines], ...(this.firstReason === undefined ? {} : { firstReason: this.firstReason }) };
  }
}

/** Yields the well-formed rows of a Criteo file (up to `limit`), handing malformed lines to `malformed`. */
async function* criteoRows(path: string, malformed: MalformedCounter, limit: number): AsyncGenerator<ParsedLine> {
  let rows = 0;
  if (rows >= limit) return;
  for await (const [line, text] of readLines(path)) {
    if (text === '') continue;
    const parsed = parseLine(text);
    if (Array.isArray(parsed)) {
      const [column, reason] = parsed as readonly [string, string];
      malformed.handle(line, column, reason);
      continue;
    }
    yield parsed as ParsedLine;
    rows += 1;
    if (rows >= limit) return;
  }
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined || limit === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new ConfigError('limit', `must be a non-negative integer, got ${limit}`);
  return limit;
}

/**
 * First pass: counts every field's tokens and keeps those seen at least `minCount` times.
 * @throws DataFileError naming file, line and column of the first malformed line (unless `skipMalformed`).
 */
export async function fitCriteoVocabulary(
  path: string,
  options: { readonly minCount?: number; readonly skipMalformed?: boolean; readonly limit?: number } = {},
): Promise<CriteoVocabulary> {
  const minCount = options.minCount ?? 10;
  const counters = CRITEO_FIELDS.map(() => new CategoryCounter());
  const malformed = new MalformedCounter(path, options.skipMalformed ?? false);
  for await (const row of criteoRows(path, malformed, checkLimit(options.limit))) {
    row.tokens.forEach((token, j) => {
      if (token !== undefined) counters[j]?.add(token);
    });
  }
  const fields: Record<string, VocabularyJson> = {};
  CRITEO_FIELDS.forEach((field, j) => {
    fields[field] = Vocabulary.fit(counters[j]?.counts ?? new Map(), minCount).toJSON();
  });
  return { minCount, fields };
}

/**
 * Loads a file in the Criteo Display Advertising Challenge format (`label \t I1..I13 \t C1..C26`, no header, empty
 * field = missing; `.gz` names are gunzipped), streaming it line by line (twice when a vocabulary must be fitted).
 *
 * Preprocessing (papers-ctr.md §7): integers → {@link criteoIntegerToken} → categorical; all 39 fields categorical,
 * encoded by {@link CriteoEncoding}; missing and OOV values share index 0 (the AuctionSet contract; BARS instead gives
 * missing values their own placeholder token). No numeric features.
 *
 * **Our construction, not Criteo's:** Criteo has neither auctions nor bids. Consecutive rows (the file is in time
 * order) are grouped into auctions of `candidates` (the last one padded), and every row gets a synthetic CPC bid
 * b = exp(bidMu + bidSigma·z), z ~ N(0, 1) drawn in row order from `SeededRandom(seed, "criteo-bids")`, independent
 * of features and label.
 *
 * @throws DataFileError naming file, line (as `row`) and column for a wrong column count, a non-integer in I1–I13 or a
 *   label other than 0/1 (unless `skipMalformed`: then such lines are skipped and reported in `malformed`); for a
 *   missing or corrupt file.
 * @throws ConfigError for invalid options.
 */
export async function loadCriteo(path: string, options: CriteoOptions): Promise<CriteoResult> {
  const k = options.candidates ?? 10;
  if (!Number.isSafeInteger(k) || k < 1) throw new ConfigError('candidates', `must be a positive integer, got ${k}`);
  const bidMu = options.bidMu ?? 0;
  const bidSigma = options.bidSigma ?? 1;
  if (!Number.isFinite(bidMu) || !(bidSigma >= 0) || !Number.isFinite(bidSigma)) {
    throw new ConfigError('bidSigma', `bid parameters must be finite with σ ≥ 0, got μ ${bidMu}, σ ${bidSigma}`);
  }
  const limit = checkLimit(options.limit);
  const skipMalformed = options.skipMalformed ?? false;
  const encoding = options.encoding ?? { minCount: 10 };

  let vocabulary: CriteoVocabulary | undefined;
  let encode: (field: number, token: string) => number;
  let buckets: number[];
  if (options.vocabulary === undefined && 'hashBuckets' in encoding) {
    const size = checkBuckets(encoding.hashBuckets, 'encoding.hashBuckets');
    encode = (j, token) => hashBucket(CRITEO_FIELDS[j] ?? '', token, size);
    buckets = CRITEO_FIELDS.map(() => size);
  } else {
    vocabulary =
      options.vocabulary ??
      (await fitCriteoVocabulary(path, { minCount: 'minCount' in encoding ? encoding.minCount : 10, skipMalformed, limit }));
    const tables = CRITEO_FIELDS.map((field) => {
      const json = vocabulary?.fields[field];
      if (json === undefined) throw new ConfigError('vocabulary', `has no table for field ${field}`);
      return Vocabulary.fromJSON(json);
    });
    encode = (j, token) => tables[j]?.index(token) ?? 0;
    buckets = tables.map((t) => t.size);
  }

  const f = CRITEO_FIELDS.length;
  let categorical = new Int32Array(1024 * f);
  let label = new Float32Array(1024);
  let rows = 0;
  let clicks = 0;
  const malformed = new MalformedCounter(path, skipMalformed);
  for await (const row of criteoRows(path, malformed, limit)) {
    if (rows === label.length) {
      const nextLabel = new Float32Array(label.length * 2);
      nextLabel.set(label);
      label = nextLabel;
      const nextCategorical = new Int32Array(categorical.length * 2);
      nextCategorical.set(categorical);
      categorical = nextCategorical;
    }
    label[rows] = row.label;
    clicks += row.label;
    for (let j = 0; j < f; j += 1) {
      const token = row.tokens[j];
      categorical[rows * f + j] = token === undefined ? 0 : encode(j, token);
    }
    rows += 1;
  }
  if (rows === 0) throw new DataFileError({ file: path }, 'has no well-formed rows');

  const random = SeededRandom.fromSeed(options.seed, 'criteo-bids');
  const bid = Float32Array.from({ length: rows }, () => Math.exp(bidMu + bidSigma * random.normal()));
  const spec = { numericNames: [], categoricalFields: CRITEO_FIELDS, buckets };
  const groups = fixedSizeGroups(Int32Array.from({ length: rows }, (_, i) => i), k);
  const encodingText = vocabulary === undefined ? `hashed into ${buckets[0]} buckets per field` : `vocabulary minCount ${vocabulary.minCount}`;
  const set = assembleAuctions(
    { spec, rows, numeric: new Float32Array(0), categorical: categorical.subarray(0, rows * f), label: label.subarray(0, rows), bid },
    groups,
    `Criteo (${path}): ${rows} rows as auctions of ${k} consecutive rows (our construction), synthetic log-normal bids ` +
      `(μ ${bidMu}, σ ${bidSigma}, seed ${options.seed}), ${encodingText}`,
    k,
  );
  return { set, rows, clicks, ...(vocabulary === undefined ? {} : { vocabulary }), malformed: malformed.report() };
}
