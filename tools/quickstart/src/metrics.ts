/**
 * Binary classification metrics in functional form (torchmetrics style): plain arrays in, a number out, float64.
 * `targets` hold 0/1 labels, `scores`/`probabilities` the model's outputs for class 1.
 */

function checkPair(targets: ArrayLike<number>, values: ArrayLike<number>, name: string): void {
  if (targets.length !== values.length) {
    throw new RangeError(`${name}: targets has ${targets.length} values but the predictions have ${values.length}`);
  }
  for (let i = 0; i < targets.length; i += 1) {
    const t = targets[i];
    if (t !== 0 && t !== 1) throw new RangeError(`${name}: targets[${i}] is ${t}, expected 0 or 1`);
    if (!Number.isFinite(values[i])) throw new RangeError(`${name}: prediction ${i} is ${values[i]}`);
  }
}

/** Mean binary cross-entropy of probabilities, clipped to [1e-7, 1 − 1e-7]. */
export function binaryLogLoss(targets: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  checkPair(targets, probabilities, 'binaryLogLoss');
  let sum = 0;
  for (let i = 0; i < targets.length; i += 1) {
    const p = Math.min(Math.max(probabilities[i] ?? 0, 1e-7), 1 - 1e-7);
    sum -= (targets[i] ?? 0) === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / targets.length;
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting
 * one half (Mann-Whitney U with mid-ranks). NaN when a class is absent.
 */
export function binaryAuc(targets: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkPair(targets, scores, 'binaryAuc');
  const order = Array.from({ length: targets.length }, (_, i) => i).sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0));
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1] ?? 0] === scores[order[start] ?? 0]) end += 1;
    const midRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) {
      if (targets[order[k] ?? 0] === 1) {
        positives += 1;
        rankSum += midRank;
      }
    }
    start = end + 1;
  }
  const negatives = targets.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Counts of a thresholded binary classifier (`probability >= threshold` predicts 1). */
export interface BinaryConfusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

export function binaryConfusion(targets: ArrayLike<number>, probabilities: ArrayLike<number>, threshold = 0.5): BinaryConfusion {
  checkPair(targets, probabilities, 'binaryConfusion');
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < targets.length; i += 1) {
    const predicted = (probabilities[i] ?? 0) >= threshold;
    if (targets[i] === 1) {
      if (predicted) tp += 1;
      else fn += 1;
    } else if (predicted) fp += 1;
    else tn += 1;
  }
  return { tp, fp, tn, fn };
}

/** Recall of class 1, `tp / (tp + fn)` (NaN without positives). */
export function recall(c: BinaryConfusion): number {
  return c.tp / (c.tp + c.fn);
}

/** Mean of the recalls of both classes, `(tp/(tp+fn) + tn/(tn+fp)) / 2`. */
export function balancedAccuracy(c: BinaryConfusion): number {
  return (c.tp / (c.tp + c.fn) + c.tn / (c.tn + c.fp)) / 2;
}
