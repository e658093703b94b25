import { MetricArgumentError } from './errors.js';
import { checkIntegerOption } from './validation.js';

/**
 * Single-slot auctions laid out as rows of `slots` candidates (`[A, S]`, row-major), padded where an auction has
 * fewer candidates. Every array has `A·S` entries.
 */
export interface AuctionOutcomes {
  /** Candidates per auction row (`S`). */
  readonly slots: number;
  /** Cost-per-click bids, > 0 for valid candidates. */
  readonly bids: ArrayLike<number>;
  /** The model's predicted click probabilities, in [0, 1]. */
  readonly predicted: ArrayLike<number>;
  /**
   * What a click is worth knowing: the true click probability where it is known (synthetic data: exact welfare), or the
   * observed click in {0, 1} (an unbiased but noisy estimate of the same), in [0, 1].
   */
  readonly outcome: ArrayLike<number>;
  /** 1 for a real candidate, 0 for padding (default: all real). */
  readonly mask?: ArrayLike<number>;
}

/** What the allocation by predicted eCPM achieves, summed over auctions. */
export interface AuctionWelfare {
  /** `Σ_q b_w·o_w` of the winners `w = argmax_i b_i·p̂_i` (ties: the first candidate). */
  readonly welfare: number;
  /** `Σ_q max_i b_i·o_i`: the welfare of the allocation that knows the outcomes. */
  readonly optimal: number;
  /** `welfare / optimal` (NaN when `optimal` is 0). */
  readonly ratio: number;
  /**
   * Second-price (GSP, one slot) revenue: the winner pays per click the smallest bid that still wins,
   * `ê_(2)/p̂_w` (0 without a runner-up), so the expected revenue is `Σ_q o_w·ê_(2)/p̂_w`.
   */
  readonly revenue: number;
  /** Auctions with at least one valid candidate. */
  readonly auctions: number;
  /** Winner index (0-based slot) of every auction row, −1 for an auction without candidates. */
  readonly winners: Int32Array;
}

const NAME = 'auctionWelfare';

function element(values: ArrayLike<number>, index: number): number {
  return values[index] ?? Number.NaN;
}

/**
 * Welfare, optimal welfare, their ratio and second-price revenue of single-slot auctions allocated by predicted eCPM
 * `ê_i = b_i·p̂_i`. With true CTRs as `outcome` this is the exact welfare ratio
 * `Σ_q b_w p_w / Σ_q max_i b_i p_i` of the CTR research note; with clicks it is its unbiased estimate.
 * Predictions only matter through the order of `ê` inside each auction (and, for revenue, the ratio `ê_(2)/p̂_w`).
 *
 * @throws MetricArgumentError naming the argument and the flat index for a length mismatch, a non-positive or
 *   non-finite bid of a valid candidate, a prediction or outcome outside [0, 1], or a mask that is not 0/1.
 * @see Lyu et al., ICML 2023 (welfare of CTR-driven ad auctions); Edelman, Ostrovsky & Schwarz, 2007 (GSP pricing).
 */
export function auctionWelfare(input: AuctionOutcomes): AuctionWelfare {
  const slots = checkIntegerOption(NAME, 'slots', input.slots, 1);
  const n = input.bids.length;
  if (n % slots !== 0) throw new MetricArgumentError(NAME, 'bids', `has ${n} entries, not a multiple of slots = ${slots}`);
  for (const [argument, values] of [
    ['predicted', input.predicted],
    ['outcome', input.outcome],
    ...(input.mask === undefined ? [] : [['mask', input.mask] as const]),
  ] as const) {
    if (values.length !== n) throw new MetricArgumentError(NAME, argument, `has ${values.length} entries, 'bids' has ${n}`);
  }
  const auctions = n / slots;
  const winners = new Int32Array(auctions).fill(-1);
  let welfare = 0;
  let optimal = 0;
  let revenue = 0;
  let counted = 0;
  for (let q = 0; q < auctions; q += 1) {
    let best = -1;
    let bestEcpm = Number.NEGATIVE_INFINITY;
    let second = 0;
    let optimum = 0;
    for (let i = 0; i < slots; i += 1) {
      const k = q * slots + i;
      const m = input.mask === undefined ? 1 : element(input.mask, k);
      if (m !== 0 && m !== 1) throw new MetricArgumentError(NAME, 'mask', `is ${m}, expected 0 or 1`, k);
      if (m === 0) continue;
      const b = element(input.bids, k);
      const p = element(input.predicted, k);
      const o = element(input.outcome, k);
      if (!(b > 0 && Number.isFinite(b))) throw new MetricArgumentError(NAME, 'bids', `is ${b}, expected a finite bid > 0`, k);
      if (!(p >= 0 && p <= 1)) throw new MetricArgumentError(NAME, 'predicted', `is ${p}, expected a probability in [0, 1]`, k);
      if (!(o >= 0 && o <= 1)) throw new MetricArgumentError(NAME, 'outcome', `is ${o}, expected a value in [0, 1]`, k);
      const ecpm = b * p;
      if (ecpm > bestEcpm) {
        if (best >= 0) second = bestEcpm;
        bestEcpm = ecpm;
        best = i;
      } else if (ecpm > second) {
        second = ecpm;
      }
      optimum = Math.max(optimum, b * o);
    }
    if (best < 0) continue;
    counted += 1;
    winners[q] = best;
    const w = q * slots + best;
    const o = element(input.outcome, w);
    welfare += element(input.bids, w) * o;
    optimal += optimum;
    const pw = element(input.predicted, w);
    revenue += pw > 0 ? (o * second) / pw : 0;
  }
  return { welfare, optimal, ratio: optimal > 0 ? welfare / optimal : Number.NaN, revenue, auctions: counted, winners };
}
