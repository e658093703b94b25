import { LossArgumentError } from './errors.js';

const WEIGHTS = 'ldsWeights';
const WINDOW = 'ldsKernelWindow';

/** Kernels of label-distribution smoothing (Yang et al., 2021). */
export type LdsKernel = 'gaussian' | 'triang' | 'laplace';

/** What the weights are the inverse of: `√n` (`sqrtInv`, SQINV) or `n` clipped to a range (`inverse`, INV). */
export type LdsReweight = 'sqrtInv' | 'inverse';

/** Options of {@link ldsWeights}; defaults are the reference training script's. */
export interface LdsWeightOptions {
  /** `sqrtInv` (default) or `inverse`. */
  readonly reweight?: LdsReweight;
  /** Smooth the per-bin values with the kernel (LDS, default true); false gives plain SQINV / INV reweighting. */
  readonly smoothing?: boolean;
  /** Kernel: `gaussian` (default), `triang` (SciPy's triangular window) or `laplace`. */
  readonly kernel?: LdsKernel;
  /** Kernel size (window length). Default 5. */
  readonly kernelSize?: number;
  /** σ of the Gaussian / Laplace kernel. Default 1 (`train.py`; the data set class's own default is 2). */
  readonly sigma?: number;
  /** Number of label bins (the reference's `max_target`); labels beyond the last bin fall into it. Default: the bin of the largest label + 1. */
  readonly numBins?: number;
  /** Width of a label bin (the reference uses `int(label)`: width 1 from 0). Default 1. */
  readonly binWidth?: number;
  /** Lowest label of bin 0. Default 0; labels below it fall into bin 0. */
  readonly lowest?: number;
  /** `[low, high]` clip of the counts under `inverse` (the reference's `np.clip(v, 5, 1000)`). Default `[5, 1000]`. */
  readonly inverseClip?: readonly [number, number];
}

/** The result of {@link ldsWeights}. */
export interface LdsWeights {
  /** One weight per label, rescaled so that they average 1 (the reference's `scaling = N / Σ w`). */
  readonly weights: number[];
  /** The weight of each bin (same scaling): the weight a new label in that bin gets, e.g. for evaluation. */
  readonly binWeights: number[];
  /** Raw label counts per bin. */
  readonly counts: number[];
  /** The effective per-bin density the weights invert: `√n` or clipped `n`, kernel-smoothed when `smoothing`. */
  readonly density: number[];
  /** Bin of a label under these options. */
  readonly binOf: (label: number) => number;
}

function checkPositive(value: number, argument: string, loss: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new LossArgumentError(loss, argument, `must be a ${integer ? 'whole number >= 1' : 'finite number > 0'}, got ${String(value)}`);
  }
  return value;
}

/** SciPy's 'reflect' boundary (d c b a | a b c d | d c b a) for an index into a length-`n` signal. */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  const k = ((i % period) + period) % period;
  return k < n ? k : period - 1 - k;
}

/** `scipy.ndimage.gaussian_filter1d(x, sigma)` (truncate 4, reflect boundary) of a short signal. */
function gaussianFilter1d(x: readonly number[], sigma: number): number[] {
  const radius = Math.trunc(4 * sigma + 0.5);
  const phi = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp((-0.5 / (sigma * sigma)) * (k - radius) ** 2));
  const total = phi.reduce((a, b) => a + b, 0);
  const kernel = phi.map((v) => v / total);
  return x.map((_, i) => kernel.reduce((s, w, k) => s + w * (x[reflect(i + k - radius, x.length)] ?? 0), 0));
}

/**
 * The LDS kernel window of the reference (`get_lds_kernel_window`), peak 1: `gaussian` — SciPy's `gaussian_filter1d`
 * of a unit impulse of length `2⌊(ks − 1)/2⌋ + 1` (truncated at 4σ, reflected at the ends) divided by its maximum;
 * `triang` — `scipy.signal.windows.triang(ks)`; `laplace` — `e^{−|x|/σ}/(2σ)` over the same offsets, divided by its
 * maximum.
 *
 * Reference: YyzHarry/imbalanced-regression `utils.py` `get_lds_kernel_window` (c37d6f4).
 * @throws LossArgumentError naming `kernel`, `kernelSize` or `sigma`.
 */
export function ldsKernelWindow(kernel: LdsKernel, kernelSize: number, sigma: number): number[] {
  checkPositive(kernelSize, 'kernelSize', WINDOW, true);
  const half = Math.floor((kernelSize - 1) / 2);
  switch (kernel) {
    case 'gaussian': {
      checkPositive(sigma, 'sigma', WINDOW, false);
      const impulse = Array.from({ length: 2 * half + 1 }, (_, i) => (i === half ? 1 : 0));
      const smoothed = gaussianFilter1d(impulse, sigma);
      const max = Math.max(...smoothed);
      return smoothed.map((v) => v / max);
    }
    case 'triang': {
      if (kernelSize === 1) return [1];
      const rising = Array.from({ length: Math.floor((kernelSize + 1) / 2) }, (_, k) =>
        kernelSize % 2 === 0 ? (2 * (k + 1) - 1) / kernelSize : (2 * (k + 1)) / (kernelSize + 1),
      );
      const falling = kernelSize % 2 === 0 ? [...rising].reverse() : rising.slice(0, -1).reverse();
      return [...rising, ...falling];
    }
    case 'laplace': {
      checkPositive(sigma, 'sigma', WINDOW, false);
      const values = Array.from({ length: 2 * half + 1 }, (_, k) => Math.exp(-Math.abs(k - half) / sigma) / (2 * sigma));
      const max = Math.max(...values);
      return values.map((v) => v / max);
    }
    default:
      throw new LossArgumentError(WINDOW, 'kernel', `must be 'gaussian', 'triang' or 'laplace', got '${String(kernel)}'`);
  }
}

/** `scipy.ndimage.convolve1d(x, window, mode='constant')`: zero padding, SciPy's centring for even lengths. */
function convolveConstant(x: readonly number[], window: readonly number[]): number[] {
  const size = window.length;
  const reversed = [...window].reverse();
  // convolve1d = correlate1d with the reversed window and origin −1 for an even length; correlate1d centres at size/2
  const shift = Math.floor(size / 2) + (size % 2 === 0 ? -1 : 0);
  return x.map((_, i) => reversed.reduce((s, w, j) => {
    const k = i + j - shift;
    return k >= 0 && k < x.length ? s + w * (x[k] ?? 0) : s;
  }, 0));
}

/**
 * Label-distribution-smoothing sample weights (Yang, Zha, Chen, Wang, Katabi, ICML 2021) for imbalanced regression:
 *
 *     n_b = labels in bin b,  d_b = √n_b (sqrtInv) or clip(n_b, 5, 1000) (inverse),
 *     d̃ = d ⊛ k (LDS: a symmetric kernel, zero padding),  w_i = 1/d̃_{b(i)},  rescaled to mean 1.
 *
 * Bins are `⌊(y − lowest)/binWidth⌋` clipped to `[0, numBins − 1]` (the reference: `min(max_target − 1, int(y))`).
 * Hand the weights to any loss as `options.weights` (e.g. `meanSquaredError(y, ŷ, { weights })`, the reference's
 * weighted MSE/L1 with the default `mean`). With `kernelSize: 1` (a zero-width kernel) and counts inside the clip, LDS
 * weights are the inverse frequency. Computed in float64 (the reference rounds 1/d̃ to float32 first: differences
 * of ~1e-7 relative).
 *
 * Reference: YyzHarry/imbalanced-regression `imdb-wiki-dir/datasets.py` `_prepare_weights` and `utils.py`
 * `get_lds_kernel_window` (c37d6f4); defaults from its `train.py` (gaussian, size 5, σ = 1, SQINV).
 * @throws LossArgumentError naming `labels` (empty, non-finite) or the option out of its domain.
 */
export function ldsWeights(labels: ArrayLike<number>, options: LdsWeightOptions = {}): LdsWeights {
  const reweight = options.reweight ?? 'sqrtInv';
  if (reweight !== 'sqrtInv' && reweight !== 'inverse') {
    throw new LossArgumentError(WEIGHTS, 'options.reweight', `must be 'sqrtInv' or 'inverse', got '${String(reweight)}'`);
  }
  const binWidth = checkPositive(options.binWidth ?? 1, 'options.binWidth', WEIGHTS, false);
  const lowest = options.lowest ?? 0;
  if (!Number.isFinite(lowest)) throw new LossArgumentError(WEIGHTS, 'options.lowest', `must be finite, got ${lowest}`);
  const [clipLow, clipHigh] = options.inverseClip ?? [5, 1000];
  if (!(clipLow > 0 && clipHigh >= clipLow)) {
    throw new LossArgumentError(WEIGHTS, 'options.inverseClip', `must be [low, high] with 0 < low <= high, got [${clipLow}, ${clipHigh}]`);
  }
  if (labels.length === 0) throw new LossArgumentError(WEIGHTS, 'labels', 'is empty');
  const raw = Array.from(labels, (v, i) => {
    if (!Number.isFinite(v)) throw new LossArgumentError(WEIGHTS, 'labels', `must be finite, got ${v} at index ${i}`);
    return Math.max(0, Math.trunc((v - lowest) / binWidth));
  });
  const numBins = options.numBins === undefined ? Math.max(...raw) + 1 : checkPositive(options.numBins, 'options.numBins', WEIGHTS, true);
  const binOf = (label: number): number => Math.min(numBins - 1, Math.max(0, Math.trunc((label - lowest) / binWidth)));
  const bins = raw.map((b) => Math.min(numBins - 1, b));
  const counts = new Array<number>(numBins).fill(0);
  for (const b of bins) counts[b] = (counts[b] ?? 0) + 1;
  let density = counts.map((n) => (reweight === 'sqrtInv' ? Math.sqrt(n) : Math.min(Math.max(n, clipLow), clipHigh)));
  if (options.smoothing ?? true) {
    density = convolveConstant(density, ldsKernelWindow(options.kernel ?? 'gaussian', options.kernelSize ?? 5, options.sigma ?? 1));
  }
  const perLabel = bins.map((b) => 1 / (density[b] ?? Number.NaN));
  const scaling = perLabel.length / perLabel.reduce((a, b) => a + b, 0);
  return {
    weights: perLabel.map((w) => w * scaling),
    binWeights: density.map((d) => (d > 0 ? scaling / d : 0)),
    counts,
    density,
    binOf,
  };
}
