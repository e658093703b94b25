import {
  checkLambda,
  checkPositiveInt,
  nullTheta,
  penaltyFactors,
  prepare,
  smoothLoss,
  solverSettings,
  type CovariateRows,
  type PrestoModel,
  type Prepared,
} from './cumulative-model.js';
import { SolverArgumentError } from './errors.js';
import { solve } from './fista.js';
import { fitPrepared, type PrestoOptions } from './presto.js';
import { predictPrestoProbabilities } from './presto-predict.js';
import { prestoReferenceAssembly } from './presto-reference-assembly.js';

/** Options of {@link prestoLambdaMax}. */
export type PrestoLambdaMaxOptions = Omit<PrestoOptions, 'lambda'>;

function lambdaMaxPrepared(prepared: Prepared, options: PrestoLambdaMaxOptions, fn: string): number {
  const { problem } = prepared;
  const penalizeFirst = options.penalizeFirst ?? true;
  let theta = nullTheta(problem);
  if (!penalizeFirst) {
    const { tol, maxIter } = solverSettings(options, fn);
    const frozen = new Uint8Array(theta.length);
    frozen.fill(1, problem.m + problem.p);
    theta = solve(problem, theta, 0, penaltyFactors(problem, false), frozen, Math.min(tol, 1e-9), maxIter).theta;
  }
  const grad = new Float64Array(theta.length);
  smoothLoss(problem, theta, new Float64Array(problem.m * problem.p), grad);
  const weights = penaltyFactors(problem, penalizeFirst);
  let max = 0;
  for (let j = 0; j < grad.length; j += 1) if ((weights[j] ?? 0) > 0) max = Math.max(max, Math.abs(grad[j] ?? 0));
  return max;
}

/**
 * λ_max: the smallest λ at which {@link fitPresto} sets every penalised ψ to exactly zero — the largest absolute
 * gradient of the mean NLL over the penalised coordinates at the fit with those coordinates at zero (the
 * intercept-only MLE with `penalizeFirst: true`, the proportional-odds MLE with `false`). Same options (and
 * standardisation) as {@link fitPresto}; the start of ordinalNet's λ sequence.
 */
export function prestoLambdaMax(x: CovariateRows, y: ArrayLike<number>, options: PrestoLambdaMaxOptions = {}): number {
  const fn = 'prestoLambdaMax';
  return lambdaMaxPrepared(prepare(x, y, options, fn), options, fn);
}

/** Options of {@link prestoLambdaPath} and {@link cvPresto}. */
export interface PrestoPathOptions extends PrestoLambdaMaxOptions {
  /** Number of λ values. Default 20 (the PRESTO code's). */
  readonly numLambdas?: number;
  /** Smallest λ as a fraction of λ_max. Default 0.01 (the PRESTO code's `lambdaMinRatio`). */
  readonly lambdaMinRatio?: number;
  /** Explicit λ values (any order; sorted decreasing). Overrides `numLambdas`/`lambdaMinRatio`. */
  readonly lambdas?: readonly number[];
}

function lambdaGrid(prepared: Prepared, options: PrestoPathOptions, fn: string): number[] {
  if (options.lambdas !== undefined) {
    if (options.lambdas.length === 0) throw new SolverArgumentError(fn, 'options.lambdas', 'must not be empty');
    return [...options.lambdas].map((l) => checkLambda(l, fn)).sort((a, b) => b - a);
  }
  const count = checkPositiveInt(options.numLambdas ?? 20, 'options.numLambdas', fn, 1);
  const ratio = options.lambdaMinRatio ?? 0.01;
  if (!(ratio > 0 && ratio < 1)) throw new SolverArgumentError(fn, 'options.lambdaMinRatio', `must be in (0, 1), got ${String(ratio)}`);
  const max = lambdaMaxPrepared(prepared, options, fn);
  return Array.from({ length: count }, (_, i) => (count === 1 ? max : max * ratio ** (i / (count - 1))));
}

function pathPrepared(prepared: Prepared, lambdas: readonly number[], options: PrestoLambdaMaxOptions, fn: string): PrestoModel[] {
  const models: PrestoModel[] = [];
  let theta: Float64Array | null = null;
  for (const lambda of lambdas) {
    const model = fitPrepared(prepared, { ...options, lambda }, theta, fn);
    models.push(model);
    theta = thetaOf(model);
  }
  return models;
}

function thetaOf(model: PrestoModel): Float64Array {
  const { intercepts, differences } = model.standardized;
  const m = intercepts.length;
  const p = model.numFeatures;
  const theta = new Float64Array(m + m * p);
  theta.set(intercepts, 0);
  differences.forEach((row, k) => theta.set(row, m + k * p));
  return theta;
}

/**
 * Fits {@link fitPresto} along a decreasing λ sequence with warm starts: by default 20 values spaced
 * geometrically from {@link prestoLambdaMax} down to 0.01·λ_max (ordinalNet's sequence, as used by the PRESTO code).
 * @returns the λ values (decreasing) and one model per λ.
 */
export function prestoLambdaPath(
  x: CovariateRows,
  y: ArrayLike<number>,
  options: PrestoPathOptions = {},
): { readonly lambdas: readonly number[]; readonly models: readonly PrestoModel[] } {
  const fn = 'prestoLambdaPath';
  const prepared = prepare(x, y, options, fn);
  const lambdas = lambdaGrid(prepared, options, fn);
  return { lambdas, models: pathPrepared(prepared, lambdas, options, fn) };
}

/** Options of {@link cvPresto}. */
export interface CvPrestoOptions extends PrestoPathOptions {
  /** Number of folds. Default 5. Ignored when `foldIds` is given. */
  readonly numFolds?: number;
  /**
   * Fold of each example `[N]`, ids in [0, numFolds). Default: example i goes to fold i mod numFolds — shuffle the
   * data first (or pass your own ids) if its order carries structure.
   */
  readonly foldIds?: ArrayLike<number>;
  /**
   * The model each fold scores: `'fitted'` (default) — the fitted model, β_k = ψ_1 + … + ψ_k; `'reference'` — the
   * model the PRESTO code's `predict` assembles ({@link prestoReferenceAssembly}: ψ_k as boundary k's coefficients),
   * which reproduces the Brier scores and the λ of the reference's CV. For comparison only: that model is wrong
   * from boundary 2 on. Needs `standardize: true`. The returned `model` is the correct refit either way.
   */
  readonly foldAssembly?: 'fitted' | 'reference';
}

/** Result of {@link cvPresto}. */
export interface CvPrestoResult {
  /** The selected λ: the largest λ with the smallest mean out-of-fold Brier score. */
  readonly lambda: number;
  /** The λ sequence (decreasing). */
  readonly lambdas: readonly number[];
  /** Mean over folds of the out-of-fold Brier score, one per λ. */
  readonly brier: Float64Array;
  /** Out-of-fold Brier score per fold `[numFolds][numLambdas]`. */
  readonly brierByFold: readonly Float64Array[];
  /** {@link fitPresto} on all the data at the selected λ. */
  readonly model: PrestoModel;
}

function subset(x: CovariateRows, y: ArrayLike<number>, rows: readonly number[]): { x: ArrayLike<number>[]; y: number[] } {
  return { x: rows.map((i) => x[i] ?? []), y: rows.map((i) => y[i] ?? Number.NaN) };
}

/**
 * Chooses λ for {@link fitPresto} by K-fold cross-validation on the Brier score, with the rule of the PRESTO code
 * (`getLambdaFusedPolr`: ordinalNet's tuning with 5 folds, 20 λ values, `lambdaMinRatio` 0.01): the λ sequence
 * comes from all the data, each fold fits the path on the other folds (standardising them itself), the score of an
 * example is Σ_k (1[y = k] − p̂_k)² (ordinalNet's Brier score), averaged over the held-out examples of a fold and
 * then over folds; the largest λ among those with the minimal mean wins, and the model is refitted on all data.
 * Every class must occur in every training split.
 *
 * Where this departs from the reference on purpose: the reference scores each fold with a wrongly assembled model
 * (ψ_k used as boundary k's coefficients, see {@link prestoReferenceAssembly}), so its Brier scores, and the λ they
 * choose, differ from the ones here; `foldAssembly: 'reference'` reproduces them for comparison. Folds: example i
 * goes to fold i mod numFolds (the reference shuffles with R's `sample`).
 */
export function cvPresto(x: CovariateRows, y: ArrayLike<number>, options: CvPrestoOptions = {}): CvPrestoResult {
  const fn = 'cvPresto';
  const prepared = prepare(x, y, options, fn);
  const lambdas = lambdaGrid(prepared, options, fn);
  const n = prepared.problem.n;
  const numFolds =
    options.foldIds === undefined ? checkPositiveInt(options.numFolds ?? 5, 'options.numFolds', fn, 2) : 0;
  if (options.foldIds !== undefined && options.foldIds.length !== n) {
    throw new SolverArgumentError(fn, 'options.foldIds', `must hold ${n} fold ids, got ${options.foldIds.length}`);
  }
  const folds = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const id = options.foldIds === undefined ? i % numFolds : (options.foldIds[i] ?? Number.NaN);
    if (!Number.isInteger(id) || id < 0) throw new SolverArgumentError(fn, 'options.foldIds', `must hold integer fold ids ≥ 0, got ${id} at index ${i}`);
    folds[i] = id;
  }
  const foldAssembly = options.foldAssembly ?? 'fitted';
  if (foldAssembly !== 'fitted' && foldAssembly !== 'reference') {
    throw new SolverArgumentError(fn, 'options.foldAssembly', `must be 'fitted' or 'reference', got '${String(foldAssembly)}'`);
  }
  if (foldAssembly === 'reference' && !prepared.standardize) {
    throw new SolverArgumentError(fn, 'options.foldAssembly', "'reference' needs standardize: true (the reference's setting)");
  }
  const foldCount = Math.max(...folds) + 1;
  const numClasses = prepared.problem.m + 1;
  const brierByFold: Float64Array[] = [];
  for (let fold = 0; fold < foldCount; fold += 1) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i += 1) (folds[i] === fold ? test : train).push(i);
    if (test.length === 0) continue;
    const trainData = subset(x, y, train);
    const testData = subset(x, y, test);
    const foldPrepared = prepare(trainData.x, trainData.y, { ...options, numClasses }, fn);
    const models = pathPrepared(foldPrepared, lambdas, options, fn);
    brierByFold.push(
      Float64Array.from(models, (model) => {
        const scored = foldAssembly === 'reference' ? prestoReferenceAssembly(model) : model;
        const probabilities = predictPrestoProbabilities(scored, testData.x);
        let total = 0;
        probabilities.forEach((row, r) => {
          row.forEach((prob, k) => {
            total += ((testData.y[r] === k ? 1 : 0) - prob) ** 2;
          });
        });
        return total / test.length;
      }),
    );
  }
  const brier = Float64Array.from(lambdas, (_, l) => brierByFold.reduce((s, row) => s + (row[l] ?? 0), 0) / brierByFold.length);
  let best = 0;
  for (let l = 1; l < lambdas.length; l += 1) if ((brier[l] ?? Infinity) < (brier[best] ?? Infinity)) best = l;
  const lambda = lambdas[best] ?? 0;
  return { lambda, lambdas, brier, brierByFold, model: fitPrepared(prepared, { ...options, lambda }, null, fn) };
}
