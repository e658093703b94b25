/**
 * The model-ready form every ctr-ranking data source produces: candidates grouped into auctions, padded to a fixed
 * number of slots per auction so that one auction is one training row (`[auctions, slots, ...]`, row-major).
 *
 * Ranking and welfare losses compare candidates inside one auction, so batches are made of whole auctions; pointwise
 * losses (logloss) use the same rows and ignore padded slots through `mask`.
 */

/** The features a model reads, fixed when the data set is encoded and stored beside a trained model. */
export interface FeatureSpec {
  /** Names of the dense (float) features, in column order. May be empty. */
  readonly numericNames: readonly string[];
  /** Names of the categorical fields, in column order. May be empty. */
  readonly categoricalFields: readonly string[];
  /**
   * Table size of each categorical field (same order as `categoricalFields`). Encoded values of field `f` lie in
   * `[0, buckets[f])`; index 0 is reserved for missing / out-of-vocabulary values.
   */
  readonly buckets: readonly number[];
  /**
   * Added by the ctr-ranking data loaders: the per-column mean and standard deviation the numeric features were
   * standardised with (`(x − mean) / std`, fitted on the training split only). Absent when the numeric features are
   * stored as read (e.g. synthetic features, already N(0, 1)). Serving applies the same transform to raw inputs.
   */
  readonly standardization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** Candidates grouped into auctions, padded to `slots` per auction. */
export interface AuctionSet {
  readonly spec: FeatureSpec;
  /** Number of auctions (rows). */
  readonly auctions: number;
  /** Candidates per auction after padding (the widest auction). */
  readonly slots: number;
  /** `[auctions, slots, numericNames.length]` dense features (standardised where the source says so). */
  readonly numeric: Float32Array;
  /** `[auctions, slots, categoricalFields.length]` encoded categorical values. */
  readonly categorical: Int32Array;
  /** `[auctions, slots]` observed outcome: a click in {0, 1}. Padded slots hold 0. */
  readonly label: Float32Array;
  /** `[auctions, slots]` cost-per-click bid, > 0 for valid slots (1 where the source has no bids). Padded slots hold 0. */
  readonly bid: Float32Array;
  /** `[auctions, slots]` 1 for a real candidate, 0 for padding. */
  readonly mask: Float32Array;
  /** `[auctions, slots]` the true click probability, when the source knows it (synthetic auctions only). */
  readonly trueCtr?: Float32Array;
  /** What the rows are, for reports (e.g. "synthetic generator A, 10 candidates per auction"). */
  readonly description: string;
}

/** The per-slot arrays of an {@link AuctionSet}, all zeros. */
export type AuctionArrays = Pick<AuctionSet, 'numeric' | 'categorical' | 'label' | 'bid' | 'mask'> & { readonly trueCtr?: Float32Array };

/**
 * Zero-filled arrays for `auctions × slots` candidate slots of `spec` (padding is all zeros: mask 0, bid 0, label 0,
 * category 0), with `trueCtr` when asked for. The one place the {@link AuctionSet} layout is allocated.
 */
export function allocateAuctionArrays(spec: FeatureSpec, auctions: number, slots: number, withTrueCtr: boolean): AuctionArrays {
  const n = auctions * slots;
  return {
    numeric: new Float32Array(n * spec.numericNames.length),
    categorical: new Int32Array(n * spec.categoricalFields.length),
    label: new Float32Array(n),
    bid: new Float32Array(n),
    mask: new Float32Array(n),
    ...(withTrueCtr ? { trueCtr: new Float32Array(n) } : {}),
  };
}
