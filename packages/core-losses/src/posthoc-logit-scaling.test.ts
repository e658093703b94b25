import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { posthocLogitScaling } from './posthoc-logit-scaling.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { expectNoLeak } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

const COUNTS = [500, 120, 30, 5];
const Z = uniformArray(makeRandom(12), 3 * 4, -4, 4);

describe.each(TEST_BACKENDS)('posthocLogitScaling on %s', (backend) => {
  it('multiplies logit j by π_j^−τ with π from counts (or priors, the same), and leaks nothing (counted outside tf.tidy)', async () => {
    await useBackend(backend);
    const total = COUNTS.reduce((a, b) => a + b, 0);
    const tau = 0.65;
    const expected = Z.map((z, i) => z * (COUNTS[i % 4] as number / total) ** -tau);
    const z = tf.tensor2d(Z, [3, 4]);
    let outputs: Float32Array[] = [];
    expectNoLeak(() => {
      const scaled = [
        posthocLogitScaling(z, COUNTS, { tau }),
        posthocLogitScaling(z, COUNTS.map((c) => c / total), { tau }),
        posthocLogitScaling(z, COUNTS, { tau: 0 }),
      ];
      outputs = scaled.map((t) => t.dataSync() as Float32Array);
      return scaled;
    });
    z.dispose();
    const [fromCounts = new Float32Array(), fromPriors = new Float32Array(), unchanged] = outputs;
    expect(maxRelativeError(fromCounts, expected)).toBeLessThan(1e-6);
    expect(maxRelativeError(fromPriors, expected)).toBeLessThan(1e-6);
    expect(unchanged).toEqual(Float32Array.from(Z));
    // the rarest class is scaled up the most
    expect((fromCounts[3] as number) / (Z[3] as number)).toBeGreaterThan((fromCounts[0] as number) / (Z[0] as number));
  });
});

describe('posthocLogitScaling arguments', () => {
  it('rejects zero counts, a class mismatch and a missing or negative tau', async () => {
    await useBackend('cpu');
    expect(() => posthocLogitScaling([[1, 2]], [3, 0], { tau: 1 })).toThrow(LossArgumentError);
    expect(() => posthocLogitScaling([[1, 2]], [3, 0], { tau: 1 })).toThrow("posthocLogitScaling: argument 'classPriors' holds 0 for class 1");
    expect(() => posthocLogitScaling([[1, 2]], [3, 1, 1], { tau: 1 })).toThrow("argument 'logits' must have 3 classes");
    expect(() => posthocLogitScaling([[1, 2]], [3, 1], { tau: -1 })).toThrow("argument 'options.tau' must be a finite number >= 0, got -1");
    expect(() => posthocLogitScaling([[1, 2]], [3, 1], {} as { tau: number })).toThrow("argument 'options.tau'");
  });
});
