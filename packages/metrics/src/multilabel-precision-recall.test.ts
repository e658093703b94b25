import { describe, expect, it } from 'vitest';

import { multilabelPrecisionRecall } from './multilabel-precision-recall.js';
import { seededRandom } from './test-support/random.js';

/**
 * Independent reference: a literal port of ML-GCN's `AveragePrecisionMeter.evaluation` (Megvii-Nanjing/ML-GCN
 * util.py), with its `Np[Np == 0] = 1` applied before OP, and `>=` threshold.
 */
function mlgcnEvaluation(scores: number[], targets: number[], n: number, c: number, threshold: number) {
  const Nc: number[] = [];
  const Np: number[] = [];
  const Ng: number[] = [];
  for (let k = 0; k < c; k += 1) {
    let nc = 0;
    let np = 0;
    let ng = 0;
    for (let i = 0; i < n; i += 1) {
      const s = scores[i * c + k] ?? 0;
      const t = targets[i * c + k] ?? 0;
      ng += t === 1 ? 1 : 0;
      np += s >= threshold ? 1 : 0;
      nc += t * (s >= threshold ? 1 : 0);
    }
    Nc.push(nc);
    Np.push(np === 0 ? 1 : np);
    Ng.push(ng);
  }
  const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
  const OP = sum(Nc) / sum(Np);
  const OR = sum(Nc) / sum(Ng);
  const CP = sum(Nc.map((v, k) => v / (Np[k] ?? 1))) / c;
  const CR = sum(Nc.map((v, k) => v / (Ng[k] ?? 1))) / c;
  return { OP, OR, OF1: (2 * OP * OR) / (OP + OR), CP, CR, CF1: (2 * CP * CR) / (CP + CR) };
}

// Worked example: N = 4, C = 3.
const targets = [
  [1, 0, 1],
  [0, 1, 0],
  [1, 1, 0],
  [0, 0, 1],
].flat();
const scores = [
  [0.9, 0.6, 0.2],
  [0.1, 0.7, 0.5],
  [0.8, 0.3, 0.1],
  [0.4, 0.2, 0.3],
].flat();

describe('multilabelPrecisionRecall (CP/CR/CF1, OP/OR/OF1)', () => {
  it('matches the example worked by hand at threshold 0.5 (0.5 itself is predicted)', () => {
    // Predictions: [1,1,0] [0,1,1] [1,0,0] [0,0,0].
    // class 0: Np 2, Ng 2, Nc 2 -> P 1,   R 1;  class 1: Np 2, Ng 2, Nc 1 -> P 0.5, R 0.5;
    // class 2: Np 1, Ng 2, Nc 0 -> P 0,   R 0.
    // CP = CR = 1.5/3 = 0.5, CF1 = 0.5; OP = 3/5, OR = 3/6, OF1 = 2·0.6·0.5 / 1.1 = 6/11.
    const r = multilabelPrecisionRecall(targets, scores, 3);
    expect(r.classPrecision).toBeCloseTo(0.5, 15);
    expect(r.classRecall).toBeCloseTo(0.5, 15);
    expect(r.classF1).toBeCloseTo(0.5, 15);
    expect(r.overallPrecision).toBeCloseTo(0.6, 15);
    expect(r.overallRecall).toBeCloseTo(0.5, 15);
    expect(r.overallF1).toBeCloseTo(6 / 11, 15);
  });

  it('counts a never-predicted class as precision 0 in CP, and uses true counts in OP', () => {
    // Threshold 0.75 -> predictions [1,0,0] [0,0,0] [1,0,0] [0,0,0]; classes 1 and 2 never predicted.
    // CP = (1 + 0 + 0)/3, CR = (1 + 0 + 0)/3, CF1 = 1/3; OP = 2/2 = 1 (ML-GCN: 2/(2+1+1) = 0.5), OR = 2/6.
    const r = multilabelPrecisionRecall(targets, scores, 3, { threshold: 0.75 });
    expect(r.classPrecision).toBeCloseTo(1 / 3, 15);
    expect(r.classRecall).toBeCloseTo(1 / 3, 15);
    expect(r.classF1).toBeCloseTo(1 / 3, 15);
    expect(r.overallPrecision).toBe(1);
    expect(r.overallRecall).toBeCloseTo(1 / 3, 15);
    expect(r.overallF1).toBeCloseTo(0.5, 15);
    expect(mlgcnEvaluation(scores, targets, 4, 3, 0.75).OP).toBe(0.5);
    // Nothing predicted at all: precision 0 and F1 0 rather than 0/0.
    const none = multilabelPrecisionRecall(targets, scores, 3, { threshold: 2 });
    expect(none).toEqual({ classPrecision: 0, classRecall: 0, classF1: 0, overallPrecision: 0, overallRecall: 0, overallF1: 0 });
  });

  it('gives NaN CR / CF1 when a class has no positive label (ML-GCN computes 0/0 there too)', () => {
    const r = multilabelPrecisionRecall([1, 0, 0, 0], [0.9, 0.1, 0.2, 0.3], 2);
    expect(r.classRecall).toBeNaN();
    expect(r.classF1).toBeNaN();
    expect(r.overallRecall).toBe(1);
    // A single sample.
    expect(multilabelPrecisionRecall([1, 1], [0.9, 0.1], 2)).toMatchObject({ classPrecision: 0.5, classRecall: 0.5, overallPrecision: 1, overallRecall: 0.5 });
  });

  it("equals a literal port of ML-GCN's evaluation on random data where every class is predicted", () => {
    const rand = seededRandom(2);
    const n = 300;
    const c = 8;
    const t = Array.from({ length: n * c }, () => (rand() < 0.2 ? 1 : 0));
    const s = t.map((y) => rand() * 0.8 + 0.3 * y - 0.1); // logit-like range [-0.1, 1.0]
    for (const threshold of [0, 0.3, 0.5]) {
      // The premise: every class is predicted at least once, so ML-GCN's Np clamp does not fire.
      for (let k = 0; k < c; k += 1) expect(s.some((v, j) => j % c === k && v >= threshold)).toBe(true);
      const ours = multilabelPrecisionRecall(t, s, c, { threshold });
      const ref = mlgcnEvaluation(s, t, n, c, threshold);
      expect(ours.classPrecision).toBeCloseTo(ref.CP, 14);
      expect(ours.classRecall).toBeCloseTo(ref.CR, 14);
      expect(ours.classF1).toBeCloseTo(ref.CF1, 14);
      expect(ours.overallPrecision).toBeCloseTo(ref.OP, 14);
      expect(ours.overallRecall).toBeCloseTo(ref.OR, 14);
      expect(ours.overallF1).toBeCloseTo(ref.OF1, 14);
    }
  });
});
