import { describe, expect, it } from 'vitest';

import { ipmBalancingWeights, medianDistance } from './ipm-balancing.js';
import { matrixFromRows, type Matrix } from './matrix.js';
import { seededRandom } from './random.js';

/** Exact simplex-QP minimum by enumerating supports (KKT stationarity on S, Σw = 1, w ≥ 0): the brute force. */
function bruteForce(q: number[][], b: number[]): number[] {
  const m = b.length;
  let best: number[] = [];
  let bestF = Infinity;
  for (let mask = 1; mask < 1 << m; mask++) {
    const s = [...Array(m).keys()].filter((i) => mask & (1 << i));
    const k = s.length;
    const a = s.map((i) => [...s.map((j) => 2 * q[i]![j]!), -1, 2 * b[i]!]);
    a.push([...s.map(() => 1), 0, 1]);
    let ok = true;
    for (let c = 0; c <= k && ok; c++) {
      let p = c;
      for (let i = c + 1; i <= k; i++) if (Math.abs(a[i]![c]!) > Math.abs(a[p]![c]!)) p = i;
      if (Math.abs(a[p]![c]!) < 1e-12) ok = false;
      else {
        [a[c], a[p]] = [a[p]!, a[c]!];
        for (let i = 0; i <= k; i++) {
          if (i === c) continue;
          const f = a[i]![c]! / a[c]![c]!;
          for (let j = c; j <= k + 1; j++) a[i]![j]! -= f * a[c]![j]!;
        }
      }
    }
    if (!ok) continue;
    const z = s.map((_, i) => a[i]![k + 1]! / a[i]![i]!);
    if (z.some((v) => v < -1e-12)) continue;
    const w = new Array<number>(m).fill(0);
    s.forEach((i, idx) => (w[i] = z[idx]!));
    let f = 0;
    for (let i = 0; i < m; i++) f += w[i]! * (q[i]!.reduce((t, qij, j) => t + qij * w[j]!, 0) - 2 * b[i]!);
    if (f < bestF) [best, bestF] = [w, f];
  }
  return best;
}

/** The balancing QP written out from the definition: standardise, median width, Gaussian kernel, group means. */
function referenceWeights(rows: number[][], a: number[], estimand: 'ate' | 'att'): number[] {
  const n = rows.length;
  const d = rows[0]!.length;
  const z = rows.map((r) => [...r]);
  for (let c = 0; c < d; c++) {
    const mean = rows.reduce((s, r) => s + r[c]!, 0) / n;
    const sd = Math.sqrt(rows.reduce((s, r) => s + (r[c]! - mean) ** 2, 0) / (n - 1));
    z.forEach((r) => (r[c] = (r[c]! - mean) / sd));
  }
  const dist = (u: number[], v: number[]) => Math.sqrt(u.reduce((s, x, c) => s + (x - v[c]!) ** 2, 0));
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push(dist(z[i]!, z[j]!));
  pairs.sort((x, y) => x - y);
  const sigma = pairs.length % 2 ? pairs[pairs.length >> 1]! : (pairs[pairs.length / 2 - 1]! + pairs[pairs.length / 2]!) / 2;
  const k = (u: number[], v: number[]) => Math.exp(-(dist(u, v) ** 2) / (2 * sigma * sigma));
  const w = new Array<number>(n).fill(0);
  const treated = [...a.keys()].filter((i) => a[i] === 1);
  const control = [...a.keys()].filter((i) => a[i] === 0);
  const solveGroup = (g: number[], target: number[]) => {
    const q = g.map((i) => g.map((j) => k(z[i]!, z[j]!)));
    const b = g.map((i) => target.reduce((s, j) => s + k(z[i]!, z[j]!), 0) / target.length);
    bruteForce(q, b).forEach((v, idx) => (w[g[idx]!] = v));
  };
  if (estimand === 'ate') {
    solveGroup(treated, [...Array(n).keys()]);
    solveGroup(control, [...Array(n).keys()]);
  } else {
    treated.forEach((i) => (w[i] = 1 / treated.length));
    solveGroup(control, treated);
  }
  return w;
}

function confounded(n: number, seed: number): { x: Matrix; a: number[]; rows: number[][] } {
  const r = seededRandom(seed);
  const rows: number[][] = [];
  const a: number[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = r.normal();
    rows.push([x1, r.normal()]);
    a.push(i < 2 ? i : r.uniform() < 1 / (1 + Math.exp(-1.5 * x1)) ? 1 : 0);
  }
  return { x: matrixFromRows(rows), a, rows };
}

describe('ipmBalancingWeights', () => {
  it('matches the brute-force QP written from the definition on 8 tiny problems (n = 7..9), ATE and ATT', () => {
    for (let seed = 0; seed < 8; seed++) {
      const { x, a, rows } = confounded(7 + (seed % 3), seed);
      for (const estimand of ['ate', 'att'] as const) {
        const found = ipmBalancingWeights(x, a, { estimand, tolerance: 1e-12, maxIterations: 100_000 });
        const exact = referenceWeights(rows, a, estimand);
        found.weights.forEach((w, i) => expect(w).toBeCloseTo(exact[i]!, 4));
      }
    }
  });

  it('gives non-negative weights summing to 1 per group and cuts the MMD to each target', () => {
    const { x, a } = confounded(120, 42);
    for (const estimand of ['ate', 'att'] as const) {
      const r = ipmBalancingWeights(x, a, { estimand });
      let [st, sc] = [0, 0];
      r.weights.forEach((w, i) => {
        expect(w).toBeGreaterThanOrEqual(0);
        if (a[i] === 1) st += w;
        else sc += w;
      });
      expect(st).toBeCloseTo(1, 12);
      expect(sc).toBeCloseTo(1, 12);
      expect(r.mmd.control).toBeLessThan(0.5 * r.unweightedMmd.control);
      if (estimand === 'ate') expect(r.mmd.treated).toBeLessThan(0.5 * r.unweightedMmd.treated);
      else r.weights.forEach((w, i) => a[i] === 1 && expect(w).toBe(1 / a.filter((v) => v === 1).length));
      expect(r.bandwidth).toBeCloseTo(medianDistance(standardised(x)), 12);
    }
  });

  it('reaches MMD 0 when the control rows repeat the treated rows exactly (ATT)', () => {
    const rows = [[0, 1], [1, 0], [2, 2], [0, 1], [1, 0], [2, 2]];
    const r = ipmBalancingWeights(matrixFromRows(rows), [1, 1, 1, 0, 0, 0], { estimand: 'att', tolerance: 1e-12 });
    expect(r.mmd.control).toBeLessThan(1e-5);
    expect(r.unweightedMmd.control).toBeLessThan(1e-6);
  });

  it('rejects an empty group, NaN cells, a singular kernel and a bad bandwidth, naming them', () => {
    const x = matrixFromRows([[0, 1], [1, 2], [2, 0]]);
    expect(() => ipmBalancingWeights(x, [1, 1, 1])).toThrow("argument 'treatment' has no control rows");
    expect(() => ipmBalancingWeights(x, [0, 0, 0])).toThrow("argument 'treatment' has no treated rows");
    expect(() => ipmBalancingWeights(matrixFromRows([[0, 1], [Number.NaN, 2]]), [1, 0])).toThrow(
      "ipmBalancingWeights: argument 'x' row 1, column 0 is NaN",
    );
    expect(() => ipmBalancingWeights(matrixFromRows([[3, 1], [3, 1], [3, 1]]), [1, 0, 1])).toThrow(
      'the Gaussian kernel matrix is singular',
    );
    expect(() => ipmBalancingWeights(x, [1, 0, 1], { bandwidth: 0 })).toThrow("argument 'options.bandwidth' must be a positive");
    expect(() => ipmBalancingWeights(x, [1, 0, 1], { estimand: 'atc' as 'ate' })).toThrow("'options.estimand'");
  });
});

function standardised(x: Matrix): Matrix {
  const data = new Float64Array(x.data);
  for (let c = 0; c < x.cols; c++) {
    let mean = 0;
    for (let i = 0; i < x.rows; i++) mean += data[i * x.cols + c]!;
    mean /= x.rows;
    let v = 0;
    for (let i = 0; i < x.rows; i++) v += (data[i * x.cols + c]! - mean) ** 2;
    const sd = Math.sqrt(v / (x.rows - 1));
    for (let i = 0; i < x.rows; i++) data[i * x.cols + c] = (data[i * x.cols + c]! - mean) / sd;
  }
  return { rows: x.rows, cols: x.cols, data };
}
