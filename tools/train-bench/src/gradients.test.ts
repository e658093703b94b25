import { beforeAll, describe, expect, it } from 'vitest';

import { useBackend } from './test-support/backends.js';
import { compareGradients, workloadGradients, type WorkloadGradients } from './gradients.js';
import { mlpWorkload } from './mlp.js';

const of = (entries: Record<string, number[]>): WorkloadGradients => ({
  loss: 0,
  gradients: new Map(Object.entries(entries).map(([k, v]) => [k, Float32Array.from(v)])),
});

describe('compareGradients', () => {
  it('accepts differences within relative tolerance plus the floor', () => {
    const reference = of({ w: [1, -2, 100, 0] });
    // floor = 1e-3 * 100 = 0.1: the near-zero element may differ by up to 0.1
    const candidate = of({ w: [1.0005, -2.002, 100.09, 0.05] });
    expect(compareGradients(reference, candidate)).toEqual([]);
  });

  it('reports the variable, the count and the worst element beyond tolerance', () => {
    const reference = of({ a: [1, 2, 3], b: [10, 20, 30] });
    const candidate = of({ a: [1, 2, 3], b: [10, 20.5, 31] });
    const [mismatch, ...rest] = compareGradients(reference, candidate);
    expect(rest).toEqual([]);
    expect(mismatch).toMatchObject({ variable: 'b', mismatched: 2, size: 3, worstIndex: 2, reference: 30, candidate: 31 });
    expect(mismatch?.worstRatio).toBeGreaterThan(1);
  });

  it('treats NaN, a missing variable and a size mismatch as mismatches, and all-zero gradients exactly', () => {
    expect(compareGradients(of({ w: [1, 2] }), of({ w: [1, Number.NaN] }))).toHaveLength(1);
    expect(compareGradients(of({ w: [1] }), of({}))[0]?.problem).toBe('missing from the candidate');
    expect(compareGradients(of({ w: [1] }), of({ w: [1, 2] }))[0]?.problem).toBe('size 2 vs 1');
    expect(compareGradients(of({ z: [0, 0] }), of({ z: [0, 0] }))).toEqual([]);
    expect(compareGradients(of({ z: [0, 0] }), of({ z: [0, 1e-12] }))).toHaveLength(1);
  });
});

describe('workloadGradients', () => {
  beforeAll(() => useBackend('cpu'));

  it('gives the loss and one gradient per trainable variable by checkpoint name, deterministically', async () => {
    const make = () => mlpWorkload({ seed: 2, batchSize: 16, batches: 1 });
    const a = make();
    const first = await workloadGradients(a, [0, 1, 2, 3]);
    const again = await workloadGradients(a, [0, 1, 2, 3]);
    a.dispose();
    expect([...first.gradients.keys()]).toEqual(a.model.variables.map((v) => v.name));
    expect(first.gradients.get('dense0/kernel')).toHaveLength(256 * 512);
    expect(first.loss).toBeGreaterThan(0);
    expect(compareGradients(first, again, { relative: 0, floor: 0 })).toEqual([]);
  });
});
