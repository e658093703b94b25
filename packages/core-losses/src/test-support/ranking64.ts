// Test-only: float64 references of the TF-Ranking losses, written from their definitions (loops over lists and
// pairs, no tensors), and of TF-Ranking's reductions.

/** Options of the references; `mask` and `weights` are per item `[B][L]` (expand per-list weights yourself). */
export interface Ranking64Options {
  readonly mask?: readonly (readonly number[])[];
  readonly weights?: readonly (readonly number[])[];
  readonly temperature?: number;
}

/** Terms and their weights, flattened row-major (pairs: b, i, j; lists: b). */
export interface Terms64 {
  readonly losses: number[];
  readonly weights: number[];
}

function validity(labels: readonly (readonly number[])[], options: Ranking64Options): number[][] {
  return labels.map((row, b) => row.map((y, i) => (options.mask === undefined ? (y >= 0 ? 1 : 0) : (options.mask[b]?.[i] ?? 0))));
}

/** log(1 + e^{−d}) in float64 without overflow. */
export function logistic64(d: number): number {
  return Math.max(-d, 0) + Math.log1p(Math.exp(-Math.abs(d)));
}

export function hinge64(d: number): number {
  return Math.max(0, 1 - d);
}

/** Every pair (i, j) of every list: loss of s_i − s_j and weight 1[y_i > y_j]·valid_i·valid_j·w_i. */
export function pairTerms64(
  labels: readonly (readonly number[])[],
  logits: readonly (readonly number[])[],
  pairLoss: (d: number) => number,
  options: Ranking64Options = {},
): Terms64 {
  const t = options.temperature ?? 1;
  const valid = validity(labels, options);
  const losses: number[] = [];
  const weights: number[] = [];
  labels.forEach((row, b) => {
    const s = (logits[b] ?? []).map((v) => v / t);
    const v = valid[b] ?? [];
    row.forEach((yi, i) => {
      row.forEach((yj, j) => {
        losses.push(pairLoss((s[i] ?? 0) - (s[j] ?? 0)));
        const counted = yi > yj && v[i] === 1 && v[j] === 1;
        weights.push(counted ? (options.weights?.[b]?.[i] ?? 1) : 0);
      });
    });
  });
  return { losses, weights };
}

/**
 * Listwise softmax terms per list (TF-Ranking SoftmaxLoss; PolyOneSoftmaxLoss when `epsilon` is given): CE (+ ε(1 −
 * p_t)) with normalised labels, padded logits log(1e-10), 1e-10 labels on valid items of zero-sum lists, and
 * weight = label sum (labels multiplied by the item weights first).
 */
export function softmaxTerms64(
  labels: readonly (readonly number[])[],
  logits: readonly (readonly number[])[],
  options: Ranking64Options = {},
  epsilon?: number,
): Terms64 {
  const t = options.temperature ?? 1;
  const valid = validity(labels, options);
  const losses: number[] = [];
  const weights: number[] = [];
  labels.forEach((row, b) => {
    const v = valid[b] ?? [];
    const y = row.map((yi, i) => (v[i] === 1 ? yi * (options.weights?.[b]?.[i] ?? 1) : 0));
    const sum = y.reduce((a, c) => a + c, 0);
    const padded = sum > 0 ? y : v.map((vi) => (vi === 1 ? 1e-10 : 0));
    const paddedSum = padded.reduce((a, c) => a + c, 0);
    const target = padded.map((p) => (paddedSum > 0 ? p / paddedSum : 0));
    const z = (logits[b] ?? []).map((s, i) => (v[i] === 1 ? s / t : Math.log(1e-10)));
    // log softmax = z − max − log1p(Σ_{k ≠ argmax} e^{z_k − max}): keeps 1e-22 losses of confident lists.
    const max = Math.max(...z);
    const top = z.indexOf(max);
    const rest = z.reduce((a, c, k) => (k === top ? a : a + Math.exp(c - max)), 0);
    const logP = z.map((c) => c - max - Math.log1p(rest));
    const ce = -target.reduce((a, ti, i) => a + (ti === 0 ? 0 : ti * (logP[i] ?? 0)), 0);
    // 1 − p_t = Σ t_i (1 − p_i) (+ 1 for an all-padding list, whose targets are all 0), without cancellation.
    const oneMinusPt = (paddedSum > 0 ? 0 : 1) + target.reduce((a, ti, i) => a - ti * Math.expm1(logP[i] ?? 0), 0);
    losses.push(epsilon === undefined ? ce : ce + epsilon * oneMinusPt);
    weights.push(sum);
  });
  return { losses, weights };
}

/** TF-Ranking / TF reductions of terms in float64. `terms` = number of terms N for `mean` (B·L·L or B). */
export function reduce64(
  { losses, weights }: Terms64,
  reduction: 'sum' | 'mean' | 'sumOverWeights' | 'sumByNonzeroWeights',
  avgFactor?: number,
): number {
  const sum = losses.reduce((a, l, i) => a + l * (weights[i] ?? 0), 0);
  switch (reduction) {
    case 'sum':
      return sum;
    case 'mean':
      return sum / (avgFactor ?? losses.length);
    case 'sumOverWeights': {
      const total = weights.reduce((a, w) => a + w, 0);
      return total === 0 ? 0 : sum / total;
    }
    case 'sumByNonzeroWeights': {
      const count = weights.filter((w) => w !== 0).length;
      return count === 0 ? 0 : sum / count;
    }
  }
}

/** Per-list weighted mean of pair terms and the per-list weight total (TF-Ranking `compute_per_list`, pairwise). */
export function perListPairs64({ losses, weights }: Terms64, batch: number): { losses: number[]; weights: number[] } {
  const size = losses.length / batch;
  const out = { losses: [] as number[], weights: [] as number[] };
  for (let b = 0; b < batch; b += 1) {
    let sum = 0;
    let total = 0;
    for (let k = b * size; k < (b + 1) * size; k += 1) {
      sum += (losses[k] ?? 0) * (weights[k] ?? 0);
      total += weights[k] ?? 0;
    }
    out.losses.push(total === 0 ? 0 : sum / total);
    out.weights.push(total);
  }
  return out;
}

/**
 * Graded lists for the listwise tests: padding (−1), a list whose labels are all 0 (uniform target, weight 0), an
 * all-padding list and a list with padding at the end.
 */
export const LISTWISE_LABELS: readonly (readonly number[])[] = [
  [2, 0, 1, -1],
  [0, 0, 0, 0],
  [-1, -1, -1, -1],
  [3, 1, 2, 0],
  [0, 1, 0, -1],
];

