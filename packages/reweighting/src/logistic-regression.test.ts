import { describe, expect, it } from 'vitest';

import { fitLogisticRegression, logisticLogits, sigmoid, softplus } from './logistic-regression.js';
import type { Matrix } from './matrix.js';
import { seededRandom } from './random.js';

const logit = (p: number): number => Math.log(p / (1 - p));

describe('fitLogisticRegression', () => {
  it('matches the closed-form MLE for one binary covariate (λ = 0): logits of the two group proportions', () => {
    // x = 0: 3 of 10 positive; x = 1: 7 of 8 positive
    const xs = [...Array<number>(10).fill(0), ...Array<number>(8).fill(1)];
    const ys = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0];
    const model = fitLogisticRegression({ rows: 18, cols: 1, data: Float64Array.from(xs) }, ys, { l2: 0 });
    expect(model.converged).toBe(true);
    expect(model.intercept).toBeCloseTo(logit(0.3), 10);
    expect(model.intercept + model.coefficients[0]!).toBeCloseTo(logit(7 / 8), 10);
  });

  it('meets the stationarity (KKT) conditions of the penalised objective and beats perturbed points', () => {
    const random = seededRandom(7);
    const n = 300;
    const p = 3;
    const data = new Float64Array(n * p);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i += 1) {
      let z = -0.3;
      for (let j = 0; j < p; j += 1) {
        data[i * p + j] = random.normal();
        z += [1, -2, 0.5][j]! * data[i * p + j]!;
      }
      y[i] = random.uniform() < sigmoid(z) ? 1 : 0;
    }
    const x: Matrix = { rows: n, cols: p, data };
    const lambda = 0.05;
    const model = fitLogisticRegression(x, y, { l2: lambda });
    const z = logisticLogits(model, x);
    const grad = new Float64Array(p + 1);
    for (let i = 0; i < n; i += 1) {
      const r = (sigmoid(z[i]!) - y[i]!) / n;
      grad[0] = grad[0]! + r;
      for (let j = 0; j < p; j += 1) grad[j + 1] = grad[j + 1]! + r * data[i * p + j]!;
    }
    for (let j = 0; j < p; j += 1) grad[j + 1] = grad[j + 1]! + lambda * model.coefficients[j]!;
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-9);
    const objective = (b: number, beta: readonly number[]): number => {
      let s = 0;
      for (let i = 0; i < n; i += 1) {
        let zi = b;
        for (let j = 0; j < p; j += 1) zi += beta[j]! * data[i * p + j]!;
        s += softplus(zi) - y[i]! * zi;
      }
      return s / n + 0.5 * lambda * beta.reduce((t, v) => t + v * v, 0);
    };
    const best = objective(model.intercept, [...model.coefficients]);
    expect(model.meanLogLoss + 0.5 * lambda * model.coefficients.reduce((t, v) => t + v * v, 0)).toBeCloseTo(best, 12);
    for (let k = 0; k < 50; k += 1) {
      const db = 0.01 * random.normal();
      const perturbed = [...model.coefficients].map((c) => c + 0.01 * random.normal());
      expect(objective(model.intercept + db, perturbed)).toBeGreaterThan(best);
    }
  });

  it('does not converge on separable rows without a penalty (the optimum is at infinity)', () => {
    const x: Matrix = { rows: 4, cols: 1, data: Float64Array.of(-2, -1, 1, 2) };
    const model = fitLogisticRegression(x, [0, 0, 1, 1], { l2: 0, maxIterations: 30 });
    expect(model.converged).toBe(false);
    expect(model.meanLogLoss).toBeLessThan(1e-6);
  });
});
