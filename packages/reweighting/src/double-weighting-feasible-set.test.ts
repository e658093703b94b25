import { describe, expect, it } from 'vitest';

import { type DoubleWeightingFeasibleSet, projectDoubleWeights } from './double-weighting-feasible-set.js';
import { seededRandom } from './random.js';

const sum = (v: Float64Array): number => v.reduce((s, x) => s + x, 0);

/** Largest violation of the set's constraints by (u, w). */
function violation(u: Float64Array, w: Float64Array, set: DoubleWeightingFeasibleSet): number {
  let worst = Math.abs(sum(u) - sum(w)) - set.epsilon;
  for (const x of u) worst = Math.max(worst, -x, x - set.uUpper);
  for (const x of w) worst = Math.max(worst, -x, x - set.wUpper);
  const dist = Math.sqrt(w.reduce((s, x) => s + (x - set.wUpper) ** 2, 0));
  return Math.max(worst, dist - set.radius);
}

/** Feasible points built without the projection: box draws, shrunk into the ball, rejected on the mean gap. */
function feasiblePoints(n: number, t: number, set: DoubleWeightingFeasibleSet, count: number, seed: number) {
  const random = seededRandom(seed);
  const points: { u: Float64Array; w: Float64Array }[] = [];
  while (points.length < count) {
    const w = Float64Array.from({ length: t }, () => random.uniform() * set.wUpper);
    const dist = Math.sqrt(w.reduce((s, x) => s + (x - set.wUpper) ** 2, 0));
    const shrink = dist > set.radius ? set.radius / dist : 1;
    for (let j = 0; j < t; j++) w[j] = set.wUpper + shrink * (w[j]! - set.wUpper);
    const level = (sum(w) + (random.uniform() - 0.5) * 2 * set.epsilon) / n;
    const u = Float64Array.from({ length: n }, () => Math.min(Math.max(level * 2 * random.uniform(), 0), set.uUpper));
    if (violation(u, w, set) <= 0) points.push({ u, w });
  }
  return points;
}

describe('projectDoubleWeights', () => {
  const n = 5;
  const t = 4;
  const cases: [string, DoubleWeightingFeasibleSet, number][] = [
    ['loose set, large draws (mean gap and ball active)', { uUpper: 0.5, wUpper: 0.25, radius: 0.2, epsilon: 0.1 }, 1],
    ['radius 0 (D = 1: w fixed at 1/t)', { uUpper: 0.5, wUpper: 0.25, radius: 0, epsilon: 0.3 }, 1],
    ['tight mean gap', { uUpper: 2, wUpper: 0.25, radius: 0.4, epsilon: 0.01 }, 3],
  ];
  for (const [name, set, spread] of cases) {
    it(`is feasible and satisfies the projection inequality ⟨y − P(y), s − P(y)⟩ ≤ 0: ${name}`, () => {
      const random = seededRandom(11);
      const others = feasiblePoints(n, t, set, 300, 5);
      let worstInequality = -Infinity;
      let gapSides = 0;
      for (let trial = 0; trial < 40; trial++) {
        const a = Float64Array.from({ length: n }, () => spread * random.normal());
        const b = Float64Array.from({ length: t }, () => spread * random.normal());
        const u = new Float64Array(n);
        const w = new Float64Array(t);
        projectDoubleWeights(a, b, set, u, w);
        expect(violation(u, w, set)).toBeLessThan(1e-12);
        if (Math.abs(Math.abs(sum(u) - sum(w)) - set.epsilon) < 1e-12) gapSides++;
        for (const s of others) {
          let inner = 0;
          for (let i = 0; i < n; i++) inner += (a[i]! - u[i]!) * (s.u[i]! - u[i]!);
          for (let j = 0; j < t; j++) inner += (b[j]! - w[j]!) * (s.w[j]! - w[j]!);
          worstInequality = Math.max(worstInequality, inner);
        }
      }
      expect(worstInequality).toBeLessThan(1e-10);
      expect(gapSides).toBeGreaterThan(0); // the mean-gap constraint was active in some trials
    });
  }

  it('leaves a feasible point where it is', () => {
    const set = { uUpper: 1, wUpper: 0.25, radius: 0.3, epsilon: 0.2 };
    const [p] = feasiblePoints(n, t, set, 1, 9);
    const u = new Float64Array(n);
    const w = new Float64Array(t);
    projectDoubleWeights(p!.u, p!.w, set, u, w);
    for (let i = 0; i < n; i++) expect(u[i]).toBeCloseTo(p!.u[i]!, 14);
    for (let j = 0; j < t; j++) expect(w[j]).toBeCloseTo(p!.w[j]!, 14);
  });
});
