// Test-only: float64 brute-force reference of the welfare rank loss, written from its definition with loops over
// auctions and ordered pairs (no tensors), and its gradient by float64 central differences.
import { logistic64 } from './ranking64.js';

export interface Welfare64Options {
  readonly bids: readonly (readonly number[])[];
  readonly mask?: readonly (readonly number[])[];
  readonly teacher?: readonly (readonly number[])[];
  readonly teacherMix?: number;
  readonly pairWeighting?: 'gap' | 'linear';
  readonly surrogate?: 'logistic' | 'hinge';
  readonly scoreSpace?: 'ecpm' | 'logEcpm';
  readonly temperature?: number;
  readonly temperatureUnit?: 'meanBid' | 'absolute';
  readonly normalization?: 'none' | 'pairCount' | 'totalWeight' | 'batchWeight';
  readonly weights?: readonly number[];
  readonly reduction?: 'mean' | 'sum' | 'sumOverWeights' | 'none';
}

const sigmoid64 = (s: number): number => (s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s)));
const logSigmoid64 = (s: number): number => -(Math.max(-s, 0) + Math.log1p(Math.exp(-Math.abs(s))));

/** Per-auction losses L_q / norm_q. */
export function welfarePerAuction64(targets: readonly (readonly number[])[], logits: readonly (readonly number[])[], o: Welfare64Options): number[] {
  const space = o.scoreSpace ?? 'ecpm';
  const tau = o.temperature ?? (space === 'ecpm' ? 0.05 : 1);
  const valid = (q: number, i: number): boolean => (o.mask?.[q]?.[i] ?? 1) === 1;
  let bidSum = 0;
  let count = 0;
  targets.forEach((row, q) =>
    row.forEach((_, i) => {
      if (valid(q, i)) {
        bidSum += o.bids[q]?.[i] ?? 0;
        count += 1;
      }
    }),
  );
  const unit = (o.temperatureUnit ?? 'meanBid') === 'meanBid' ? bidSum / Math.max(count, 1) : 1;
  const phi = (o.surrogate ?? 'logistic') === 'logistic' ? logistic64 : (d: number): number => Math.max(0, 1 - d);
  const sums: number[] = [];
  const weightSums: number[] = [];
  const pairCounts: number[] = [];
  targets.forEach((row, q) => {
    let sum = 0;
    let wsum = 0;
    let pairs = 0;
    const outcome = (i: number): number => {
      const y = row[i] ?? 0;
      if (o.teacher === undefined) return y;
      const a = o.teacherMix ?? 1;
      return (1 - a) * y + a * (o.teacher[q]?.[i] ?? 0);
    };
    const score = (i: number): number => {
      const b = o.bids[q]?.[i] ?? 1;
      const s = logits[q]?.[i] ?? 0;
      return space === 'ecpm' ? (b / unit) * sigmoid64(s) : Math.log(b) + logSigmoid64(s);
    };
    for (let i = 0; i < row.length; i += 1) {
      for (let j = 0; j < row.length; j += 1) {
        if (i === j || !valid(q, i) || !valid(q, j)) continue;
        pairs += 1;
        const vi = ((o.bids[q]?.[i] ?? 0) / unit) * outcome(i);
        const vj = ((o.bids[q]?.[j] ?? 0) / unit) * outcome(j);
        const w = (o.pairWeighting ?? 'gap') === 'gap' ? Math.max(vi - vj, 0) : vi;
        wsum += w;
        sum += w * phi((score(i) - score(j)) / tau);
      }
    }
    sums.push(sum);
    weightSums.push(wsum);
    pairCounts.push(pairs);
  });
  const meanWeight = weightSums.reduce((a, b) => a + b, 0) / Math.max(weightSums.length, 1);
  return sums.map((s, q) => {
    switch (o.normalization ?? 'none') {
      case 'none':
        return s;
      case 'pairCount':
        return (pairCounts[q] ?? 0) > 0 ? s / (pairCounts[q] ?? 1) : 0;
      case 'totalWeight':
        return (weightSums[q] ?? 0) > 0 ? s / (weightSums[q] ?? 1) : 0;
      case 'batchWeight':
        return meanWeight > 0 ? s / meanWeight : 0;
    }
  });
}

export function welfare64(targets: readonly (readonly number[])[], logits: readonly (readonly number[])[], o: Welfare64Options): number {
  const perAuction = welfarePerAuction64(targets, logits, o);
  const w = o.weights ?? perAuction.map(() => 1);
  const weighted = perAuction.map((l, q) => l * (w[q] ?? 0));
  const total = weighted.reduce((a, b) => a + b, 0);
  switch (o.reduction ?? 'mean') {
    case 'sum':
      return total;
    case 'sumOverWeights': {
      const ws = w.reduce((a, b) => a + b, 0);
      return ws > 0 ? total / ws : 0;
    }
    default:
      return total / Math.max(perAuction.length, 1);
  }
}

/** ∂welfare64/∂logits by float64 central differences (h = 1e-6). */
export function welfareGradient64(targets: readonly (readonly number[])[], logits: readonly (readonly number[])[], o: Welfare64Options): number[] {
  const h = 1e-6;
  const out: number[] = [];
  logits.forEach((row, q) =>
    row.forEach((_, i) => {
      const shift = (delta: number): number[][] => logits.map((r, qq) => r.map((s, ii) => (qq === q && ii === i ? s + delta : s)));
      out.push((welfare64(targets, shift(h), o) - welfare64(targets, shift(-h), o)) / (2 * h));
    }),
  );
  return out;
}
