import { ConfigError, SeededRandom } from '@counterweight/runtime';
import {
  fitProportionalOdds,
  fitSeparateLogistic,
  predictPrestoProbabilities,
  prestoLambdaMax,
  prestoLambdaPath,
  type PrestoMethod,
  type PrestoModel,
} from '@counterweight/solvers';
import type { WindowSplit } from '../data/forecast-windows.js';
import { AQI_CATEGORY_COUNT, aqiCategory } from './aqi.js';
import { brierScores } from './brier-score.js';
import { finiteOrNull } from './finite-or-null.js';
import { ordinalScores, type OrdinalScores } from './ordinal-metrics.js';

/** Default number of training windows the ordinal models are fitted on (seeded subsample). */
export const DEFAULT_ORDINAL_SAMPLE = 20_000;

/** Default λ grid size of PRESTO: `numLambdas` values from λ_max down to `lambdaMinRatio`·λ_max. */
export const DEFAULT_ORDINAL_LAMBDAS = 8;

/** Default smallest λ of the grid as a fraction of λ_max. */
export const DEFAULT_ORDINAL_LAMBDA_MIN_RATIO = 1e-3;

/** Iteration cap of the proportional-odds fit inside the λ_max computation (see the λ grid of {@link compareOrdinalModels}). */
export const LAMBDA_MAX_ITERATIONS = 100;

/** Default solver tolerance of the ordinal PRESTO / proportional-odds fits (the solvers' default is 1e-7). */
export const DEFAULT_ORDINAL_TOLERANCE = 1e-5;

/** Default iteration cap of each ordinal PRESTO / proportional-odds fit (the solvers' default is 20 000). */
export const DEFAULT_ORDINAL_MAX_ITERATIONS = 2000;

/** The window layout needed to build ordinal covariates and targets (a subset of `ForecastWindows`). */
export interface OrdinalLayout {
  /** Input feature names per step, in layout order. */
  readonly features: readonly string[];
  /** Output variable names, in layout order. */
  readonly targets: readonly string[];
  /** Steps ahead, ascending. */
  readonly horizons: readonly number[];
}

/** Covariates and AQI categories of the windows of a split whose target is observed. */
export interface OrdinalData {
  /** `[n][p]` covariates (see {@link ordinalCovariates}). */
  readonly x: Float64Array[];
  /** AQI categories 0..5 `[n]`. */
  readonly y: Int32Array;
  /** Window index in the split of each row. */
  readonly windows: Int32Array;
}

/**
 * Compact covariates of every window, `[count][F + 1]`: the last history step of each input feature (normalised,
 * as in `split.inputs`, missing flags included) followed by the mean over the history of the input feature named
 * `variable` (normalised PM2.5 by default: the recent level, smoothed).
 *
 * @param split a split of forecast windows (`inputs` `[count, history, F]`).
 * @param features input feature names, F of them (`ForecastWindows.features`).
 * @param variable input feature whose history mean is appended, default `'PM2.5'`.
 * @throws ConfigError when `variable` is not an input feature or `inputs` does not fit `[count, history, F]`.
 */
export function ordinalCovariates(split: WindowSplit, features: readonly string[], variable = 'PM2.5'): Float64Array[] {
  const f = features.length;
  const v = features.indexOf(variable);
  if (v < 0) throw new ConfigError('variable', `"${variable}" is not an input feature; features are ${features.join(', ')}`);
  const { count } = split;
  if (count === 0) return [];
  const history = split.inputs.length / (count * f);
  if (!Number.isInteger(history) || history < 1) {
    throw new ConfigError('split.inputs', `has ${split.inputs.length} values, not count ${count} × history × ${f} features`);
  }
  const rows: Float64Array[] = [];
  for (let i = 0; i < count; i += 1) {
    const row = new Float64Array(f + 1);
    const base = i * history * f;
    for (let c = 0; c < f; c += 1) row[c] = split.inputs[base + (history - 1) * f + c] ?? 0;
    let sum = 0;
    for (let s = 0; s < history; s += 1) sum += split.inputs[base + s * f + v] ?? 0;
    row[f] = sum / history;
    rows.push(row);
  }
  return rows;
}

/**
 * Covariates ({@link ordinalCovariates}) and China AQI category ({@link aqiCategory}) of `variable` at one horizon,
 * for the windows whose target is observed (windows with a missing target are dropped).
 *
 * @param horizon the step ahead (a value of `layout.horizons`, e.g. 24).
 * @throws ConfigError for an unknown horizon or variable.
 */
export function ordinalData(split: WindowSplit, layout: OrdinalLayout, horizon: number, variable = 'PM2.5'): OrdinalData {
  const h = layout.horizons.indexOf(horizon);
  if (h < 0) throw new ConfigError('horizon', `${horizon} is not one of the horizons ${layout.horizons.join(', ')}`);
  const t = layout.targets.indexOf(variable);
  if (t < 0) throw new ConfigError('variable', `"${variable}" is not a target; targets are ${layout.targets.join(', ')}`);
  const covariates = ordinalCovariates(split, layout.features, variable);
  const H = layout.horizons.length;
  const V = layout.targets.length;
  if (split.raw.length !== split.count * H * V) {
    throw new ConfigError('split.raw', `has ${split.raw.length} values, expected ${split.count * H * V} = ${split.count} × ${H} × ${V}`);
  }
  const x: Float64Array[] = [];
  const y: number[] = [];
  const windows: number[] = [];
  for (let i = 0; i < split.count; i += 1) {
    const c = aqiCategory(split.raw[(i * H + h) * V + t] ?? Number.NaN);
    if (c < 0) continue;
    x.push(covariates[i] ?? new Float64Array(0));
    y.push(c);
    windows.push(i);
  }
  return { x, y: Int32Array.from(y), windows: Int32Array.from(windows) };
}

/** Options of {@link fitOrdinalForecast}. */
export interface OrdinalForecastOptions {
  readonly train: WindowSplit;
  readonly validation: WindowSplit;
  readonly test: WindowSplit;
  readonly layout: OrdinalLayout;
  /** The step ahead whose category is forecast (a value of `layout.horizons`). */
  readonly horizon: number;
  /** Target and input variable, default `'PM2.5'`. */
  readonly variable?: string;
  /** Training windows to fit on (seeded uniform subsample without replacement; all if fewer). Default {@link DEFAULT_ORDINAL_SAMPLE}. */
  readonly sampleSize?: number;
  /** Seed of the subsample. */
  readonly seed: number;
  /** PRESTO λ grid size. Default {@link DEFAULT_ORDINAL_LAMBDAS}. */
  readonly numLambdas?: number;
  /** Smallest λ / λ_max. Default {@link DEFAULT_ORDINAL_LAMBDA_MIN_RATIO}. */
  readonly lambdaMinRatio?: number;
  /** Explicit λ grid for PRESTO (overrides `numLambdas` / `lambdaMinRatio`). */
  readonly lambdas?: readonly number[];
  /** See {@link OrdinalComparisonOptions.tolerance}. */
  readonly tolerance?: number;
  /** See {@link OrdinalComparisonOptions.maxIterations}. */
  readonly maxIterations?: number;
}

/** One fitted method and its test scores. */
export interface OrdinalMethodResult {
  readonly method: PrestoMethod;
  /** λ of the fit (PRESTO: chosen on validation; 0 for the two limits). */
  readonly lambda: number;
  readonly converged: boolean;
  readonly iterations: number;
  /** Training NLL (mean). */
  readonly trainNll: number;
  /** Validation multi-class Brier score. */
  readonly validationBrier: number;
  /** Test rows whose predicted cumulative probabilities crossed (a negative category probability, clipped to 0). */
  readonly crossedRows: number;
  /** Wall-clock fit time in ms (PRESTO: the whole λ path); not deterministic, leave it out of seed summaries. */
  readonly fitMilliseconds: number;
  readonly test: OrdinalScores;
}

/** PRESTO's λ grid (decreasing) with the validation Brier score (null if undefined), iterations and convergence of each fit. */
export interface OrdinalLambdaPath {
  readonly lambdas: readonly number[];
  readonly validationBrier: readonly (number | null)[];
  readonly iterations: readonly number[];
  readonly converged: readonly boolean[];
}

/** Result of {@link fitOrdinalForecast}. */
export interface OrdinalForecastResult {
  readonly variable: string;
  readonly horizon: number;
  /** Categories fitted: 0..K−1 where K − 1 is the largest category in the training sample. */
  readonly numClasses: number;
  readonly numFeatures: number;
  /** Training windows with an observed target, and how many were sampled for fitting. */
  readonly trainAvailable: number;
  readonly trainSample: number;
  /** The two rarest categories of the training sample (ties: the higher category), calibrated in `test.rare`. */
  readonly rareCategories: readonly number[];
  readonly categoryCounts: {
    readonly trainSample: readonly number[];
    readonly validation: readonly number[];
    readonly test: readonly number[];
  };
  readonly lambdaPath: OrdinalLambdaPath;
  readonly methods: readonly OrdinalMethodResult[];
  /**
   * Flat scalars: `ordinalBrier.<method>`, `ordinalAccuracy.<method>`, `ordinalMacroF1.<method>`,
   * `ordinalBrier<k>.<method>` and `ordinalEce<k>.<method>` for each rare category k (finite values only).
   */
  readonly headline: Readonly<Record<string, number>>;
}

function counts(y: ArrayLike<number>): number[] {
  const out = new Array<number>(AQI_CATEGORY_COUNT).fill(0);
  for (let i = 0; i < y.length; i += 1) out[y[i] ?? 0] = (out[y[i] ?? 0] ?? 0) + 1;
  return out;
}

/**
 * Category probabilities over all {@link AQI_CATEGORY_COUNT} categories: the model's K columns, zeros for categories
 * above K − 1. A negative middle probability (the boundaries crossed at that point, possible out of sample for
 * separate or weakly tied boundaries) is clipped to 0 and the row renormalised; such rows are counted.
 */
function probabilities(model: PrestoModel, x: readonly Float64Array[]): { rows: Float64Array[]; crossed: number } {
  let crossed = 0;
  const rows = predictPrestoProbabilities(model, x).map((p) => {
    const row = new Float64Array(AQI_CATEGORY_COUNT);
    let total = 0;
    let negative = false;
    p.forEach((v, c) => {
      if (v < 0) negative = true;
      const clipped = Math.max(v, 0);
      row[c] = clipped;
      total += clipped;
    });
    if (negative) crossed += 1;
    return total > 0 ? row.map((v) => v / total) : row;
  });
  return { rows, crossed };
}

/**
 * Geometric λ grid `λ_max · ratio^(i/(n−1))`, i = 0..n−1, with λ_max from `prestoLambdaMax` (`penalizeFirst: false`).
 * Its inner proportional-odds fit runs to tolerance 1e-9, which FISTA's backtracking may never certify in float64
 * (each iteration then halves its step down to 1e-14: ~45 loss evaluations per iteration, minutes over the default
 * 20 000 iterations on 20 000 rows); it is capped at {@link LAMBDA_MAX_ITERATIONS} here. On 20 000 synthetic rows
 * with 32 covariates, 100 and 300 iterations gave the same λ_max to 13 digits; an approximate λ_max would only move
 * the grid, and the exact proportional-odds fit is one of the compared methods anyway.
 */
function lambdaGrid(x: readonly Float64Array[], y: Int32Array, numClasses: number, count: number, ratio: number): number[] {
  if (!Number.isInteger(count) || count < 1) throw new ConfigError('numLambdas', `must be an integer >= 1, got ${String(count)}`);
  if (!(ratio > 0 && ratio < 1)) throw new ConfigError('lambdaMinRatio', `must be in (0, 1), got ${String(ratio)}`);
  const max = prestoLambdaMax(x, y, { numClasses, penalizeFirst: false, maxIterations: LAMBDA_MAX_ITERATIONS });
  return Array.from({ length: count }, (_, i) => (count === 1 ? max : max * ratio ** (i / (count - 1))));
}

function subsample(n: number, size: number, seed: number): Int32Array {
  const index = Int32Array.from({ length: n }, (_, i) => i);
  if (size >= n) return index;
  const random = SeededRandom.fromSeed(seed, 'ordinal-subsample');
  for (let i = 0; i < size; i += 1) {
    const j = random.int(i, n - 1);
    const t = index[i] ?? 0;
    index[i] = index[j] ?? 0;
    index[j] = t;
  }
  return index.slice(0, size).sort();
}

/** Covariate rows and category ids of one split for {@link compareOrdinalModels}. */
export interface OrdinalRows {
  readonly x: readonly Float64Array[];
  readonly y: ArrayLike<number>;
}

/** Options of {@link compareOrdinalModels}. */
export interface OrdinalComparisonOptions {
  /** Fitting rows; categories 0..K−1 with K − 1 the largest present, each of them present. */
  readonly train: OrdinalRows;
  /** Rows on which PRESTO's λ is chosen (Brier score). */
  readonly validation: OrdinalRows;
  /** Rows the three models are scored on. */
  readonly test: OrdinalRows;
  readonly numLambdas?: number;
  readonly lambdaMinRatio?: number;
  /** Explicit λ grid (overrides `numLambdas` / `lambdaMinRatio`). */
  readonly lambdas?: readonly number[];
  /** Solver tolerance of the PRESTO and proportional-odds fits (FISTA gradient mapping). Default {@link DEFAULT_ORDINAL_TOLERANCE}. */
  readonly tolerance?: number;
  /** Iteration cap of each PRESTO / proportional-odds fit. Default {@link DEFAULT_ORDINAL_MAX_ITERATIONS}; `converged` tells. */
  readonly maxIterations?: number;
}

/** Result of {@link compareOrdinalModels}. */
export interface OrdinalComparison {
  readonly numClasses: number;
  readonly numFeatures: number;
  /** The two rarest categories of the training rows (ties: the higher category), calibrated in `test.rare`. */
  readonly rareCategories: readonly number[];
  /** PRESTO's λ grid (decreasing) and the validation Brier score of each λ (null if undefined). */
  readonly lambdaPath: OrdinalLambdaPath;
  readonly methods: readonly OrdinalMethodResult[];
  /** Test probabilities `[N][6]` of each method, in the order of `methods` (not JSON-bound: large). */
  readonly testProbabilities: readonly (readonly Float64Array[])[];
  /**
   * Flat scalars: `ordinalBrier.<method>`, `ordinalAccuracy.<method>`, `ordinalMacroF1.<method>`,
   * `ordinalBrier<k>.<method>` and `ordinalEce<k>.<method>` for each rare category k (finite values only).
   */
  readonly headline: Readonly<Record<string, number>>;
}

/**
 * Fits and compares three cumulative-logit models of `@counterweight/solvers` on given covariate rows:
 *
 * - PRESTO (Faletto & Bien, "Predicting Rare Events by Shrinking Towards Proportional Odds", ICML 2023;
 *   `prestoLambdaPath` with `penalizeFirst: false`, the paper's L1 penalty on the differences of adjacent boundaries'
 *   coefficients, so λ ≥ λ_max is exactly the proportional-odds fit), λ chosen on the VALIDATION rows by the
 *   multi-class Brier score over a geometric grid of `numLambdas` (default 8) values from λ_max down to
 *   `lambdaMinRatio` (default 1e-3)·λ_max, warm-started along the path (ties → the larger λ);
 * - its λ → ∞ limit, proportional odds (McCullagh 1980; `fitProportionalOdds`);
 * - separate logistic regressions per boundary (`fitSeparateLogistic`), the unshrunk end (equal to PRESTO at λ = 0
 *   for saturated designs, close to it otherwise).
 *
 * Solver settings: tolerance 1e-5 (gradient mapping) and at most 2000 iterations per PRESTO / proportional-odds fit
 * unless given (each fit's `converged` is reported); separate fits use the solvers' Newton defaults.
 * Covariates are standardised by the solvers. The categories fitted are 0..K−1 with K − 1 the largest training
 * category; higher categories get probability 0. Scores on the test rows: `ordinalScores`, over all 6 AQI categories.
 *
 * @throws ConfigError for empty rows, or a category below the largest training one without a training example.
 */
export function compareOrdinalModels(options: OrdinalComparisonOptions): OrdinalComparison {
  const { train, validation, test } = options;
  for (const [name, data] of [['train', train], ['validation', validation], ['test', test]] as const) {
    if (data.y.length === 0) throw new ConfigError(name, 'has no rows to fit or score');
  }
  const x = train.x;
  const y = Int32Array.from(train.y);
  const trainCounts = counts(y);
  const numClasses = Math.max(...y) + 1;
  const missing = trainCounts.slice(0, numClasses).findIndex((c) => c === 0);
  if (missing >= 0) {
    throw new ConfigError('train', `the ${y.length} training rows hold no example of AQI category ${missing} below the largest (${numClasses - 1}); use more training windows`);
  }
  if (numClasses < 2) throw new ConfigError('train', `holds a single category (${numClasses - 1}); nothing to forecast`);
  const rareCategories = Array.from({ length: numClasses }, (_, c) => c)
    .sort((a, b) => (trainCounts[a] ?? 0) - (trainCounts[b] ?? 0) || b - a)
    .slice(0, 2)
    .sort((a, b) => a - b);
  const fitOptions = {
    numClasses,
    tolerance: options.tolerance ?? DEFAULT_ORDINAL_TOLERANCE,
    maxIterations: options.maxIterations ?? DEFAULT_ORDINAL_MAX_ITERATIONS,
  };

  const validationBrierOf = (model: PrestoModel): number => brierScores(validation.y, probabilities(model, validation.x).rows).score;
  const timed = <T>(fit: () => T): { value: T; ms: number } => {
    const start = performance.now();
    const value = fit();
    return { value, ms: performance.now() - start };
  };

  const path = timed(() => {
    const lambdas = options.lambdas ?? lambdaGrid(x, y, numClasses, options.numLambdas ?? DEFAULT_ORDINAL_LAMBDAS, options.lambdaMinRatio ?? DEFAULT_ORDINAL_LAMBDA_MIN_RATIO);
    return prestoLambdaPath(x, y, { ...fitOptions, penalizeFirst: false, lambdas });
  });
  const pathBrier = path.value.models.map(validationBrierOf);
  let best = 0;
  pathBrier.forEach((b, k) => {
    if (b < (pathBrier[best] ?? Number.POSITIVE_INFINITY)) best = k;
  });
  const presto = path.value.models[best];
  if (presto === undefined) throw new ConfigError('lambdas', 'gave an empty λ grid');
  const po = timed(() => fitProportionalOdds(x, y, fitOptions));
  const separate = timed(() => fitSeparateLogistic(x, y, { numClasses }));

  const fitted: Array<{ model: PrestoModel; ms: number }> = [
    { model: presto, ms: path.ms },
    { model: po.value, ms: po.ms },
    { model: separate.value, ms: separate.ms },
  ];
  const headline: Record<string, number> = {};
  const testProbabilities: Float64Array[][] = [];
  const methods = fitted.map(({ model, ms }): OrdinalMethodResult => {
    const predicted = probabilities(model, test.x);
    testProbabilities.push(predicted.rows);
    const scores = ordinalScores(test.y, predicted.rows, rareCategories);
    const name = model.method;
    headline[`ordinalBrier.${name}`] = scores.brier;
    headline[`ordinalAccuracy.${name}`] = scores.accuracy;
    if (scores.macroF1 !== null) headline[`ordinalMacroF1.${name}`] = scores.macroF1;
    for (const r of scores.rare) {
      headline[`ordinalBrier${r.category}.${name}`] = r.brier;
      if (r.ece !== null) headline[`ordinalEce${r.category}.${name}`] = r.ece;
    }
    return {
      method: name,
      lambda: model.lambda,
      converged: model.converged,
      iterations: model.iterations,
      trainNll: model.nll,
      validationBrier: validationBrierOf(model),
      crossedRows: predicted.crossed,
      fitMilliseconds: ms,
      test: scores,
    };
  });
  return {
    numClasses,
    numFeatures: x[0]?.length ?? 0,
    rareCategories,
    lambdaPath: {
      lambdas: [...path.value.lambdas],
      validationBrier: pathBrier.map(finiteOrNull),
      iterations: path.value.models.map((m) => m.iterations),
      converged: path.value.models.map((m) => m.converged),
    },
    methods,
    testProbabilities,
    headline,
  };
}

/**
 * Ordinal forecast of the China AQI category of PM2.5 at one horizon (issue 16): the windows of each split with an
 * observed target ({@link ordinalData}: compact covariates and category), a seeded uniform subsample of `sampleSize`
 * (default 20 000) training windows, and {@link compareOrdinalModels} — PRESTO with λ chosen on validation against
 * proportional odds and separate logistic fits, scored on test.
 *
 * @throws ConfigError for an unknown horizon or variable, a split without observed targets, a bad `sampleSize`, or
 *   a category below the sample's largest that has no sampled example (raise `sampleSize`).
 */
export function fitOrdinalForecast(options: OrdinalForecastOptions): OrdinalForecastResult {
  const variable = options.variable ?? 'PM2.5';
  const sampleSize = options.sampleSize ?? DEFAULT_ORDINAL_SAMPLE;
  if (!Number.isInteger(sampleSize) || sampleSize < 2) throw new ConfigError('sampleSize', `must be an integer >= 2, got ${String(sampleSize)}`);
  const train = ordinalData(options.train, options.layout, options.horizon, variable);
  const validation = ordinalData(options.validation, options.layout, options.horizon, variable);
  const test = ordinalData(options.test, options.layout, options.horizon, variable);
  for (const [name, data] of [['train', train], ['validation', validation], ['test', test]] as const) {
    if (data.y.length === 0) throw new ConfigError(name, `has no window with an observed ${variable} at horizon ${options.horizon}`);
  }
  const picked = subsample(train.y.length, sampleSize, options.seed);
  const sample = { x: Array.from(picked, (i) => train.x[i] ?? new Float64Array(0)), y: Int32Array.from(picked, (i) => train.y[i] ?? 0) };
  const comparison = compareOrdinalModels({
    train: sample,
    validation,
    test,
    ...(options.numLambdas === undefined ? {} : { numLambdas: options.numLambdas }),
    ...(options.lambdaMinRatio === undefined ? {} : { lambdaMinRatio: options.lambdaMinRatio }),
    ...(options.lambdas === undefined ? {} : { lambdas: options.lambdas }),
    ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
    ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
  });
  return {
    variable,
    horizon: options.horizon,
    numClasses: comparison.numClasses,
    numFeatures: comparison.numFeatures,
    trainAvailable: train.y.length,
    trainSample: sample.y.length,
    rareCategories: comparison.rareCategories,
    categoryCounts: { trainSample: counts(sample.y), validation: counts(validation.y), test: counts(test.y) },
    lambdaPath: comparison.lambdaPath,
    methods: comparison.methods,
    headline: comparison.headline,
  };
}
