import * as tf from '@tensorflow/tfjs-core';

import { LossArgumentError } from './errors.js';
import { binIndices, type TargetHistogram } from './target-histogram.js';

const FIT = 'fitTargetBins';
const PARSE = 'parseTargetBins';

/** How {@link fitTargetBins} places the class edges. */
export type TargetBinning = 'uniform' | 'equalFrequency';

/**
 * Classes of a regression target (Pintea et al., 2023): `edges` are `C + 1` increasing edges; class `c` holds
 * `e_c ≤ y < e_{c+1}`, values at or above the last edge fall into the last class and values below the first edge into
 * class 0 (as the reference's labels). Plain data: fitted once on training targets, `JSON.stringify` it, read it back
 * with {@link parseTargetBins}.
 */
export interface TargetBins {
  readonly kind: 'targetBins';
  readonly edges: readonly number[];
}

/** Options of {@link fitTargetBins}. */
export interface TargetBinOptions {
  /** Number of classes C ≥ 1. Required (the reference's 1-D default is 100; its sweeps use 4 … 1024). */
  readonly numBins: number;
  /**
   * `uniform` (default, the reference): `C` equal-width bins over `[min y, max y]` (`np.linspace`). `equalFrequency`:
   * edges at the sample quantiles `k/C` (NumPy's linear percentiles), so every class holds about `N/C` training
   * targets; tied quantiles are merged, which can leave fewer than `C` classes.
   */
  readonly method?: TargetBinning;
}

/** NumPy's linear-interpolation quantile of sorted values (as `numpy.quantile`). */
function quantileSorted(sorted: readonly number[], q: number): number {
  const virtual = (sorted.length - 1) * q;
  const lower = Math.floor(virtual);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const t = virtual - lower;
  const a = sorted[lower] ?? Number.NaN;
  const b = sorted[upper] ?? Number.NaN;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/**
 * Fits class edges on training targets (NaN = missing, skipped). `uniform` reproduces the reference's
 * `np.linspace(y.min(), y.max(), C + 1)`; a constant sample's range is widened to `[v − 0.5, v + 0.5]`.
 *
 * Reference: `get_labels` of SilviaLauraPintea/reg-cls `1d/data.py` (44ddf05). The reference's equalised bins
 * (`--equalize_segments`, `histeq.py`) merge a fine histogram's bins by histogram equalisation and drop labels at
 * random to balance them; `equalFrequency` uses exact sample quantiles instead (a deliberate simplification).
 * @throws LossArgumentError naming `values` or `options.numBins` / `options.method`.
 */
export function fitTargetBins(values: ArrayLike<number>, options: TargetBinOptions): TargetBins {
  const numBins = options?.numBins;
  if (typeof numBins !== 'number' || !Number.isInteger(numBins) || numBins < 1) {
    throw new LossArgumentError(FIT, 'options.numBins', `must be a whole number >= 1, got ${String(numBins)}`);
  }
  const method = options.method ?? 'uniform';
  if (method !== 'uniform' && method !== 'equalFrequency') {
    throw new LossArgumentError(FIT, 'options.method', `must be 'uniform' or 'equalFrequency', got '${String(method)}'`);
  }
  const observed: number[] = [];
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i] ?? Number.NaN;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) throw new LossArgumentError(FIT, 'values', `must be finite or NaN (missing), got ${v} at index ${i}`);
    observed.push(v);
  }
  if (observed.length === 0) throw new LossArgumentError(FIT, 'values', 'holds no observed (non-NaN) target');
  const sorted = observed.sort((a, b) => a - b);
  let low = sorted[0] ?? 0;
  let high = sorted[sorted.length - 1] ?? 0;
  if (low === high) {
    low -= 0.5;
    high += 0.5;
  }
  if (method === 'uniform') {
    const step = (high - low) / numBins;
    const edges = Array.from({ length: numBins + 1 }, (_, i) => i * step + low);
    edges[numBins] = high;
    return { kind: 'targetBins', edges };
  }
  const edges: number[] = [low];
  for (let k = 1; k < numBins; k += 1) {
    const q = quantileSorted(sorted, k / numBins);
    if (q > (edges[edges.length - 1] ?? Number.NEGATIVE_INFINITY) && q < high) edges.push(q);
  }
  edges.push(high);
  return { kind: 'targetBins', edges };
}

/**
 * Reads {@link TargetBins} back from parsed JSON, checking the edges (at least 2, finite, strictly increasing).
 * @throws LossArgumentError naming `bins` or `bins.edges`.
 */
export function parseTargetBins(json: unknown): TargetBins {
  if (typeof json !== 'object' || json === null) throw new LossArgumentError(PARSE, 'bins', 'must be an object { kind, edges }');
  const { kind, edges } = json as Record<string, unknown>;
  if (kind !== undefined && kind !== 'targetBins') throw new LossArgumentError(PARSE, 'bins.kind', `must be 'targetBins', got ${JSON.stringify(kind)}`);
  if (!Array.isArray(edges) || edges.length < 2 || !edges.every((e) => typeof e === 'number' && Number.isFinite(e))) {
    throw new LossArgumentError(PARSE, 'bins.edges', 'must be an array of at least 2 finite numbers');
  }
  for (let i = 1; i < edges.length; i += 1) {
    if (!((edges[i] as number) > (edges[i - 1] as number))) throw new LossArgumentError(PARSE, 'bins.edges', `must increase strictly, but edge ${i} <= edge ${i - 1}`);
  }
  return { kind: 'targetBins', edges: [...(edges as number[])] };
}

/** Number of classes of `bins`. */
export function numTargetClasses(bins: TargetBins): number {
  return bins.edges.length - 1;
}

/**
 * The edges of `bins` as a (count-less) histogram, for the bin lookup of `target-histogram.ts`: its NumPy rule is the
 * class rule (number of inner edges ≤ y). Built per call (O(C) in JS), so edges changed in place never go stale.
 */
function edgeHistogram(bins: TargetBins): TargetHistogram {
  return { kind: 'targetHistogram', edges: bins.edges, counts: new Array<number>(Math.max(bins.edges.length - 1, 0)).fill(0) };
}

/**
 * The class id (int32, same shape as `targets`) of every target: the number of inner edges `e_1 … e_{C−1}` that are
 * ≤ y, i.e. `e_c ≤ y < e_{c+1}`, the last class closed above and open beyond, class 0 below `e_0` (and for NaN). No
 * gradient. Compared in float32. Evenly spaced edges (`uniform`) take `binIndices`' arithmetic index, corrected
 * exactly at the edges (O(1) ops per element); uneven ones (`equalFrequency`) compare with every inner edge
 * (`binIndicesByComparison`); both give the same ids.
 */
export function targetClasses(bins: TargetBins, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (bins.edges.length <= 2) return tf.zeros(targets.shape, 'int32');
    return binIndices(edgeHistogram(bins), targets, 'numpyHistogram');
  });
}
