import { ConfigError } from '@counterweight/runtime';

import type { FeatureSpec } from '../data/auction-set.js';

/**
 * Checks that a {@link FeatureSpec} can back a model: one bucket count per categorical field, each an integer ≥ 1
 * (index 0 is missing/OOV; a field with only that row — e.g. a Criteo column that is always empty or whose values are
 * all below the minimum count — is a constant, which is allowed), unique non-empty names, and at least one feature
 * overall.
 * @throws ConfigError naming the offending part of the spec.
 */
export function checkFeatureSpec(spec: FeatureSpec): void {
  const { numericNames, categoricalFields, buckets } = spec;
  if (numericNames.length + categoricalFields.length === 0) {
    throw new ConfigError('spec', 'has no features; give at least one numeric name or categorical field');
  }
  if (buckets.length !== categoricalFields.length) {
    throw new ConfigError('spec.buckets', `needs one table size per categorical field (${categoricalFields.length}), got ${buckets.length}`);
  }
  buckets.forEach((b, f) => {
    if (!Number.isSafeInteger(b) || b < 1) {
      throw new ConfigError(`spec.buckets[${f}]`, `field "${categoricalFields[f]}" needs an integer table size ≥ 1 (index 0 is missing/OOV), got ${b}`);
    }
  });
  const seen = new Set<string>();
  for (const name of [...numericNames, ...categoricalFields]) {
    if (name.length === 0) throw new ConfigError('spec', 'feature names must be non-empty');
    if (seen.has(name)) throw new ConfigError('spec', `feature name "${name}" is used twice`);
    seen.add(name);
  }
}

/**
 * Row offset of each categorical field in the one concatenated table the models keep per parameter kind: field `f`'s
 * value `c` (in `[0, buckets[f])`) is row `offsets[f] + c`. `offsets[0] = 0`, `offsets[f+1] = offsets[f] + buckets[f]`.
 */
export function fieldOffsets(spec: FeatureSpec): Int32Array {
  const offsets = new Int32Array(spec.buckets.length);
  let row = 0;
  spec.buckets.forEach((b, f) => {
    offsets[f] = row;
    row += b;
  });
  return offsets;
}

/** Rows of the concatenated categorical table: `Σ_f buckets[f]`. */
export function tableRows(spec: FeatureSpec): number {
  return spec.buckets.reduce((a, b) => a + b, 0);
}

/**
 * The first problem with `count` flattened candidates' encoded features (`numeric [count, d]`, `categorical
 * [count, F]`, row-major), or undefined when they are usable: value counts must match, dense values must be finite,
 * and categorical values integers in `[0, buckets[f])` (a value past its field's range would silently read another
 * field's table rows). Messages name the candidate (0-based) and the feature.
 */
export function findFeatureProblem(spec: FeatureSpec, numeric: ArrayLike<number>, categorical: ArrayLike<number>, count: number): string | undefined {
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  if (numeric.length !== count * d) return `numeric: expected ${count * d} values (${count} candidates × ${d}), got ${numeric.length}`;
  if (categorical.length !== count * fields) {
    return `categorical: expected ${count * fields} values (${count} candidates × ${fields}), got ${categorical.length}`;
  }
  for (let i = 0; i < numeric.length; i += 1) {
    if (!Number.isFinite(numeric[i])) {
      return `candidate ${Math.floor(i / d)}: numeric feature "${spec.numericNames[i % d]}" must be finite, got ${numeric[i]}`;
    }
  }
  for (let i = 0; i < categorical.length; i += 1) {
    const value = categorical[i] as number;
    const f = i % fields;
    const buckets = spec.buckets[f] as number;
    if (!Number.isInteger(value) || value < 0 || value >= buckets) {
      return `candidate ${Math.floor(i / fields)}: categorical field "${spec.categoricalFields[f]}" must be an integer in [0, ${buckets - 1}], got ${value}`;
    }
  }
  return undefined;
}
