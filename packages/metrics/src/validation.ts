/**
 * Input checks shared by every metric (internal). Each check throws a `MetricArgumentError` naming the metric, the
 * argument and the offending position, and returns the values as a typed array so the metric loops never touch the
 * caller's `ArrayLike` again.
 */
import { MetricArgumentError } from './errors.js';

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { length?: unknown }).length === 'number' &&
    Number.isInteger((value as { length: number }).length)
  );
}

/** Throws unless `value` is an array or typed array. */
export function requireArray(metric: string, argument: string, value: unknown): asserts value is ArrayLike<number> {
  if (value === undefined || value === null) throw new MetricArgumentError(metric, argument, 'is required');
  if (!isArrayLike(value)) {
    throw new MetricArgumentError(metric, argument, `must be an array or typed array of numbers, got ${typeof value}`);
  }
}

/** Position text of a flat index into an `[N][C]` row-major array. */
function position(index: number, numClasses: number | undefined): string {
  if (numClasses === undefined) return '';
  return ` (row ${Math.floor(index / numClasses)}, class ${index % numClasses})`;
}

function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : `${String(value)} (${typeof value})`;
}

/** `numClasses` must be an integer ≥ `min`. */
export function checkNumClasses(metric: string, numClasses: unknown, min = 2): number {
  if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < min) {
    throw new MetricArgumentError(metric, 'numClasses', `must be an integer >= ${min}, got ${show(numClasses)}`);
  }
  return numClasses;
}

/** An integer option in `[min, max]`. */
export function checkIntegerOption(metric: string, argument: string, value: unknown, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new MetricArgumentError(metric, argument, `must be an integer ${range}, got ${show(value)}`);
  }
  return value;
}

/** A finite number option in `[min, max]` (or `[min, max)` when `maxExclusive`). */
export function checkNumberOption(
  metric: string,
  argument: string,
  value: unknown,
  min: number,
  max: number,
  maxExclusive = false,
): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (maxExclusive ? value < max : value <= max);
  if (!ok) {
    throw new MetricArgumentError(metric, argument, `must be a number in [${min}, ${max}${maxExclusive ? ')' : ']'}, got ${show(value)}`);
  }
  return value;
}

/** A string option from a fixed list. */
export function checkEnumOption<T extends string>(metric: string, argument: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new MetricArgumentError(
      metric,
      argument,
      `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${typeof value === 'string' ? `'${value}'` : show(value)}`,
    );
  }
  return value as T;
}

/** Throws unless the sample count is at least 1. */
export function requireNonEmpty(metric: string, argument: string, length: number): void {
  if (length === 0) throw new MetricArgumentError(metric, argument, 'is empty; a metric needs at least one sample');
}

/** Throws unless `values` has `expected` elements; `what` explains the expectation. */
export function checkLength(metric: string, argument: string, values: ArrayLike<number>, expected: number, what: string): void {
  if (values.length !== expected) {
    throw new MetricArgumentError(metric, argument, `has ${values.length} values, expected ${expected} (${what})`);
  }
}

/** Integer class ids in `[0, numClasses)`. */
export function toClassIds(metric: string, argument: string, values: unknown, numClasses: number): Int32Array {
  requireArray(metric, argument, values);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new MetricArgumentError(metric, argument, `is ${show(v)}, expected a class id in [0, ${numClasses})`, i);
    }
    out[i] = v;
  }
  return out;
}

/** Binary labels, each exactly 0 or 1 (multi-hot targets pass `numClasses` for the row/class position). */
export function toBinaryLabels(metric: string, argument: string, values: unknown, numClasses?: number): Uint8Array {
  requireArray(metric, argument, values);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (v !== 0 && v !== 1) {
      throw new MetricArgumentError(metric, argument, `is ${show(v)}${position(i, numClasses)}, expected 0 or 1`, i);
    }
    out[i] = v;
  }
  return out;
}

/** Finite numbers (scores, logits). */
export function toFiniteScores(metric: string, argument: string, values: unknown, numClasses?: number): Float64Array {
  requireArray(metric, argument, values);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new MetricArgumentError(metric, argument, `is ${show(v)}${position(i, numClasses)}, expected a finite number`, i);
    }
    out[i] = v;
  }
  return out;
}

/** Probabilities: finite numbers in `[0, 1]`. */
export function toProbabilities(metric: string, argument: string, values: unknown, numClasses?: number): Float64Array {
  requireArray(metric, argument, values);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new MetricArgumentError(metric, argument, `is ${show(v)}${position(i, numClasses)}, expected a probability in [0, 1]`, i);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Index of the largest value in each row of a row-major `[N][C]` array; ties go to the lowest class index (the
 * `numpy.argmax` / `torch.argmax` rule).
 */
export function argmaxRows(values: Float64Array, numClasses: number): Int32Array {
  const n = values.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const base = i * numClasses;
    let best = 0;
    let bestValue = values[base] ?? 0;
    for (let c = 1; c < numClasses; c += 1) {
      const v = values[base + c] ?? 0;
      if (v > bestValue) {
        best = c;
        bestValue = v;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Multi-class targets plus predictions given either as `N` class ids or as `N·C` row-major scores (reduced by
 * `argmaxRows`). The form is read from the length alone — never from the values — and `numClasses ≥ 2` keeps the
 * two lengths distinct.
 */
export function resolveMulticlass(
  metric: string,
  targets: unknown,
  predictions: unknown,
  numClasses: unknown,
): { targets: Int32Array; predicted: Int32Array; numClasses: number } {
  const c = checkNumClasses(metric, numClasses);
  const t = toClassIds(metric, 'targets', targets, c);
  requireNonEmpty(metric, 'targets', t.length);
  requireArray(metric, 'predictions', predictions);
  const n = t.length;
  if (predictions.length === n) {
    return { targets: t, predicted: toClassIds(metric, 'predictions', predictions, c), numClasses: c };
  }
  if (predictions.length === n * c) {
    return { targets: t, predicted: argmaxRows(toFiniteScores(metric, 'predictions', predictions, c), c), numClasses: c };
  }
  throw new MetricArgumentError(
    metric,
    'predictions',
    `has ${predictions.length} values, expected ${n} (class ids, one per target) or ${n * c} (scores, ${n} rows × ${c} classes, row-major)`,
  );
}

/** `[N][C]` row-major scores matching `n` targets. */
export function checkRowMajor(metric: string, argument: string, values: ArrayLike<number>, n: number, numClasses: number): void {
  checkLength(metric, argument, values, n * numClasses, `${n} rows × ${numClasses} classes, row-major`);
}

/**
 * Multi-label inputs: `targets` multi-hot and `scores` finite, both `[N][C]` row-major with the same length, a
 * multiple of `numClasses`, and at least one row.
 */
export function resolveMultilabel(
  metric: string,
  targets: unknown,
  scores: unknown,
  numClasses: unknown,
): { targets: Uint8Array; scores: Float64Array; numRows: number; numClasses: number } {
  const c = checkNumClasses(metric, numClasses, 1);
  requireArray(metric, 'targets', targets);
  requireArray(metric, 'scores', scores);
  if (targets.length % c !== 0) {
    throw new MetricArgumentError(metric, 'targets', `has ${targets.length} values, not a multiple of numClasses = ${c} ([N][C] row-major)`);
  }
  const n = targets.length / c;
  requireNonEmpty(metric, 'targets', n);
  checkRowMajor(metric, 'scores', scores, n, c);
  return { targets: toBinaryLabels(metric, 'targets', targets, c), scores: toFiniteScores(metric, 'scores', scores, c), numRows: n, numClasses: c };
}

/** Binary inputs: `targets` 0/1 and `values` with the same length, at least one sample. */
export function resolveBinary(
  metric: string,
  targets: unknown,
  values: unknown,
  valuesArgument: string,
  kind: 'scores' | 'probabilities',
): { targets: Uint8Array; values: Float64Array } {
  const t = toBinaryLabels(metric, 'targets', targets);
  requireNonEmpty(metric, 'targets', t.length);
  requireArray(metric, valuesArgument, values);
  checkLength(metric, valuesArgument, values, t.length, 'one per target');
  const v = kind === 'scores' ? toFiniteScores(metric, valuesArgument, values) : toProbabilities(metric, valuesArgument, values);
  return { targets: t, values: v };
}

/** Indices `0..n-1` sorted by `values` descending; equal values keep index order. */
export function orderDescending(values: Float64Array): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i += 1) order[i] = i;
  return order.sort((a, b) => (values[b] ?? 0) - (values[a] ?? 0) || a - b);
}
