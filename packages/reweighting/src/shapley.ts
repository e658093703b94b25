import { seededPermutation, seededRandom } from './random.js';
import { ReweightingError } from './reweighting-error.js';

/**
 * The value `v(S)` of a coalition of a cooperative game, given as a 0/1 membership mask of length `players`
 * (`members[i] === 1` when player `i` is in `S`). Called once per distinct coalition: results are cached.
 */
export type CoalitionValue = (members: Uint8Array) => number;

/** Options of {@link shapleyValues}. */
export interface ShapleyOptions {
  /**
   * `'exact'` sums over all `2^n` coalitions (at most {@link MAX_EXACT_SHAPLEY_PLAYERS} players); `'permutation'`
   * averages marginal contributions over random orders (Štrumbelj and Kononenko, 2014); `'auto'` (default) is exact
   * for at most 5 players and permutation sampling otherwise — the rule of dowhy-gcm's `AUTO`, which the reference
   * code of Zhang et al. (2023) uses (MLforHealth/expl_perf_drop, `expl_perf_drop/shapley.py` lines 109–113).
   */
  readonly method?: 'auto' | 'exact' | 'permutation';
  /** Number of random orders for permutation sampling. Default 1000. */
  readonly permutations?: number;
  /**
   * Stop permutation sampling early, after at least 50 orders and at a multiple of 50, once every player's standard
   * error is at most this. Default: never stop early.
   */
  readonly standardErrorTolerance?: number;
  /** Seed of the permutation sampler. Default 0. */
  readonly seed?: number;
}

/** Result of {@link shapleyValues}. */
export interface ShapleyResult {
  /** `φ_i` for each player; they sum to `fullValue − emptyValue` (efficiency) up to float rounding. */
  readonly values: Float64Array;
  /** Monte-Carlo standard error of each `φ_i` (sample std of its marginal contributions / √orders); 0 when exact. */
  readonly standardErrors: Float64Array;
  readonly method: 'exact' | 'permutation';
  /** Orders sampled (0 when exact). */
  readonly permutations: number;
  /** `v(all players)`. */
  readonly fullValue: number;
  /** `v(∅)`. */
  readonly emptyValue: number;
  /** Distinct coalitions evaluated. */
  readonly evaluations: number;
}

/** Largest game {@link shapleyValues} solves exactly (`2^20` coalitions). */
export const MAX_EXACT_SHAPLEY_PLAYERS = 20;

/**
 * Shapley values of an `players`-player game:
 * `φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S))` (Shapley, 1953), computed exactly or by
 * permutation sampling, `φ̂_i = (1/m) Σ_orders (v(pre_i ∪ {i}) − v(pre_i))` with `pre_i` the players before `i`
 * in the order. Each sampled order's contributions telescope to `v(N) − v(∅)`, so the estimate satisfies
 * efficiency exactly (up to float rounding) whatever `m`.
 *
 * @throws ReweightingError on fewer than 1 player, a non-integer player count, too many players for `'exact'`, a
 *   non-positive permutation count or tolerance, or a coalition value that is not finite.
 */
export function shapleyValues(players: number, value: CoalitionValue, options: ShapleyOptions = {}): ShapleyResult {
  const fail = (argument: string, problem: string): never => {
    throw new ReweightingError('shapleyValues', argument, problem);
  };
  if (!Number.isInteger(players) || players < 1) fail('players', `must be a positive integer, got ${players}`);
  const method = options.method ?? 'auto';
  const exact = method === 'exact' || (method === 'auto' && players <= 5);
  if (exact && players > MAX_EXACT_SHAPLEY_PLAYERS) {
    fail('options.method', `'exact' handles at most ${MAX_EXACT_SHAPLEY_PLAYERS} players, got ${players}`);
  }
  const permutations = options.permutations ?? 1000;
  if (!Number.isInteger(permutations) || permutations < 1) {
    fail('options.permutations', `must be a positive integer, got ${permutations}`);
  }
  const tolerance = options.standardErrorTolerance;
  if (tolerance !== undefined && !(tolerance > 0)) {
    fail('options.standardErrorTolerance', `must be positive, got ${tolerance}`);
  }
  const cache = new Map<string, number>();
  const evaluate = (members: Uint8Array): number => {
    const key = members.join('');
    let v = cache.get(key);
    if (v === undefined) {
      v = value(members.slice());
      if (!Number.isFinite(v)) fail('value', `returned ${v} for coalition {${membersList(members)}}`);
      cache.set(key, v);
    }
    return v;
  };
  const result = exact
    ? exactShapley(players, evaluate)
    : sampledShapley(players, evaluate, permutations, tolerance, options.seed ?? 0);
  return { ...result, evaluations: cache.size };
}

function membersList(members: Uint8Array): string {
  const out: number[] = [];
  members.forEach((m, i) => m && out.push(i));
  return out.join(', ');
}

function exactShapley(n: number, evaluate: CoalitionValue): Omit<ShapleyResult, 'evaluations'> {
  const count = 1 << n;
  const v = new Float64Array(count);
  const members = new Uint8Array(n);
  for (let mask = 0; mask < count; mask++) {
    for (let i = 0; i < n; i++) members[i] = (mask >> i) & 1;
    v[mask] = evaluate(members);
  }
  // weight[s] = s! (n − s − 1)! / n!, built by the ratio weight[s+1] / weight[s] = (s + 1) / (n − s − 1).
  const weight = new Float64Array(n);
  weight[0] = 1 / n;
  for (let s = 0; s + 1 < n; s++) weight[s + 1] = (weight[s]! * (s + 1)) / (n - s - 1);
  const values = new Float64Array(n);
  for (let mask = 0; mask < count; mask++) {
    const size = popcount(mask);
    for (let i = 0; i < n; i++) {
      if ((mask >> i) & 1) continue;
      values[i] = values[i]! + weight[size]! * (v[mask | (1 << i)]! - v[mask]!);
    }
  }
  return {
    values,
    standardErrors: new Float64Array(n),
    method: 'exact',
    permutations: 0,
    fullValue: v[count - 1]!,
    emptyValue: v[0]!,
  };
}

function sampledShapley(
  n: number,
  evaluate: CoalitionValue,
  permutations: number,
  tolerance: number | undefined,
  seed: number,
): Omit<ShapleyResult, 'evaluations'> {
  const random = seededRandom(seed);
  const members = new Uint8Array(n);
  const emptyValue = evaluate(members);
  members.fill(1);
  const fullValue = evaluate(members);
  // Welford running mean and sum of squared deviations of each player's marginal contribution.
  const mean = new Float64Array(n);
  const squares = new Float64Array(n);
  const standardErrors = new Float64Array(n);
  let m = 0;
  while (m < permutations) {
    const order = seededPermutation(n, random);
    members.fill(0);
    let previous = emptyValue;
    m++;
    for (const i of order) {
      members[i] = 1;
      // The last player completes the coalition: use the cached v(N) so each order telescopes to v(N) − v(∅).
      const current = members.every((b) => b === 1) ? fullValue : evaluate(members);
      const delta = current - previous - mean[i]!;
      mean[i] = mean[i]! + delta / m;
      squares[i] = squares[i]! + delta * (current - previous - mean[i]);
      previous = current;
    }
    if (tolerance !== undefined && m >= 50 && m % 50 === 0) {
      fillStandardErrors(squares, m, standardErrors);
      if (standardErrors.every((se) => se <= tolerance)) break;
    }
  }
  fillStandardErrors(squares, m, standardErrors);
  return { values: mean, standardErrors, method: 'permutation', permutations: m, fullValue, emptyValue };
}

function fillStandardErrors(squares: Float64Array, m: number, out: Float64Array): void {
  for (let i = 0; i < squares.length; i++) out[i] = m > 1 ? Math.sqrt(squares[i]! / (m - 1) / m) : Number.NaN;
}

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y !== 0; y &= y - 1) c++;
  return c;
}
