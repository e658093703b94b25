import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { aircastAuxiliaryLoss, frequencyBinWeights, frequencyTargetWeights, frequencyWeightedMae } from './frequency-weighted-mae.js';
import { meanAbsoluteError } from './point-losses.js';
import { fitTargetHistogram, histogramBinIndex, parseTargetHistogram, type TargetHistogram } from './target-histogram.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { checkGradientAgainst64 } from './test-support/gradient-check.js';
import { expectNoLeak, stepAndEvaluation } from './test-support/leak-check.js';
import { makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';
import { scalarOf } from './test-support/tensors.js';

const random = makeRandom(17);
// training targets: heavy right tail, like PM2.5
const TRAIN = Array.from({ length: 400 }, () => Math.fround(Math.exp(3 + 0.9 * (random() + random() + random() - 1.5) * 2)));
const HIST = fitTargetHistogram(TRAIN);
const B = 4;
const V = 2;
const H = 3;
const W = 2;
const N = B * V * H * W;
const Y = uniformArray(random, N, 0, 150).map(Math.fround);
const P = Y.map((y) => Math.fround(y + (random() - 0.5) * 40));
const LAT = [10, 35, 60];

/** Float64 fMAE with target bins, per-variable histograms (null = 1) along axis 1, latitudes along axis 2. */
function reference(p: ArrayLike<number>, y: readonly number[], histograms: (TargetHistogram | null)[], beta = 0.8): number[] {
  const cos = LAT.map((d) => Math.cos((d * Math.PI) / 180));
  const meanCos = cos.reduce((a, b) => a + b, 0) / cos.length;
  return Array.from(p, (pv, k) => {
    const v = Math.floor(k / (H * W)) % V;
    const h = Math.floor(k / W) % H;
    const hist = histograms[v] ?? null;
    const yv = y[k] ?? 0;
    const n = hist === null ? -1 : (hist.counts[histogramBinIndex(hist.edges, yv)] ?? 0);
    const wFreq = hist === null ? 1 : n === 0 ? 0 : (1 - beta) / (1 - beta ** n);
    return Math.abs(pv - yv) * wFreq * ((cos[h] ?? 0) / meanCos);
  });
}
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const SHAPE = [B, V, H, W];

describe('frequencyBinWeights', () => {
  it('gives the effective-number and 1/ln(n) weights of the research note (β = 0.8)', () => {
    const h = parseTargetHistogram({ edges: [0, 1, 2, 3, 4, 5, 6, 7], counts: [0, 1, 2, 5, 10, 30, 1e6] });
    expect(maxRelativeError(frequencyBinWeights(h), [0, 1, 0.2 / 0.36, 0.2 / (1 - 0.8 ** 5), 0.2 / (1 - 0.8 ** 10), 0.2 / (1 - 0.8 ** 30), 0.2])).toBeLessThan(1e-12);
    expect(frequencyBinWeights(h, 'inverseLog').map((w) => Math.round(w * 100) / 100)).toEqual([0, 5.48, 1.44, 0.62, 0.43, 0.29, 0.07]);
  });
});

describe.each(TEST_BACKENDS)('frequencyWeightedMae on %s', (backend) => {
  it('weights each element by its target bin and its latitude (per-variable histograms, null = unweighted)', async () => {
    await useBackend(backend);
    const histograms = [HIST, null];
    const ref = reference(P, Y, histograms);
    const [none, m] = tf.tidy(() => {
      const y = tf.tensor(Y, SHAPE);
      const p = tf.tensor(P, SHAPE);
      const options = { histogram: histograms, latitudes: LAT };
      return [Array.from(frequencyWeightedMae(y, p, { ...options, reduction: 'none' }).dataSync()), scalarOf(frequencyWeightedMae(y, p, options))];
    });
    expect(maxRelativeError(none, ref)).toBeLessThan(2e-6);
    expect(maxRelativeError([m], [mean(ref)])).toBeLessThan(2e-6);
  });

  it('uses a histogram that went through JSON exactly as the fitted one (training and evaluation share it)', async () => {
    await useBackend(backend);
    const shared = parseTargetHistogram(JSON.parse(JSON.stringify(HIST)));
    const [a, b] = tf.tidy(() => [
      scalarOf(frequencyWeightedMae(Y, P, { histogram: HIST })),
      scalarOf(frequencyWeightedMae(Y, P, { histogram: shared })),
    ]);
    expect(a).toBe(b);
    const w = frequencyBinWeights(HIST);
    const expected = mean(P.map((pv, k) => Math.abs(pv - (Y[k] ?? 0)) * (w[histogramBinIndex(HIST.edges, Y[k] ?? 0)] ?? 0)));
    expect(maxRelativeError([a], [expected])).toBeLessThan(2e-6);
  });

  it("binBy 'prediction' treats the weights as constants: gradient = w(bin of ŷ)·sign(ŷ − y)", async () => {
    await useBackend(backend);
    const h = parseTargetHistogram({ edges: [0, 10, 20, 30], counts: [100, 3, 0] });
    const y = [5, 5, 25, 12];
    const p = [15, 2, 25.5, 28];
    const w = frequencyBinWeights(h);
    const grad = tf.tidy(() => Array.from(tf.grad((v: tf.Tensor) => frequencyWeightedMae(y, v, { histogram: h, binBy: 'prediction', reduction: 'sum' }))(tf.tensor1d(p)).dataSync()));
    expect(maxRelativeError(grad, [w[1] ?? 0, -(w[0] ?? 0), 0, w[2] ?? 0])).toBeLessThan(1e-6);
    expect(grad[3]).toBe(0); // an empty bin: weight 0, no gradient (the pathology the target lookup avoids)
  });

  it('aircastQuirks: a prediction at or below the first edge wraps to the LAST bin; masked mean × batch size', async () => {
    await useBackend(backend);
    const h = parseTargetHistogram({ edges: [0, 1, 2], counts: [1000, 1] });
    const p = [[-0.5, 0], [0.5, 1.5]];
    const y = [[0, 0], [0, 0]];
    const [quirky, plain, masked] = tf.tidy(() => [
      Array.from(frequencyWeightedMae(y, p, { histogram: h, binBy: 'prediction', aircastQuirks: true, reduction: 'none' }).dataSync()),
      Array.from(frequencyWeightedMae(y, p, { histogram: h, binBy: 'prediction', reduction: 'none' }).dataSync()),
      scalarOf(frequencyWeightedMae(y, p, { histogram: h, binBy: 'prediction', aircastQuirks: true, mask: [[1, 0], [1, 1]] })),
    ]);
    // −0.5 and 0 (≤ e_0) take the last bin's count (1 → weight 1); our lookup clamps them to bin 0 (count 1000 → 0.2)
    expect(maxRelativeError(quirky, [0.5, 0, 0.5 * 0.2, 1.5])).toBeLessThan(1e-6);
    expect(maxRelativeError(plain, [0.5 * 0.2, 0, 0.5 * 0.2, 1.5])).toBeLessThan(1e-6);
    // AirCast: Σ observed / (Σ mask / B) = the masked mean (0.5 + 0.1 + 1.5)/3 times B = 2
    expect(maxRelativeError([masked], [(2.1 / 3) * 2])).toBeLessThan(1e-6);
  });

  it('drops missing (NaN) targets through the mask and stays exact at errors of ±50 and beyond', async () => {
    await useBackend(backend);
    const y = [10, Number.NaN, 40, 0];
    const p = [60, 3, -10, 1e6];
    const h = parseTargetHistogram({ edges: [0, 20, 100], counts: [5, 2] });
    const w = frequencyBinWeights(h);
    const [value, grad] = tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => frequencyWeightedMae(y, v, { histogram: h, mask: [1, 0, 1, 1] }))(tf.tensor1d(p));
      return [scalarOf(frequencyWeightedMae(y, p, { histogram: h, mask: [1, 0, 1, 1] })), Array.from(g.dataSync())];
    });
    expect(maxRelativeError([value], [(50 * (w[0] ?? 0) + 50 * (w[1] ?? 0) + 1e6 * (w[0] ?? 0)) / 3])).toBeLessThan(1e-6);
    expect(grad[1]).toBe(0);
    expect(grad.every(Number.isFinite)).toBe(true);
  });

  it('aircastAuxiliaryLoss = 0.75·latMAE + 0.25·fMAE (frequencyShare)', async () => {
    await useBackend(backend);
    const options = { histogram: [HIST, HIST], latitudes: LAT };
    const [aux, third, f, lat] = tf.tidy(() => {
      const y = tf.tensor(Y, SHAPE);
      const p = tf.tensor(P, SHAPE);
      return [
        scalarOf(aircastAuxiliaryLoss(y, p, options)),
        scalarOf(aircastAuxiliaryLoss(y, p, { ...options, frequencyShare: 1 / 3 })),
        scalarOf(frequencyWeightedMae(y, p, options)),
        scalarOf(frequencyWeightedMae(y, p, { ...options, histogram: null })),
      ];
    });
    expect(maxRelativeError([aux, third], [0.75 * lat + 0.25 * f, (2 / 3) * lat + f / 3])).toBeLessThan(2e-6);
  });

  it('passes a gradient check against float64 central differences (weights of the target bins)', async () => {
    await useBackend(backend);
    const histograms = [HIST, null];
    const { worstExcess } = checkGradientAgainst64(
      (v) => frequencyWeightedMae(tf.tensor(Y, SHAPE), v, { histogram: histograms, latitudes: LAT }),
      P,
      SHAPE,
      (x) => mean(reference(x, Y, histograms)),
    );
    expect(worstExcess).toBeLessThanOrEqual(0);
  });

  it('frequencyTargetWeights, computed once per row, give the on-the-fly loss element for element', async () => {
    await useBackend(backend);
    // edges and ulp neighbours among the targets, a NaN (masked) target, a null (unweighted) variable
    const fixed = fitTargetHistogram(TRAIN, { bins: 16 });
    const targets = Y.map((y, k) => (k % 7 === 0 ? Math.fround(HIST.edges[k % HIST.edges.length] ?? 0) : k % 11 === 0 ? Number.NaN : y));
    const observed = targets.map((y) => (Number.isNaN(y) ? 0 : 1));
    for (const histograms of [[HIST, null], [fixed, HIST]]) {
      const weights = frequencyTargetWeights(targets, { histogram: histograms, shape: SHAPE });
      const [onTheFly, precomputed, plain, noLatitudes, meanOnTheFly, meanPrecomputed] = tf.tidy(() => {
        const y = tf.tensor(targets, SHAPE);
        const p = tf.tensor(P, SHAPE);
        const w = tf.tensor(weights, SHAPE);
        const mask = tf.tensor(observed, SHAPE);
        const options = { histogram: histograms, latitudes: LAT, mask, reduction: 'none' as const };
        return [
          Array.from(frequencyWeightedMae(y, p, options).dataSync()),
          Array.from(frequencyWeightedMae(y, p, { ...options, histogram: null, weights: w }).dataSync()),
          Array.from(meanAbsoluteError(y, p, { mask, weights: w, reduction: 'none' }).dataSync()),
          Array.from(frequencyWeightedMae(y, p, { histogram: histograms, mask, reduction: 'none' }).dataSync()),
          scalarOf(frequencyWeightedMae(y, p, { histogram: histograms, mask })),
          scalarOf(meanAbsoluteError(y, p, { mask, weights: w })),
        ];
      });
      expect(precomputed).toHaveLength(N);
      // bit for bit without latitudes; with them only the order of the two multiplications differs
      expect(plain).toEqual(noLatitudes);
      expect(maxRelativeError(precomputed, onTheFly)).toBeLessThan(1e-6);
      expect(maxRelativeError([meanPrecomputed], [meanOnTheFly])).toBeLessThan(1e-6);
    }
  });

  it('leaves no tensors behind after a gradient step and an evaluation', async () => {
    await useBackend(backend);
    const y = tf.tensor(Y, SHAPE);
    const p = tf.tensor(P, SHAPE);
    const options = { histogram: [HIST, HIST], latitudes: LAT, binBy: 'prediction' as const, aircastQuirks: true, mask: tf.onesLike(p) };
    expectNoLeak(() => [...stepAndEvaluation((v) => frequencyWeightedMae(y, v, options), p), aircastAuxiliaryLoss(y, p, options)]);
    tf.dispose([y, p, options.mask]);
  });
});

describe('frequencyWeightedMae argument checks', () => {
  it('name the loss and the argument', async () => {
    await useBackend('cpu');
    const h = parseTargetHistogram({ edges: [0, 1], counts: [3] });
    expect(() => frequencyWeightedMae([1], [1], {} as { histogram: null })).toThrow("frequencyWeightedMae: argument 'options.histogram' is required");
    expect(() => frequencyWeightedMae([[1, 2]], [[1, 2]], { histogram: [h] })).toThrow(/'options.histogram' lists 1 histograms but axis 1 holds 2 variables/);
    expect(() => frequencyWeightedMae([1], [1], { histogram: { kind: 'targetHistogram', edges: [1, 0], counts: [1] } })).toThrow(/'options.histogram' is not a valid histogram/);
    expect(() => frequencyWeightedMae([1], [1], { histogram: h, beta: 1 })).toThrow(/'options.beta' must be a number in \[0, 1\)/);
    expect(() => frequencyWeightedMae([1], [1], { histogram: h, binBy: 'label' as 'target' })).toThrow(/'options.binBy' must be 'target' or 'prediction'/);
    expect(() => frequencyWeightedMae([[1, 2]], [[1, 2]], { histogram: h, latitudes: [1, 2, 3] })).toThrow(/'options.latitudes' must hold 1 finite latitudes \(axis 0\)/);
    expect(() => frequencyWeightedMae([[1, 2]], [[1, 2]], { histogram: [h, h], variableAxis: 2 })).toThrow(/'options.variableAxis' must be a whole number in \[0, 1\]/);
    expect(() => aircastAuxiliaryLoss([1], [1], { histogram: h, frequencyShare: 2 })).toThrow(/aircastAuxiliaryLoss: argument 'options.frequencyShare'/);
    expect(() => frequencyTargetWeights([1, 2, 3], { histogram: h, shape: [2] })).toThrow(/frequencyTargetWeights: argument 'targets' holds 3 values but options.shape \[2\] needs 2/);
    expect(() => frequencyTargetWeights([1, 2], { histogram: [h], shape: [1, 2] })).toThrow(/frequencyTargetWeights: argument 'options.histogram' lists 1 histograms but axis 1 holds 2/);
    expect(() => frequencyTargetWeights([1], { histogram: h, shape: [1], beta: -1 })).toThrow(/frequencyTargetWeights: argument 'options.beta'/);
  });
});
