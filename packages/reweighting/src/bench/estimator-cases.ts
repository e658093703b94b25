import { causalGraph } from '../causal-graph.js';
import { classifierDensityRatio, fitClassifierDensityRatio, type ClassifierDensityRatioOptions } from '../density-ratio-classifier.js';
import { shimodairaToy } from '../covariate-shift-synthetic.js';
import { doubleWeighting } from '../double-weighting.js';
import { ipmBalancingWeights } from '../ipm-balancing.js';
import { kangSchaferData } from '../kang-schafer.js';
import { fitKliep } from '../kliep.js';
import { nieWagerData } from '../nie-wager-designs.js';
import { crossFitNuisances } from '../nuisance-models.js';
import { fitRLearner } from '../r-learner.js';
import { shiftAttribution } from '../shift-attribution.js';
import type { EstimatorName } from './bench-options.js';
import { gaussianShift } from './gaussian-shift-design.js';

/** Diagnostics of one fit, recorded beside its time (so a timing of a failed or unconverged fit is visible). */
export type FitSummary = Readonly<Record<string, number | boolean>>;

/** Which sample-size list an estimator is timed at. */
export type SizeFamily = 'kernel' | 'feature';

/** One timed estimator: its design, and how to build one fit of it at sample size n. */
export interface EstimatorCase {
  readonly family: SizeFamily;
  /** The synthetic design and what n counts. */
  readonly design: string;
  /** The call timed, with its options. */
  readonly fit: string;
  /** Draws the design at `n` (untimed) and returns the timed call: one complete fit on that data. */
  prepare(n: number, seed: number): () => FitSummary;
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

const GAUSSIAN_SHIFT = 'gaussianShift 2-D (X ~ N(0,1) → N(1,1), Y = X (+0.8) + N(0,1)); n rows per domain';
const SHIMODAIRA = 'shimodairaToy (x_s ~ N(0.5, 0.5²), x_t ~ N(0, 0.3²)); n source and n target rows';

function classifierCase(options: ClassifierDensityRatioOptions, fit: string): EstimatorCase {
  return {
    family: 'feature',
    design: GAUSSIAN_SHIFT,
    fit,
    prepare(n, seed) {
      const data = gaussianShift(n, seed);
      return () => {
        const model = fitClassifierDensityRatio(data.sourceMatrix, data.targetMatrix, options);
        return { meanWeight: mean(model.sourceWeights), clippedFraction: model.clippedFraction };
      };
    },
  };
}

function doubleWeightingCase(D: number): EstimatorCase {
  return {
    family: 'kernel',
    design: SHIMODAIRA,
    fit: `doubleWeighting(source, target, { D: ${D} }) (B = 1000, ε = 1 − 1/√n, σ nearest-neighbour, interior point)`,
    prepare(n, seed) {
      const data = shimodairaToy({ seed, nSource: n, nTarget: n });
      return () => {
        const r = doubleWeighting(data.source, data.target, { D });
        return { converged: r.converged, iterations: r.iterations, rank: r.rank, meanBeta: mean(r.beta) };
      };
    },
  };
}

/** Every estimator of the bench: the package's estimators on its own seeded synthetic designs. */
export const ESTIMATOR_CASES: Readonly<Record<EstimatorName, EstimatorCase>> = {
  'classifier-linear': classifierCase({ features: 'linear' }, "fitClassifierDensityRatio(source, target, { features: 'linear' })"),
  'classifier-quadratic': classifierCase({ features: 'quadratic' }, "fitClassifierDensityRatio(source, target, { features: 'quadratic' })"),
  'classifier-isotonic': classifierCase(
    { features: 'quadratic', calibration: 'isotonic' },
    "fitClassifierDensityRatio(source, target, { features: 'quadratic', calibration: 'isotonic' }) (5 cross-fitted folds + final fit)",
  ),
  kliep: {
    family: 'kernel',
    design: SHIMODAIRA,
    fit: 'fitKliep(source, target) (b = min(100, n) centres, 5 widths × 5-fold likelihood CV, then the final fit)',
    prepare(n, seed) {
      const data = shimodairaToy({ seed, nSource: n, nTarget: n });
      return () => {
        const model = fitKliep(data.source, data.target);
        return { sigma: model.sigma, objective: model.objective };
      };
    },
  },
  'double-weighting-d1': doubleWeightingCase(1),
  'double-weighting-d4': doubleWeightingCase(4),
  'ipm-ate': {
    family: 'kernel',
    design: 'kangSchaferData (misspecified covariates X, 4 columns); n rows in all (both arms)',
    fit: "ipmBalancingWeights(x, treatment, { estimand: 'ate' }) (median-distance σ, Frank–Wolfe QP per arm, tolerance 1e-3)",
    prepare(n, seed) {
      const data = kangSchaferData({ n, seed });
      return () => {
        const r = ipmBalancingWeights(data.x, data.treatment, { estimand: 'ate' });
        return { converged: r.converged, iterations: r.iterations, mmdTreated: r.mmd.treated, mmdControl: r.mmd.control };
      };
    },
  },
  'r-learner': {
    family: 'feature',
    design: "nieWagerData setup 'A' (d = 6, σ = 1); n rows",
    fit: 'fitRLearner(x, a, y, { nuisances: crossFitNuisances(x, a, y) }) (5 folds; quadratic ridge and logistic nuisances; IVW quadratic ridge final stage)',
    prepare(n, seed) {
      const data = nieWagerData({ setup: 'A', n, seed });
      return () => {
        const nuisances = crossFitNuisances(data.x, data.treatment, data.outcome);
        const model = fitRLearner(data.x, data.treatment, data.outcome, { nuisances });
        return { meanTau: mean(model.predict(data.x)), meanWeight: mean(model.weights) };
      };
    },
  },
  'shift-attribution': {
    family: 'feature',
    design: `${GAUSSIAN_SHIFT}; graph X → Y (2 mechanisms); fixed model f(x) = x/2, squared error`,
    fit: 'shiftAttribution(X → Y, source, target, { fitter: classifierDensityRatio() }) (exact Shapley over 2 mechanisms)',
    prepare(n, seed) {
      const data = gaussianShift(n, seed);
      const graph = causalGraph({ X: [], Y: ['X'] });
      const loss = (t: { X: Float64Array; Y: Float64Array }): Float64Array => t.X.map((x, r) => (t.Y[r]! - 0.5 * x) ** 2);
      const sourceLoss = loss(data.source);
      const targetLoss = loss(data.target);
      const fitter = classifierDensityRatio();
      return () => {
        const a = shiftAttribution(graph, data.source, data.target, { fitter, sourceLoss, targetLoss });
        return {
          phiX: a.attributions[0]!.value,
          phiYgivenX: a.attributions[1]!.value,
          observedChange: a.observedChange,
          effectiveSampleSize: a.effectiveSampleSize,
        };
      };
    },
  },
};
