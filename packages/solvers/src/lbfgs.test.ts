import { describe, expect, it } from 'vitest';

import { minimizeLbfgs } from './lbfgs.js';

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function (1, 1) and of a badly scaled quadratic', () => {
    const rosenbrock = (x: Float64Array): { value: number; gradient: Float64Array } => {
      const [a = 0, b = 0] = x;
      return {
        value: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
        gradient: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
      };
    };
    const r = minimizeLbfgs(rosenbrock, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(Math.abs((r.x[0] ?? 0) - 1)).toBeLessThan(1e-6);
    expect(Math.abs((r.x[1] ?? 0) - 1)).toBeLessThan(1e-6);
    const scales = [1, 1e3, 1e-2, 50];
    const target = [3, -1, 2, 0.5];
    const quadratic = (x: Float64Array): { value: number; gradient: Float64Array } => ({
      value: x.reduce((s, v, i) => s + 0.5 * (scales[i] ?? 0) * (v - (target[i] ?? 0)) ** 2, 0),
      gradient: x.map((v, i) => (scales[i] ?? 0) * (v - (target[i] ?? 0))),
    });
    const q = minimizeLbfgs(quadratic, [0, 0, 0, 0]);
    q.x.forEach((v, i) => expect(Math.abs(v - (target[i] ?? 0))).toBeLessThan(1e-5));
  });

  it('stops at the iteration cap without converging', () => {
    const r = minimizeLbfgs((x) => ({ value: Math.exp(x[0] ?? 0), gradient: Float64Array.from([Math.exp(x[0] ?? 0)]) }), [0], { maxIterations: 3 });
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(false);
    expect(r.value).toBeLessThan(1);
  });
});
