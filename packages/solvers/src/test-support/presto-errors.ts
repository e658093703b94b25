// Test-only: how far a PRESTO-family fit is from the truth of the sparse-differences simulation.
import type { PrestoModel } from '../cumulative-model.js';
import { predictPrestoProbabilities } from '../presto-predict.js';
import type { sparseDifferencesData } from '../presto-synthetic.js';

/**
 * ‖β̂_{K−1} − β_{K−1}‖² (the rare boundary's coefficients) and the mean squared error of the rare-class probability
 * at the design points, against the simulation's true parameters and probabilities.
 */
export function prestoErrors(model: PrestoModel, data: ReturnType<typeof sparseDifferencesData>): { beta: number; mse: number } {
  const m = model.numClasses - 1;
  const estimate = model.coefficients[m - 1] ?? new Float64Array(0);
  const truth = data.coefficients[m - 1] ?? new Float64Array(0);
  const beta = estimate.reduce((s, v, c) => s + (v - (truth[c] ?? 0)) ** 2, 0);
  const probabilities = predictPrestoProbabilities(model, data.x);
  const mse = probabilities.reduce((s, row, i) => s + ((row[m] ?? 0) - (data.rareProbabilities[i] ?? 0)) ** 2, 0) / probabilities.length;
  return { beta, mse };
}
