import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';

const FIT = 'fitTargetHistogram';
const PARSE = 'parseTargetHistogram';

/**
 * A histogram of training targets, fitted once and shared by training and evaluation (plain data: `JSON.stringify`
 * it, read it back with {@link parseTargetHistogram}). `edges` are `n + 1` increasing bin edges, `counts` the `n`
 * bin counts, NumPy's convention: bin `i` is `[e_i, e_{i+1})`, the last bin also holds `e_n`.
 */
export interface TargetHistogram {
  readonly kind: 'targetHistogram';
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** How {@link fitTargetHistogram} chooses its edges: NumPy's `'auto'` rule (2.x or 1.x) or a fixed bin count. */
export type TargetHistogramBins = 'auto' | 'autoUncapped' | number;

/** Options of {@link fitTargetHistogram}. */
export interface TargetHistogramOptions {
  /**
   * `auto` (default): NumPy's `histogram_bin_edges(x, 'auto')` as NumPy 2.4 computes it — the bin width is the
   * smaller of the Sturges and Freedman–Diaconis widths (the larger bin count), the FD width floored at half the
   * square-root-rule width `(max − min)/(2√n)` (NumPy 2's cap on the bin count); `autoUncapped`: the same rule without
   * that floor (NumPy 1.x, documented as "minimum bin width between sturges and fd"); or a fixed number of
   * equal-width bins over `[min, max]`.
   */
  readonly bins?: TargetHistogramBins;
}

/** NumPy's `percentile(x, q)` with the default linear method, on sorted values (bit for bit: same operations). */
function percentileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  const quantile = q / 100;
  // numpy's 'linear' method: virtual index (n − 1)·q
  const virtual = (n - 1) * quantile;
  const previousIndex = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const nextIndex = Math.min(previousIndex + 1, n - 1);
  const gamma = virtual - Math.floor(virtual);
  const a = sorted[previousIndex] ?? Number.NaN;
  const b = sorted[nextIndex] ?? Number.NaN;
  // numpy's _lerp: a + (b − a)·t, evaluated from b for t ≥ 0.5
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** `numpy.linspace(start, stop, count + 1)`: `start + i·step`, the last edge exactly `stop`. */
function linspaceEdges(start: number, stop: number, count: number): number[] {
  const step = (stop - start) / count;
  const edges = Array.from({ length: count + 1 }, (_, i) => i * step + start);
  edges[count] = stop;
  return edges;
}

/**
 * NumPy's bin edges for `values` (finite, non-empty): `bins: 'auto'` reproduces `numpy.histogram_bin_edges(x, 'auto')`
 * of NumPy 2.4 — width `min(max(FD, √-rule/2), Sturges)` with `FD = 2·IQR·n^{−1/3}` (IQR from linear-interpolation
 * percentiles), `√-rule = (max − min)/√n`, `Sturges = (max − min)/(log2 n + 1)`; then `ceil((max − min)/width)` equal
 * bins (1 when the width is 0). `autoUncapped` is NumPy 1.x: `min(FD, Sturges)`, Sturges alone when the IQR is 0.
 * A number gives that many equal bins. A constant sample gets the range `[v − 0.5, v + 0.5]`, as NumPy.
 */
export function histogramBinEdges(values: readonly number[], bins: TargetHistogramBins = 'auto'): number[] {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    first = Math.min(first, v);
    last = Math.max(last, v);
  }
  const range = last - first;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  if (typeof bins === 'number') return linspaceEdges(first, last, bins);
  const n = values.length;
  const sturges = range / (Math.log2(n) + 1);
  const sorted = [...values].sort((a, b) => a - b);
  const iqr = percentileSorted(sorted, 75) - percentileSorted(sorted, 25);
  const fd = 2 * iqr * n ** (-1 / 3);
  const width =
    bins === 'auto' ? Math.min(Math.max(fd, range / Math.sqrt(n) / 2), sturges) : fd !== 0 ? Math.min(fd, sturges) : sturges;
  const count = width !== 0 ? Math.ceil((last - first) / width) : 1;
  return linspaceEdges(first, last, count);
}

/** Index of the bin holding `v` under NumPy's `histogram` convention, clamped to `[0, n − 1]` outside the edges. */
export function histogramBinIndex(edges: readonly number[], v: number): number {
  let low = 0;
  let high = edges.length - 2;
  // largest i in [0, n − 1] with e_i ≤ v (0 when v < e_0)
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((edges[mid] ?? Number.NaN) <= v) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Fits a {@link TargetHistogram} on training targets (all variables' values of one channel, any order). NaN values
 * are missing targets and are skipped; ±Infinity is an error. Edges follow NumPy (`bins: 'auto'`, the default, as
 * AirCast's `compute_freq.py`; `autoUncapped`; or a fixed count); counts follow `numpy.histogram`.
 *
 * @throws LossArgumentError naming `values` (empty after skipping NaN, or infinite) or `options.bins`.
 */
export function fitTargetHistogram(values: ArrayLike<number>, options: TargetHistogramOptions = {}): TargetHistogram {
  const bins = options.bins ?? 'auto';
  if (bins !== 'auto' && bins !== 'autoUncapped' && !(Number.isInteger(bins) && bins >= 1)) {
    throw new LossArgumentError(FIT, 'options.bins', `must be 'auto', 'autoUncapped' or a whole number >= 1, got ${String(bins)}`);
  }
  const observed: number[] = [];
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] ?? Number.NaN;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) throw new LossArgumentError(FIT, 'values', `must be finite or NaN (missing), got ${v} at index ${i}`);
    observed.push(v);
  }
  if (observed.length === 0) throw new LossArgumentError(FIT, 'values', 'holds no observed (non-NaN) target');
  const edges = histogramBinEdges(observed, bins);
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of observed) {
    const i = histogramBinIndex(edges, v);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return { kind: 'targetHistogram', edges, counts };
}

/**
 * Reads a {@link TargetHistogram} back from parsed JSON (or builds one from the `bins`/`counts` of AirCast's
 * `bins.json`/`counts.json` for one channel: `{ edges, counts }` without `kind` is accepted), checking that the
 * edges increase strictly and that there is one non-negative whole count per bin.
 *
 * @throws LossArgumentError naming the field (`histogram.edges`, `histogram.counts`) that is malformed.
 */
export function parseTargetHistogram(json: unknown): TargetHistogram {
  if (typeof json !== 'object' || json === null) throw new LossArgumentError(PARSE, 'histogram', 'must be an object { edges, counts }');
  const record = json as Record<string, unknown>;
  if (record['kind'] !== undefined && record['kind'] !== 'targetHistogram') {
    throw new LossArgumentError(PARSE, 'histogram.kind', `must be 'targetHistogram', got ${JSON.stringify(record['kind'])}`);
  }
  const edges = record['edges'];
  const counts = record['counts'];
  if (!Array.isArray(edges) || edges.length < 2 || !edges.every((e) => typeof e === 'number' && Number.isFinite(e))) {
    throw new LossArgumentError(PARSE, 'histogram.edges', 'must be an array of at least 2 finite numbers');
  }
  for (let i = 1; i < edges.length; i += 1) {
    if (!((edges[i] as number) > (edges[i - 1] as number))) {
      throw new LossArgumentError(PARSE, 'histogram.edges', `must increase strictly, but edge ${i} (${String(edges[i])}) <= edge ${i - 1}`);
    }
  }
  if (!Array.isArray(counts) || counts.length !== edges.length - 1) {
    throw new LossArgumentError(PARSE, 'histogram.counts', `must hold ${edges.length - 1} counts (one per bin), got ${Array.isArray(counts) ? counts.length : typeof counts}`);
  }
  counts.forEach((c, i) => {
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
      throw new LossArgumentError(PARSE, 'histogram.counts', `must hold whole numbers >= 0, got ${JSON.stringify(c)} for bin ${i}`);
    }
  });
  return { kind: 'targetHistogram', edges: [...(edges as number[])], counts: [...(counts as number[])] };
}

/**
 * Bin index of every element of `values` as an int32 tensor of the same shape (no gradient; call on detached
 * values). `numpyHistogram`: the bin `[e_i, e_{i+1})` holding the value, clamped to the first/last bin outside the
 * edges. `aircastDigitize`: AirCast's `np.digitize(v, edges, right=True) − 1` with the index `n` clamped to `n − 1`
 * and the index −1 (a value ≤ e_0) wrapping to the LAST bin, as Python indexing does.
 */
export function binIndices(histogram: TargetHistogram, values: tf.Tensor, lookup: 'numpyHistogram' | 'aircastDigitize'): tf.Tensor {
  return tf.tidy(() => {
    const { edges } = histogram;
    const n = edges.length - 1;
    const flat = tf.reshape(values, [-1, 1]);
    if (lookup === 'numpyHistogram') {
      // number of interior edges e_1..e_{n−1} that are ≤ v
      const interior = tf.tensor1d(edges.slice(1, n));
      const index = n === 1 ? tf.zeros([flat.shape[0] ?? 0], 'int32') : tf.sum(tf.cast(tf.greaterEqual(flat, tf.reshape(interior, [1, -1])), 'int32'), 1);
      return tf.reshape(index, values.shape);
    }
    // digitize(right=True) = number of edges strictly below v, in [0, n + 1]
    const below = tf.sum(tf.cast(tf.greater(flat, tf.reshape(tf.tensor1d([...edges]), [1, -1])), 'int32'), 1);
    const wraps = tf.logicalOr(tf.equal(below, 0), tf.equal(below, n + 1));
    const shifted = tf.sub(below, tf.scalar(1, 'int32'));
    return tf.reshape(tf.where(wraps, tf.fill(below.shape, n - 1, 'int32'), shifted), values.shape);
  });
}
