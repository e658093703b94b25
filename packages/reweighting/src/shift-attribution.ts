import type { CausalGraph, Mechanism } from './causal-graph.js';
import type { DensityRatioFitter } from './density-ratio-model.js';
import {
  checkColumnTable,
  coalitionWeights,
  mechanismWeights,
  nodeColumnList,
  type ColumnTable,
} from './mechanism-weights.js';
import { ReweightingError } from './reweighting-error.js';
import { shapleyValues, type ShapleyOptions } from './shapley.js';

/**
 * A performance measure of a fixed model from its per-row losses and per-row weights (same length `n`), e.g.
 * {@link weightedMeanLoss}. Larger is worse in the wording of the docs, but any scalar works.
 */
export type WeightedMetric = (losses: Float64Array, weights: Float64Array) => number;

/**
 * `Σ w_r ℓ_r / Σ w_r`, the weighted mean loss — what scikit-learn's metrics compute with `sample_weight`, hence what
 * the reference code evaluates (MLforHealth/expl_perf_drop, `expl_perf_drop/metrics.py` lines 3–17). With all weights
 * 1 it is the plain mean (e.g. mean squared error, or error rate for 0-1 losses).
 */
export const weightedMeanLoss: WeightedMetric = (losses, weights) => {
  let num = 0;
  let den = 0;
  for (let r = 0; r < losses.length; r++) {
    num += weights[r]! * losses[r]!;
    den += weights[r]!;
  }
  return num / den;
};

/** `(1/n) Σ w_r ℓ_r`, the unnormalised importance-weighting (Horvitz–Thompson) estimate of the target mean loss. */
export const importanceWeightedMeanLoss: WeightedMetric = (losses, weights) => {
  let num = 0;
  for (let r = 0; r < losses.length; r++) num += weights[r]! * losses[r]!;
  return num / losses.length;
};

/** Options of {@link shiftAttribution}. */
export interface ShiftAttributionOptions {
  /** Fits each density ratio `p_target / p_source` on the columns of a mechanism. Required. */
  readonly fitter: DensityRatioFitter;
  /** Per-row loss of the fixed model on the `source` rows (e.g. squared error, 0-1 loss). Required. */
  readonly sourceLoss: ArrayLike<number>;
  /** Per-row loss of the same model on the `target` rows. Required. */
  readonly targetLoss: ArrayLike<number>;
  /** Source rows the density ratios are fitted on. Default: `source` (the reference fits on separate train splits). */
  readonly fitSource?: ColumnTable;
  /** Target rows the density ratios are fitted on. Default: `target`. */
  readonly fitTarget?: ColumnTable;
  /** Performance of the model from losses and weights. Default {@link weightedMeanLoss}. */
  readonly metric?: WeightedMetric;
  /**
   * Rescale each coalition's change by `n / Σ w_S`, the reference's `imp_weight_type='self_normalize'`
   * (`explainers.py` lines 296–297). Default false (the reference's `'normal'`).
   */
  readonly selfNormalize?: boolean;
  /** Clip coalition weights to `[1/c, c]` (`c ≥ 1`), the reference's `clip_weight_thres`. Default: no clipping. */
  readonly clipWeights?: number;
  /** Columns of each graph node; default one column named as the node. */
  readonly nodeColumns?: Readonly<Record<string, readonly string[]>>;
  /** Shapley computation; default `'auto'` (exact up to 5 mechanisms), 1000 orders, seed 0. */
  readonly shapley?: ShapleyOptions;
}

/** One mechanism's share of the performance change. */
export interface MechanismAttribution {
  readonly mechanism: Mechanism;
  /** `P(X)` or `P(Y | X)`. */
  readonly label: string;
  /** Shapley value `φ_k` of the mechanism in the game `v`. */
  readonly value: number;
  /** Monte-Carlo standard error of `value` (0 when exact). */
  readonly standardError: number;
  /** `φ_k · observedChange / Σ φ`, the reference's `scale` (`explainers.py` lines 92–94); NaN when `Σ φ = 0`. */
  readonly rescaled: number;
}

/** Result of {@link shiftAttribution}. */
export interface ShiftAttribution {
  /** One entry per mechanism, in the graph's topological order. */
  readonly attributions: readonly MechanismAttribution[];
  /** `metric(sourceLoss, 1)`. */
  readonly sourcePerformance: number;
  /** `metric(targetLoss, 1)`. */
  readonly targetPerformance: number;
  /** `targetPerformance − sourcePerformance`, the change actually measured on target rows. */
  readonly observedChange: number;
  /** `v(all mechanisms)`, the change the importance weights predict; the Shapley values sum to it. */
  readonly attributedChange: number;
  /** `attributedChange − observedChange`: how far the weighted estimate is from the measured change. */
  readonly efficiencyGap: number;
  /** Kish effective sample size `(Σw)² / Σw²` of the all-mechanism weights, out of the source row count. */
  readonly effectiveSampleSize: number;
  readonly method: 'exact' | 'permutation';
  readonly permutations: number;
}

/**
 * Attributes the change in a fixed model's performance from `source` to `target` to the causal mechanisms of `graph`
 * (Zhang, Singh, Ghassemi and Joshi, "Why did the model fail?", ICML 2023). Players are the mechanisms — `P(X_i)` for
 * roots, `P(X_i | pa_i)` otherwise; a coalition `S` switches its mechanisms to the target's. Its value is
 * `v(S) = metric(ℓ_source, w_S) − metric(ℓ_source, 1)` with
 * `w_S(x) = Π_{root i ∈ S} r_i(x_i) · Π_{non-root i ∈ S} r_{pa_i ∪ i}(x) / r_{pa_i}(x)` evaluated on the source rows,
 * each `r` a target/source density ratio from `options.fitter`; the attribution is the Shapley value of `v`.
 * `v(∅) = 0`, and the values sum to `v(all)`, which is reported beside the measured change.
 *
 * @throws ReweightingError (function `shiftAttribution` or `mechanismWeights`) on empty tables, columns the graph
 *   names but a table lacks, loss arrays of the wrong length or with non-finite values, `clipWeights < 1`, or a
 *   coalition whose weights are all zero (the target has no mass where the source rows lie).
 */
export function shiftAttribution(
  graph: CausalGraph,
  source: ColumnTable,
  target: ColumnTable,
  options: ShiftAttributionOptions,
): ShiftAttribution {
  const fail = (argument: string, problem: string): never => {
    throw new ReweightingError('shiftAttribution', argument, problem);
  };
  const clip = options.clipWeights;
  if (clip !== undefined && !(clip >= 1 && Number.isFinite(clip))) {
    fail('options.clipWeights', `must be a finite number ≥ 1, got ${clip}`);
  }
  const columns = nodeColumnList(graph.nodes, options.nodeColumns);
  const n = checkColumnTable('shiftAttribution', 'source', source, columns);
  const targetRows = checkColumnTable('shiftAttribution', 'target', target, columns);
  if (options.fitSource) checkColumnTable('shiftAttribution', 'options.fitSource', options.fitSource, columns);
  if (options.fitTarget) checkColumnTable('shiftAttribution', 'options.fitTarget', options.fitTarget, columns);
  const sourceLoss = lossArray('options.sourceLoss', options.sourceLoss, n, 'source', fail);
  const targetLoss = lossArray('options.targetLoss', options.targetLoss, targetRows, 'target', fail);
  const metric = options.metric ?? weightedMeanLoss;
  const weights = mechanismWeights(graph, options.fitSource ?? source, options.fitTarget ?? target, source, options);
  const sourcePerformance = metric(sourceLoss, new Float64Array(n).fill(1));
  const targetPerformance = metric(targetLoss, new Float64Array(targetRows).fill(1));
  const labels = weights.mechanisms.map((m) => m.label);

  const value = (members: Uint8Array): number => {
    if (members.every((b) => b === 0)) return 0;
    const w = coalitionWeights(weights, members, clip);
    const total = w.reduce((a, b) => a + b, 0);
    if (!(total > 0)) {
      const names = labels.filter((_, k) => members[k] === 1).join(', ');
      fail('options.fitter', `weights of coalition {${names}} are all zero: the target has no mass on the source rows`);
    }
    const delta = metric(sourceLoss, w) - sourcePerformance;
    return options.selfNormalize === true ? (delta * n) / total : delta;
  };
  const shapley = shapleyValues(weights.mechanisms.length, value, options.shapley);
  const attributedChange = shapley.fullValue;
  const observedChange = targetPerformance - sourcePerformance;
  const sum = shapley.values.reduce((a, b) => a + b, 0);
  const full = coalitionWeights(weights, new Uint8Array(weights.mechanisms.length).fill(1), clip);
  let s1 = 0;
  let s2 = 0;
  for (const w of full) {
    s1 += w;
    s2 += w * w;
  }
  return {
    attributions: weights.mechanisms.map((mechanism, k) => ({
      mechanism,
      label: mechanism.label,
      value: shapley.values[k]!,
      standardError: shapley.standardErrors[k]!,
      rescaled: sum === 0 ? Number.NaN : (shapley.values[k]! * observedChange) / sum,
    })),
    sourcePerformance,
    targetPerformance,
    observedChange,
    attributedChange,
    efficiencyGap: attributedChange - observedChange,
    effectiveSampleSize: (s1 * s1) / s2,
    method: shapley.method,
    permutations: shapley.permutations,
  };
}

function lossArray(
  name: string,
  loss: ArrayLike<number>,
  rows: number,
  table: string,
  fail: (argument: string, problem: string) => never,
): Float64Array {
  if (loss.length !== rows) fail(name, `has ${loss.length} values, '${table}' has ${rows} rows`);
  const out = Float64Array.from(loss);
  out.forEach((l, r) => Number.isFinite(l) || fail(name, `row ${r} is ${l}`));
  return out;
}
