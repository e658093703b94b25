import { describe, expect, it } from 'vitest';

import { seededRandom } from './random.js';
import { minimizeSimplexQuadratic, projectOntoSimplex } from './simplex-qp.js';

/** Solves A z = r by Gaussian elimination with partial pivoting; undefined when A is singular. */
function solve(a: number[][], r: number[]): number[] | undefined {
  const n = r.length;
  const m = a.map((row, i) => [...row, r[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(m[i]![c]!) > Math.abs(m[p]![c]!)) p = i;
    if (Math.abs(m[p]![c]!) < 1e-12) return undefined;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let i = 0; i < n; i++) {
      if (i === c) continue;
      const f = m[i]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[i]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Exact minimum by enumerating every support S: stationarity on S with Σw = 1, keep feasible w ≥ 0, take the best. */
function bruteForce(q: Float64Array, b: Float64Array): { w: number[]; f: number } {
  const m = b.length;
  let best = { w: [] as number[], f: Infinity };
  for (let mask = 1; mask < 1 << m; mask++) {
    const s = [...Array(m).keys()].filter((i) => mask & (1 << i));
    const k = s.length;
    const a = s.map((i) => [...s.map((j) => 2 * q[i * m + j]!), -1]);
    a.push([...s.map(() => 1), 0]);
    const z = solve(a, [...s.map((i) => 2 * b[i]!), 1]);
    if (!z || z.slice(0, k).some((v) => v < -1e-12)) continue;
    const w = new Array<number>(m).fill(0);
    s.forEach((i, idx) => (w[i] = z[idx]!));
    let f = 0;
    for (let i = 0; i < m; i++) {
      let qi = 0;
      for (let j = 0; j < m; j++) qi += q[i * m + j]! * w[j]!;
      f += w[i]! * (qi - 2 * b[i]!);
    }
    if (f < best.f) best = { w, f };
  }
  return best;
}

/** A random Gaussian-kernel Gram matrix on m points in 2-D and the kernel mean against 8 target points. */
function kernelProblem(m: number, seed: number): { q: Float64Array; b: Float64Array } {
  const r = seededRandom(seed);
  const pts = Array.from({ length: m }, () => [r.normal(), r.normal()]);
  const target = Array.from({ length: 8 }, () => [r.normal() + 0.5, r.normal()]);
  const k = (u: number[], v: number[]) => Math.exp(-((u[0]! - v[0]!) ** 2 + (u[1]! - v[1]!) ** 2) / 2);
  const q = new Float64Array(m * m);
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) q[i * m + j] = k(pts[i]!, pts[j]!);
    b[i] = target.reduce((s, t) => s + k(pts[i]!, t), 0) / target.length;
  }
  return { q, b };
}

describe('projectOntoSimplex', () => {
  it('satisfies the projection KKT conditions: v − w constant on the support, v ≤ that constant off it', () => {
    const r = seededRandom(5);
    for (let rep = 0; rep < 20; rep++) {
      const v = Float64Array.from({ length: 7 }, () => 2 * r.normal());
      const w = projectOntoSimplex(v);
      expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      const theta = [...w.keys()].filter((i) => w[i]! > 0).map((i) => v[i]! - w[i]!);
      for (const t of theta) expect(t).toBeCloseTo(theta[0]!, 12);
      for (let i = 0; i < 7; i++) if (w[i] === 0) expect(v[i]!).toBeLessThanOrEqual(theta[0]! + 1e-12);
    }
  });

  it('leaves a point of the simplex unchanged', () => {
    const w = projectOntoSimplex(Float64Array.from([0.2, 0.3, 0.5]));
    [0.2, 0.3, 0.5].forEach((x, i) => expect(w[i]).toBeCloseTo(x, 15));
  });
});

describe('minimizeSimplexQuadratic', () => {
  it('matches exhaustive active-set enumeration on 12 small kernel-balancing problems (m = 3..6)', () => {
    for (let seed = 0; seed < 12; seed++) {
      const { q, b } = kernelProblem(3 + (seed % 4), 100 + seed);
      const exact = bruteForce(q, b);
      const found = minimizeSimplexQuadratic(q, b);
      expect(found.converged).toBe(true);
      expect(found.objective).toBeCloseTo(exact.f, 8);
      found.weights.forEach((w, i) => expect(w).toBeCloseTo(exact.w[i]!, 4));
      expect(found.gap).toBeGreaterThanOrEqual(-1e-12);
      expect(found.gap).toBeLessThan(1e-9);
    }
  });

  it('reaches a vertex for a linear objective and an interior point for an isotropic one', () => {
    const zero = minimizeSimplexQuadratic(new Float64Array(9), Float64Array.from([0.1, 0.7, 0.2]));
    expect([...zero.weights]).toEqual([0, 1, 0]);
    // Q = I, b = 0: min ‖w‖² on the simplex is w = 1/3.
    const eye = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const iso = minimizeSimplexQuadratic(eye, new Float64Array(3));
    iso.weights.forEach((w) => expect(w).toBeCloseTo(1 / 3, 8));
  });
});
