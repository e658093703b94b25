import type { FeatureSpec } from './auction-set.js';

/**
 * Logged bandit feedback prepared for off-policy evaluation of a ranking model: for each logged impression (one row),
 * the full candidate set the model could have chosen from, encoded with the same {@link FeatureSpec} as the training
 * auctions, plus what the logging policy actually did (its action, the click, the propensity of that action).
 *
 * Layout is row-major like {@link AuctionSet}: `numeric` is `[rows, candidates, numericNames.length]`, `categorical`
 * `[rows, candidates, categoricalFields.length]`, `value` `[rows, candidates]`; the per-row arrays are `[rows]`.
 * Every row has the same candidate set size (no padding).
 */
export interface OffPolicyLog {
  readonly spec: FeatureSpec;
  /** Logged impressions. */
  readonly rows: number;
  /** Candidates per row (for Open Bandit: every item of the campaign). */
  readonly candidates: number;
  readonly numeric: Float32Array;
  readonly categorical: Int32Array;
  /** Value of a click on each candidate (the "bid" of welfare = value · click), > 0. */
  readonly value: Float32Array;
  /** Index (0..candidates−1) of the candidate the logging policy showed. */
  readonly action: Int32Array;
  /** Observed click (0/1) on the logged action. */
  readonly click: Float32Array;
  /** Probability that the logging policy chose the logged action in this row, in (0, 1]. Float64 to keep 1/34 exact enough. */
  readonly propensity: Float64Array;
  /** Optional slot/position of the logged impression (Open Bandit: 1, 2, 3). */
  readonly position?: Int32Array;
  readonly description: string;
}
