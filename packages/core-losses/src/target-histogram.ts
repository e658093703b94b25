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
 * The bin of one value as {@link binIndices} finds it on a float32 tensor: `v` and the edges rounded to float32 and
 * compared there, under `lookup` (default `numpyHistogram`; NaN → bin 0, or the last bin under `aircastDigitize`).
 * For computing weights once per data-set row outside the training step (the tensors hold float32 targets).
 */
export function histogramBinIndex32(edges: readonly number[], v: number, lookup: BinLookup = 'numpyHistogram'): number {
  const x = Math.fround(v);
  const n = edges.length - 1;
  const edge = (i: number): number => Math.fround(edges[i] ?? Number.NaN);
  if (lookup === 'numpyHistogram') {
    // number of interior edges e_1..e_{n−1} with e_i ≤ x (non-decreasing in float32, so a binary search)
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (edge(mid) <= x) low = mid;
      else high = mid - 1;
    }
    return low;
  }
  // digitize(right=True): number of edges e_0..e_n with e_i < x, in [0, n + 1]
  let low = 0;
  let high = n + 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (edge(mid) < x) low = mid + 1;
    else high = mid;
  }
  return low === 0 || low === n + 1 ? n - 1 : low - 1;
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
  return registered(edges, counts);
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
  return registered([...(edges as number[])], [...(counts as number[])]);
}

/**
 * What the arithmetic bin lookup needs for evenly spaced edges, prepared once per histogram: the edges as float32
 * (the lookup compares float32 values against float32 edges, as the comparison path does), the first edge and the
 * reciprocal bin width for the estimate `⌊(v − e_0)/width⌋`, and the edge tables the exact ±1 correction gathers from.
 */
interface EvenLookup {
  readonly first: number;
  readonly inverseWidth: number;
  /**
   * `[NaN, e_1, …, e_{n−1}]` and `[e_1, …, e_{n−1}, NaN]` (float32): bin i's lower/upper test under NumPy's rule; the
   * NaN ends fail every comparison, so bin 0 never moves down and bin n − 1 never up (not even for ±∞).
   */
  readonly histogramLower: Float32Array;
  readonly histogramUpper: Float32Array;
  /** `[e_0, …, e_{n−1}]` and `[e_1, …, e_n]` (float32): bin i's edges under the digitize rule. */
  readonly digitizeLower: Float32Array;
  readonly digitizeUpper: Float32Array;
  readonly firstEdge: number;
  readonly lastEdge: number;
}

/**
 * Largest deviation (in bins) of a float32 edge from the straight line through the first and last edge that still
 * counts as evenly spaced. With it the estimate lands within one bin of the true one (the float32 arithmetic of the
 * estimate adds at most ~3·2^{−24}·n bins, bounded by {@link MAX_EVEN_BINS}), which the correction step then fixes.
 */
const EVEN_TOLERANCE = 0.01;
const MAX_EVEN_BINS = 1 << 16;

/** Histograms built by fit/parse (frozen, so the prepared lookup cannot go stale) and their lookup (null: uneven). */
const LOOKUPS = new WeakMap<TargetHistogram, EvenLookup | null>();

function evenLookup(edges: readonly number[]): EvenLookup | null {
  const n = edges.length - 1;
  if (n < 1 || n > MAX_EVEN_BINS) return null;
  const e32 = Float32Array.from(edges);
  const first = e32[0] ?? Number.NaN;
  const last = e32[n] ?? Number.NaN;
  const width = (last - first) / n;
  const inverseWidth = Math.fround(1 / width);
  if (!(width > 0) || !Number.isFinite(inverseWidth) || inverseWidth === 0) return null;
  for (let i = 0; i <= n; i += 1) {
    const e = e32[i] ?? Number.NaN;
    // strictly increasing in float32 (else the comparison count skips bins) and on the line within the tolerance
    if (i > 0 && !(e > (e32[i - 1] ?? Number.NaN))) return null;
    if (!(Math.abs(e - (first + i * width)) <= EVEN_TOLERANCE * width)) return null;
  }
  const interior = e32.subarray(1, n);
  const histogramLower = new Float32Array(n);
  histogramLower[0] = Number.NaN;
  histogramLower.set(interior, 1);
  const histogramUpper = new Float32Array(n);
  histogramUpper.set(interior, 0);
  histogramUpper[n - 1] = Number.NaN;
  return {
    first,
    inverseWidth,
    histogramLower,
    histogramUpper,
    digitizeLower: e32.slice(0, n),
    digitizeUpper: e32.slice(1, n + 1),
    firstEdge: first,
    lastEdge: last,
  };
}

function registered(edges: number[], counts: number[]): TargetHistogram {
  const histogram: TargetHistogram = Object.freeze({ kind: 'targetHistogram', edges: Object.freeze(edges), counts: Object.freeze(counts) });
  LOOKUPS.set(histogram, evenLookup(edges));
  return histogram;
}

/**
 * True when `histogram` came from {@link fitTargetHistogram} or {@link parseTargetHistogram} (checked, frozen, its
 * lookup prepared); anything else must go through {@link parseTargetHistogram} first.
 */
export function isPreparedHistogram(histogram: TargetHistogram): boolean {
  return LOOKUPS.has(histogram);
}

/**
 * True when the float32 edges of `histogram` are evenly spaced (NumPy `'auto'` and fixed-count edges: `np.linspace`,
 * within 1 % of a bin and strictly increasing in float32), so {@link binIndices} computes indices arithmetically;
 * false for uneven edges (e.g. a parsed JSON histogram), which use the comparison path.
 */
export function hasEvenEdges(histogram: TargetHistogram): boolean {
  return lookupOf(histogram) !== null;
}

function lookupOf(histogram: TargetHistogram): EvenLookup | null {
  const known = LOOKUPS.get(histogram);
  return known !== undefined ? known : evenLookup(histogram.edges);
}

/** Which rule maps a value to a bin: NumPy's `histogram` or AirCast's `digitize(right=True) − 1` with wrapping. */
export type BinLookup = 'numpyHistogram' | 'aircastDigitize';

/**
 * {@link binIndices} by brute force: every element against every edge (a broadcasting comparison, `[N, 1]` against
 * `[1, n]`, then a count). Works for any increasing edges; the reference the arithmetic path is tested against.
 */
export function binIndicesByComparison(histogram: TargetHistogram, values: tf.Tensor, lookup: BinLookup): tf.Tensor {
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

/**
 * Evenly spaced edges: estimate `k = clip(⌊(v − e_0)/width⌋, 0, n − 1)` (within one bin of the answer), then one exact
 * float32 test against the gathered edges of bin k on each side moves it by ±1 — elementwise ops of the values' shape
 * only. NaN: the estimate's cast gives 0 (ToInt32) and both tests are false, then the final rule fixes the answer.
 */
function binIndicesEven(lookupTables: EvenLookup, values: tf.Tensor, lookup: BinLookup): tf.Tensor {
  return tf.tidy(() => {
    const n = lookupTables.histogramLower.length;
    const v = tf.cast(values, 'float32');
    const scaled = tf.mul(tf.sub(v, tf.scalar(lookupTables.first)), tf.scalar(lookupTables.inverseWidth));
    const estimate = tf.cast(tf.clipByValue(scaled, 0, n - 1), 'int32');
    if (lookup === 'numpyHistogram') {
      // NaN: both tests false, estimate 0 (NaN casts to 0) — the comparison path's answer (no edge is ≤ NaN)
      const up = tf.greaterEqual(v, tf.gather(tf.tensor1d(lookupTables.histogramUpper), estimate));
      const down = tf.less(v, tf.gather(tf.tensor1d(lookupTables.histogramLower), estimate));
      const index = tf.sub(tf.add(estimate, tf.cast(up, 'int32')), tf.cast(down, 'int32'));
      return tf.where(tf.isNaN(v), tf.zerosLike(index), index);
    }
    const up = tf.greater(v, tf.gather(tf.tensor1d(lookupTables.digitizeUpper), estimate));
    const down = tf.lessEqual(v, tf.gather(tf.tensor1d(lookupTables.digitizeLower), estimate));
    const index = tf.sub(tf.add(estimate, tf.cast(up, 'int32')), tf.cast(down, 'int32'));
    // v ≤ e_0 (index −1), v > e_n (index n) and NaN (no edge below it) all end in the last bin
    const inside = tf.logicalAnd(tf.greater(v, tf.scalar(lookupTables.firstEdge)), tf.lessEqual(v, tf.scalar(lookupTables.lastEdge)));
    return tf.where(inside, index, tf.fill(index.shape, n - 1, 'int32'));
  });
}

/**
 * Bin index of every element of `values` as an int32 tensor of the same shape (no gradient; call on detached
 * values). `numpyHistogram`: the bin `[e_i, e_{i+1})` holding the value, clamped to the first/last bin outside the
 * edges (NaN: bin 0). `aircastDigitize`: AirCast's `np.digitize(v, edges, right=True) − 1` with the index `n` clamped
 * to `n − 1` and the index −1 (a value ≤ e_0) wrapping to the LAST bin, as Python indexing does (NaN: the last bin).
 * Comparisons are in float32 (values and edges). Evenly spaced edges ({@link hasEvenEdges}: NumPy `'auto'` and
 * fixed counts) take an arithmetic index corrected exactly at the edges — the same result as
 * {@link binIndicesByComparison} bit for bit, at O(1) ops per element instead of O(bins); other edges compare.
 */
export function binIndices(histogram: TargetHistogram, values: tf.Tensor, lookup: BinLookup): tf.Tensor {
  const even = lookupOf(histogram);
  return even === null ? binIndicesByComparison(histogram, values, lookup) : binIndicesEven(even, values, lookup);
}

/**
 * The bins of one histogram per variable along `axis` of `values` in one pass (`histograms[v]` for the slice `v`;
 * `values.shape[axis]` histograms, or one for all), all with evenly spaced edges: int32 indices into the
 * concatenation of their bins (variable v's bin i is `offset_v + i`, `offset_v` = bins of the histograms before it),
 * equal to {@link binIndices} of each slice plus its offset. The per-variable first edge, reciprocal width and bin
 * count broadcast along `axis`, so a `[B, V]` batch costs the ops of one lookup, not V. Returns `null` when some
 * histogram has uneven edges (then look each slice up with {@link binIndices}).
 */
export function stackedBinIndices(histograms: readonly TargetHistogram[], values: tf.Tensor, axis: number, lookup: BinLookup): tf.Tensor | null {
  const tables = histograms.map(lookupOf);
  if (tables.length === 0 || tables.some((t) => t === null)) return null;
  const even = tables as EvenLookup[];
  const counts = even.map((t) => t.histogramLower.length);
  const offsets = counts.map((_, v) => counts.slice(0, v).reduce((a, b) => a + b, 0));
  const view = values.shape.map((size, i) => (i === axis && even.length > 1 ? size : 1));
  const along = (numbers: readonly number[], dtype: 'float32' | 'int32' = 'float32'): tf.Tensor => tf.tensor(numbers, view, dtype);
  const concat = (pick: (t: EvenLookup) => Float32Array): Float32Array => {
    const out = new Float32Array(counts.reduce((a, b) => a + b, 0));
    even.forEach((t, v) => out.set(pick(t), offsets[v]));
    return out;
  };
  return tf.tidy(() => {
    const v = values.dtype === 'float32' ? values : tf.cast(values, 'float32');
    const raw = tf.mul(tf.sub(v, along(even.map((t) => t.first))), along(even.map((t) => t.inverseWidth)));
    // NaN values estimate bin 0 (both tests below are false for them, so they stay there: the comparison's answer)
    const scaled = tf.where(tf.isNaN(raw), tf.zerosLike(raw), raw);
    const local = tf.cast(tf.minimum(tf.maximum(scaled, 0), along(counts.map((n) => n - 1))), 'int32');
    const offset = along(offsets, 'int32');
    const estimate = tf.add(local, offset);
    const [lower, upper] = lookup === 'numpyHistogram' ? [concat((t) => t.histogramLower), concat((t) => t.histogramUpper)] : [concat((t) => t.digitizeLower), concat((t) => t.digitizeUpper)];
    const lowerEdge = tf.gather(tf.tensor1d(lower), estimate);
    const upperEdge = tf.gather(tf.tensor1d(upper), estimate);
    const up = lookup === 'numpyHistogram' ? tf.greaterEqual(v, upperEdge) : tf.greater(v, upperEdge);
    const down = lookup === 'numpyHistogram' ? tf.less(v, lowerEdge) : tf.lessEqual(v, lowerEdge);
    const index = tf.sub(tf.add(estimate, tf.cast(up, 'int32')), tf.cast(down, 'int32'));
    if (lookup === 'numpyHistogram') return index;
    // v ≤ e_0, v > e_n and NaN: the variable's last bin
    const inside = tf.logicalAnd(tf.greater(v, along(even.map((t) => t.firstEdge))), tf.lessEqual(v, along(even.map((t) => t.lastEdge))));
    const last = tf.broadcastTo(along(counts.map((n, i) => (offsets[i] ?? 0) + n - 1), 'int32'), index.shape);
    return tf.where(inside, index, last);
  });
}
