import { ConfigError } from '@counterweight/runtime';

/**
 * Categorical encoding shared by the ctr-ranking loaders. Every encoder keeps index 0 for missing and
 * out-of-vocabulary values (the {@link FeatureSpec} contract), so a table of `buckets` rows has `buckets − 1` real
 * entries.
 */

const utf8 = new TextEncoder();

/**
 * FNV-1a, 32 bits (offset basis 0x811c9dc5, prime 0x01000193), over the UTF-8 bytes of `text`; unsigned result.
 * Chosen because it is tiny, deterministic and easy to reproduce in any language (`fnv1a32("a") = 0xe40c292c`).
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  let ascii = true;
  for (let i = 0; i < text.length; i += 1) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    for (let i = 0; i < text.length; i += 1) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  } else {
    for (const byte of utf8.encode(text)) {
      h ^= byte;
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/**
 * The hashed bucket of a categorical value: `1 + fnv1a32(field + ":" + value) mod (buckets − 1)`, so values land in
 * `[1, buckets)` and 0 stays free for missing values. Hashing the field name in keeps equal strings of different
 * fields apart when tables are shared. `buckets` must be an integer ≥ 2 (validate once with {@link checkBuckets}).
 */
export function hashBucket(field: string, value: string, buckets: number): number {
  return 1 + (fnv1a32(`${field}:${value}`) % (buckets - 1));
}

/** Validates a hashed table size (an integer ≥ 2: index 0 plus at least one bucket). */
export function checkBuckets(buckets: number, option: string): number {
  if (!Number.isSafeInteger(buckets) || buckets < 2 || buckets > 2 ** 31 - 1) {
    throw new ConfigError(option, `must be an integer in [2, 2^31 − 1] (index 0 is kept for missing values), got ${buckets}`);
  }
  return buckets;
}

/** Counts occurrences of the values of one categorical field (first pass of a vocabulary fit). */
export class CategoryCounter {
  readonly counts = new Map<string, number>();

  add(value: string): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }
}

/** Serialisable form of a {@link Vocabulary}: the kept values; value `values[i]` has index `i + 1`. */
export interface VocabularyJson {
  readonly values: readonly string[];
}

/**
 * A fitted value → index table for one categorical field: kept values get indices 1..n in a fixed order (descending
 * count, then code-point order of the value, so the table does not depend on row order); any other value and
 * missing values map to 0. `size` is the table size to give an embedding (n + 1).
 */
export class Vocabulary {
  private readonly indices: ReadonlyMap<string, number>;
  readonly values: readonly string[];

  constructor(values: readonly string[]) {
    const indices = new Map<string, number>();
    values.forEach((value, i) => {
      if (indices.has(value)) throw new ConfigError('vocabulary', `lists ${JSON.stringify(value)} more than once`);
      indices.set(value, i + 1);
    });
    this.indices = indices;
    this.values = values;
  }

  /**
   * Keeps the values seen at least `minCount` times (the BARS/FuxiCTR `min_categr_count` rule); rarer values are
   * out-of-vocabulary (index 0).
   */
  static fit(counts: ReadonlyMap<string, number>, minCount = 1): Vocabulary {
    if (!Number.isSafeInteger(minCount) || minCount < 1) throw new ConfigError('minCount', `must be a positive integer, got ${minCount}`);
    const kept = [...counts].filter(([, count]) => count >= minCount);
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new Vocabulary(kept.map(([value]) => value));
  }

  static fromJSON(json: VocabularyJson): Vocabulary {
    return new Vocabulary(json.values);
  }

  /** Table size including index 0. */
  get size(): number {
    return this.values.length + 1;
  }

  /** The index of `value`; 0 when it is missing (undefined) or not in the vocabulary. */
  index(value: string | undefined): number {
    return value === undefined ? 0 : (this.indices.get(value) ?? 0);
  }

  toJSON(): VocabularyJson {
    return { values: [...this.values] };
  }
}
