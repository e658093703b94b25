import { ConfigError } from '@counterweight/runtime';

import type { OffPolicyLog } from '../data/off-policy-log.js';

/** A point estimate with its normal-approximation standard error and 95 % interval (estimate ± 1.96·SE). */
export interface Estimate {
  readonly estimate: number;
  readonly stdError: number;
  readonly ci95: readonly [number, number];
}

/** Click rate and welfare (value · click) per impression, estimated one way. */
export interface RateAndWelfare {
  readonly clickRate: Estimate;
  readonly welfare: Estimate;
}

/** Off-policy estimates for one deterministic policy on an {@link OffPolicyLog}. */
export interface OffPolicyReport {
  readonly rows: number;
  /** Rows where the policy's choice equals the logged action (only these carry weight). */
  readonly matched: number;
  /** Inverse propensity scoring: mean over rows of 1[π(x) = a]·r / p. Unbiased when every action has p > 0. */
  readonly ips: RateAndWelfare;
  /**
   * Self-normalised IPS: Σ w·r / Σ w with w = 1[π(x) = a] / p (biased, lower variance). Absent when no row matched
   * (Σ w = 0: the ratio is undefined), so a report never holds a NaN.
   */
  readonly snips?: RateAndWelfare;
  /** What the logging policy itself got: the observed mean click and mean value·click. */
  readonly logged: RateAndWelfare;
}

const Z95 = 1.959963984540054;

function estimate(mean: number, stdError: number): Estimate {
  return { estimate: mean, stdError, ci95: [mean - Z95 * stdError, mean + Z95 * stdError] };
}

/** Mean and standard error (sample standard deviation with n − 1, over √n) of per-row terms. */
function meanEstimate(terms: Float64Array): Estimate {
  const n = terms.length;
  if (n === 0) return estimate(Number.NaN, Number.NaN);
  let sum = 0;
  for (const t of terms) sum += t;
  const mean = sum / n;
  let ss = 0;
  for (const t of terms) ss += (t - mean) ** 2;
  const stdError = n > 1 ? Math.sqrt(ss / (n - 1) / n) : Number.NaN;
  return estimate(mean, stdError);
}

/**
 * Self-normalised estimate Σ w·r / Σ w with a delta-method standard error:
 * SE² = Σ (w·(r − Ŝ))² / (Σ w)²  (the linearisation of the ratio of means, normal approximation).
 */
function ratioEstimate(weights: Float64Array, rewards: Float64Array): Estimate {
  let sw = 0;
  let swr = 0;
  for (let i = 0; i < weights.length; i += 1) {
    sw += weights[i] ?? 0;
    swr += (weights[i] ?? 0) * (rewards[i] ?? 0);
  }
  if (!(sw > 0)) return estimate(Number.NaN, Number.NaN);
  const s = swr / sw;
  let v = 0;
  for (let i = 0; i < weights.length; i += 1) v += ((weights[i] ?? 0) * ((rewards[i] ?? 0) - s)) ** 2;
  return estimate(s, Math.sqrt(v) / sw);
}

/**
 * The deterministic allocation of a CTR model: in each row, the candidate with the highest expected welfare
 * value · p̂ (ties go to the lowest index).
 * @param ctr predicted click probabilities `[rows, candidates]`.
 */
export function argmaxWelfare(log: OffPolicyLog, ctr: ArrayLike<number>): Int32Array {
  const k = log.candidates;
  if (ctr.length !== log.rows * k) throw new ConfigError('ctr', `has ${ctr.length} values, expected rows × candidates = ${log.rows * k}`);
  const actions = new Int32Array(log.rows);
  for (let r = 0; r < log.rows; r += 1) {
    let best = 0;
    let top = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < k; i += 1) {
      const score = (log.value[r * k + i] ?? 0) * (ctr[r * k + i] ?? Number.NaN);
      if (score > top) {
        top = score;
        best = i;
      }
    }
    actions[r] = best;
  }
  return actions;
}

/**
 * Off-policy estimates of the click rate and welfare per impression that a deterministic policy (`actions[r]` = the
 * candidate it picks in row r) would get, from logged bandit feedback (IPS and SNIPS with 95 % normal-approximation
 * intervals), next to the logging policy's own observed values.
 *
 * Per row r with logged action a, click y, propensity p and value v: weight w = 1[actions[r] = a] / p; IPS terms
 * w·y (click rate) and w·v_a·y (welfare). IPS = mean of the terms, SE = sample sd / √n; SNIPS = Σ w·reward / Σ w with
 * the delta-method SE. The intervals assume enough matched rows for the central limit theorem to apply: with few clicks
 * (Open Bandit: ~0.5 %) they are wide and only roughly right.
 */
export function evaluateOffPolicy(log: OffPolicyLog, actions: ArrayLike<number>): OffPolicyReport {
  const n = log.rows;
  if (actions.length !== n) throw new ConfigError('actions', `has ${actions.length} values, expected one per row (${n})`);
  const k = log.candidates;
  const ipsClick = new Float64Array(n);
  const ipsWelfare = new Float64Array(n);
  const weights = new Float64Array(n);
  const clicks = new Float64Array(n);
  const welfare = new Float64Array(n);
  let matched = 0;
  for (let r = 0; r < n; r += 1) {
    const chosen = actions[r] ?? -1;
    if (!(Number.isInteger(chosen) && chosen >= 0 && chosen < k)) throw new ConfigError('actions', `row ${r}: ${chosen} is not a candidate index 0..${k - 1}`);
    const a = log.action[r] ?? 0;
    const y = log.click[r] ?? 0;
    const p = log.propensity[r] ?? Number.NaN;
    if (!(p > 0 && p <= 1)) throw new ConfigError('log.propensity', `row ${r}: ${p} is not in (0, 1]`);
    const v = log.value[r * k + a] ?? 0;
    clicks[r] = y;
    welfare[r] = v * y;
    if (chosen === a) {
      matched += 1;
      const w = 1 / p;
      weights[r] = w;
      ipsClick[r] = w * y;
      ipsWelfare[r] = w * v * y;
    }
  }
  return {
    rows: n,
    matched,
    ips: { clickRate: meanEstimate(ipsClick), welfare: meanEstimate(ipsWelfare) },
    ...(matched === 0 ? {} : { snips: { clickRate: ratioEstimate(weights, clicks), welfare: ratioEstimate(weights, welfare) } }),
    logged: { clickRate: meanEstimate(clicks), welfare: meanEstimate(welfare) },
  };
}

/** {@link evaluateOffPolicy} of the model's allocation {@link argmaxWelfare}(log, ctr). */
export function evaluateCtrModel(log: OffPolicyLog, ctr: ArrayLike<number>): OffPolicyReport {
  return evaluateOffPolicy(log, argmaxWelfare(log, ctr));
}
