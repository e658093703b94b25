import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { samGradients } from './sam.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { intArray, makeRandom, maxRelativeError, uniformArray } from './test-support/random-inputs.js';

// A tiny softmax regression: logits = X W + b, mean cross-entropy.
const B = 6;
const D = 3;
const C = 4;
const random = makeRandom(21);
const X = uniformArray(random, B * D, -2, 2);
const Y = intArray(random, B, C);
const W0 = Float32Array.from(uniformArray(random, D * C, -1, 1));
const B0 = Float32Array.from(uniformArray(random, C, -0.5, 0.5));

/** Float64 loss and gradients of the softmax regression at (W, b). */
function reference(w: ArrayLike<number>, b: ArrayLike<number>): { loss: number; gw: number[]; gb: number[] } {
  const gw = new Array<number>(D * C).fill(0);
  const gb = new Array<number>(C).fill(0);
  let loss = 0;
  for (let i = 0; i < B; i += 1) {
    const z = Array.from({ length: C }, (_, j) => {
      let s = b[j] as number;
      for (let k = 0; k < D; k += 1) s += (X[i * D + k] as number) * (w[k * C + j] as number);
      return s;
    });
    const max = Math.max(...z);
    const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
    loss += (lse - (z[Y[i] as number] as number)) / B;
    for (let j = 0; j < C; j += 1) {
      const d = (Math.exp((z[j] as number) - lse) - (j === Y[i] ? 1 : 0)) / B;
      gb[j] = (gb[j] as number) + d;
      for (let k = 0; k < D; k += 1) gw[k * C + j] = (gw[k * C + j] as number) + (X[i * D + k] as number) * d;
    }
  }
  return { loss, gw, gb };
}

function setup(): { w: tf.Variable; b: tf.Variable; loss: () => tf.Scalar; dispose: () => void } {
  const w = tf.variable(tf.tensor2d(W0, [D, C]), true);
  const b = tf.variable(tf.tensor1d(B0), true);
  const x = tf.tensor2d(X, [B, D]);
  const y = tf.oneHot(tf.tensor1d(Y, 'int32'), C);
  const loss = () =>
    tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(tf.add(tf.matMul(x, w), b))), -1))) as tf.Scalar);
  return { w, b, loss, dispose: () => tf.dispose([w, b, x, y]) };
}

const norm = (parts: ArrayLike<number>[]) => Math.sqrt(parts.reduce((s, p) => s + Array.from(p).reduce((t, v) => t + v * v, 0), 0));

describe.each(TEST_BACKENDS)('samGradients on %s', (backend) => {
  it('moves the weights by exactly rho in global norm, restores them bitwise, and the SGD step uses ∇L(w + ε)', async () => {
    await useBackend(backend);
    const { w, b, loss, dispose } = setup();
    const rho = 0.05;
    let epsNorm = Number.NaN;
    let movedNorm = Number.NaN;
    const result = samGradients(loss, [w, b], {
      rho,
      onPerturbed: (eps) => {
        epsNorm = norm(eps.map((e) => e?.dataSync() ?? []));
        // the weights as the second pass sees them, against the originals
        const dw = Array.from(w.dataSync(), (v, i) => v - (W0[i] as number));
        const db = Array.from(b.dataSync(), (v, i) => v - (B0[i] as number));
        movedNorm = norm([dw, db]);
      },
    });
    expect(Math.abs(epsNorm - rho) / rho).toBeLessThan(1e-6);
    expect(Math.abs(movedNorm - rho) / rho).toBeLessThan(1e-5); // float32 rounding of w + ε
    expect(w.dataSync()).toEqual(W0);
    expect(b.dataSync()).toEqual(B0);

    // independent float64 SAM step
    const g = reference(W0, B0);
    const gNorm = norm([g.gw, g.gb]);
    const wp = Array.from(W0, (v, i) => v + (rho * (g.gw[i] as number)) / gNorm);
    const bp = Array.from(B0, (v, i) => v + (rho * (g.gb[i] as number)) / gNorm);
    const gp = reference(wp, bp);
    expect(maxRelativeError([result.loss.dataSync()[0] ?? Number.NaN], [g.loss])).toBeLessThan(1e-5);
    expect(maxRelativeError([result.perturbedLoss.dataSync()[0] ?? Number.NaN], [gp.loss])).toBeLessThan(1e-5);
    expect(gp.loss).toBeGreaterThan(g.loss); // the ascent step climbs

    const lr = 0.5;
    const optimizer = tf.train.sgd(lr);
    optimizer.applyGradients({ [w.name]: result.grads[0] as tf.Tensor, [b.name]: result.grads[1] as tf.Tensor });
    const expectedW = Array.from(W0, (v, i) => v - lr * (gp.gw[i] as number));
    const expectedB = Array.from(B0, (v, i) => v - lr * (gp.gb[i] as number));
    const close = (actual: ArrayLike<number>, expected: number[]) =>
      Array.from(actual).forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(1e-6));
    close(w.dataSync(), expectedW);
    close(b.dataSync(), expectedB);
    // and not the plain gradient step
    expect(Math.max(...Array.from(w.dataSync(), (v, i) => Math.abs(v - ((W0[i] as number) - lr * (g.gw[i] as number)))))).toBeGreaterThan(1e-4);
    tf.dispose([result.loss, result.perturbedLoss, ...result.grads]);
    optimizer.dispose();
    dispose();
  });

  it('adaptive SAM perturbs by ρ·T²g/‖Tg‖ with T = |w| + eta', async () => {
    await useBackend(backend);
    const { w, b, loss, dispose } = setup();
    const rho = 0.5;
    const eta = 0.01;
    let eps: number[][] = [];
    const result = samGradients(loss, [w, b], { rho, adaptive: true, eta, onPerturbed: (e) => (eps = e.map((t) => Array.from(t?.dataSync() ?? []))) });
    const g = reference(W0, B0);
    const tw = Array.from(W0, (v) => Math.abs(v) + eta);
    const tb = Array.from(B0, (v) => Math.abs(v) + eta);
    const n = norm([g.gw.map((v, i) => v * (tw[i] as number)), g.gb.map((v, i) => v * (tb[i] as number))]);
    const expected = [g.gw.map((v, i) => (rho * v * (tw[i] as number) ** 2) / n), g.gb.map((v, i) => (rho * v * (tb[i] as number) ** 2) / n)];
    eps.forEach((e, k) => e.forEach((v, i) => expect(Math.abs(v - (expected[k]?.[i] as number))).toBeLessThan(1e-6)));
    tf.dispose([result.loss, result.perturbedLoss, ...result.grads]);
    dispose();
  });

  it('leaks no tensors, also when the loss throws in the second pass (weights restored)', async () => {
    await useBackend(backend);
    const { w, b, loss, dispose } = setup();
    const unused = tf.variable(tf.ones([2]), true);
    const before = tf.memory().numTensors;
    const result = samGradients(loss, [w, unused, b]);
    expect(result.grads[1]?.dataSync()).toEqual(new Float32Array([0, 0])); // unreached: zero gradient, not perturbed
    tf.dispose([result.loss, result.perturbedLoss, ...result.grads]);
    expect(tf.memory().numTensors).toBe(before);

    let calls = 0;
    const failing = () => {
      calls += 1;
      if (calls === 2) throw new Error('boom');
      return loss();
    };
    expect(() => samGradients(failing, [w, b])).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    expect(w.dataSync()).toEqual(W0);
    expect(b.dataSync()).toEqual(B0);
    unused.dispose();
    dispose();
  });
});

describe('samGradients arguments', () => {
  it('rejects bad options and variables with errors naming them', async () => {
    await useBackend('cpu');
    const { w, b, loss, dispose } = setup();
    const frozen = tf.variable(tf.ones([2]), false);
    expect(() => samGradients(loss, [w], { rho: -1 })).toThrow(LossArgumentError);
    expect(() => samGradients(loss, [w], { rho: -1 })).toThrow("samGradients: argument 'options.rho' must be a finite number >= 0, got -1");
    expect(() => samGradients(loss, [w], { epsilon: 0 })).toThrow("argument 'options.epsilon'");
    expect(() => samGradients(loss, [])).toThrow("argument 'variables' must be a non-empty array");
    expect(() => samGradients(loss, [w, frozen])).toThrow(/argument 'variables\[1\]' \(".*"\) is not trainable/);
    expect(() => samGradients(loss, [w, w])).toThrow('is listed twice');
    // ρ = 0: no move, g' = g
    const r = samGradients(loss, [w, b], { rho: 0 });
    const g = reference(W0, B0);
    expect(maxRelativeError(r.grads[0]?.dataSync() ?? [], g.gw)).toBeLessThan(1e-4);
    tf.dispose([r.loss, r.perturbedLoss, ...r.grads, frozen]);
    dispose();
  });
});
