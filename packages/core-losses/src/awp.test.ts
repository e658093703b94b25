import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { awpGradients } from './awp.js';
import { LossArgumentError } from './errors.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { intArray, makeRandom, uniformArray } from './test-support/random-inputs.js';

// A tiny MLP: 3 → 5 (ReLU) → 4 logits, mean cross-entropy.
const B = 6;
const random = makeRandom(33);
const X = uniformArray(random, B * 3, -2, 2);
const Y = intArray(random, B, 4);
const INIT = {
  w1: Float32Array.from(uniformArray(random, 15, -1, 1)),
  b1: Float32Array.from(uniformArray(random, 5, -0.2, 0.2)),
  w2: Float32Array.from(uniformArray(random, 20, -1, 1)),
  b2: Float32Array.from(uniformArray(random, 4, -0.2, 0.2)),
};
const SHAPES = { w1: [3, 5], b1: [5], w2: [5, 4], b2: [4] } as const;
type Name = keyof typeof INIT;
const NAMES: Name[] = ['w1', 'b1', 'w2', 'b2'];

/** Cross-entropy of the MLP as a pure function of its parameters (for independent gradients). */
function forwardLoss(p: Record<Name, tf.Tensor>, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  const h = tf.relu(tf.add(tf.matMul(x, p.w1), p.b1));
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(tf.add(tf.matMul(h, p.w2), p.b2))), -1))) as tf.Scalar;
}

function setup() {
  const vars = Object.fromEntries(NAMES.map((n) => [n, tf.variable(tf.tensor(INIT[n], [...SHAPES[n]]), true)])) as Record<Name, tf.Variable>;
  const x = tf.tensor2d(X, [B, 3]);
  const y = tf.oneHot(tf.tensor1d(Y, 'int32'), 4);
  const loss = () => tf.tidy(() => forwardLoss(vars, x, y));
  const list = NAMES.map((n) => vars[n]);
  return { vars, list, x, y, loss, dispose: () => tf.dispose([...list, x, y]) };
}

const l2 = (values: ArrayLike<number>) => Math.sqrt(Array.from(values).reduce((s, v) => s + v * v, 0));

/** Gradients of the pure forward at the given parameter values. */
function gradientsAt(values: Record<Name, ArrayLike<number>>, x: tf.Tensor, y: tf.Tensor): Record<Name, Float32Array> {
  return tf.tidy(() => {
    const params = NAMES.map((n) => tf.tensor(Float32Array.from(values[n]), [...SHAPES[n]]));
    const grads = tf.grads((...ps: tf.Tensor[]) =>
      forwardLoss(Object.fromEntries(NAMES.map((n, i) => [n, ps[i] as tf.Tensor])) as Record<Name, tf.Tensor>, x, y),
    )(params);
    return Object.fromEntries(NAMES.map((n, i) => [n, grads[i]?.dataSync() as Float32Array])) as Record<Name, Float32Array>;
  });
}

describe.each(TEST_BACKENDS)('awpGradients on %s', (backend) => {
  it('perturbs each kernel by gamma·‖w_l‖ along its gradient, leaves biases alone, restores bitwise', async () => {
    await useBackend(backend);
    const { vars, list, x, y, loss, dispose } = setup();
    const gamma = 0.02;
    let seen: Record<Name, Float32Array> | undefined;
    let deltas: Array<Float32Array | null> = [];
    const result = awpGradients(loss, list, {
      gamma,
      onPerturbed: (d) => {
        deltas = d.map((t) => (t === null ? null : (t.dataSync() as Float32Array)));
        seen = Object.fromEntries(NAMES.map((n) => [n, vars[n].dataSync() as Float32Array])) as Record<Name, Float32Array>;
      },
    });
    expect(deltas.map((d) => d !== null)).toEqual([true, false, true, false]);
    if (seen === undefined) throw new Error('onPerturbed was not called');
    // biases untouched during the second pass; kernels moved by exactly gamma·‖w_l‖ (float32 rounding aside)
    expect(seen.b1).toEqual(INIT.b1);
    expect(seen.b2).toEqual(INIT.b2);
    const g0 = gradientsAt(INIT, x, y);
    for (const [k, n] of [[0, 'w1'], [2, 'w2']] as const) {
      const delta = deltas[k] as Float32Array;
      const target = gamma * l2(INIT[n]);
      expect(Math.abs(l2(delta) - target) / target).toBeLessThan(1e-6);
      const moved = Array.from(seen[n], (v, i) => v - (INIT[n][i] as number));
      expect(Math.abs(l2(moved) - target) / target).toBeLessThan(1e-5);
      // along the layer's own gradient
      const scale = target / l2(g0[n]);
      delta.forEach((v, i) => expect(Math.abs(v - scale * (g0[n][i] as number))).toBeLessThan(1e-6));
    }
    // the returned gradients are those at the perturbed point, for every variable
    const gp = gradientsAt(seen, x, y);
    NAMES.forEach((n, k) =>
      Array.from(result.grads[k]?.dataSync() ?? []).forEach((v, i) => expect(Math.abs(v - (gp[n][i] as number))).toBeLessThan(1e-6)),
    );
    const differs = NAMES.some((n) => Array.from(gp[n]).some((v, i) => Math.abs(v - (g0[n][i] as number)) > 1e-4));
    expect(differs).toBe(true);
    for (const n of NAMES) expect(vars[n].dataSync()).toEqual(INIT[n]);
    tf.dispose([result.loss, result.perturbedLoss, ...result.grads]);
    dispose();
  });

  it('perturbs only the kernels it is given and leaks nothing, also when the loss throws', async () => {
    await useBackend(backend);
    const { vars, list, loss, dispose } = setup();
    const before = tf.memory().numTensors;
    for (const kernels of [[vars.w2], (v: tf.Variable) => v === vars.w2]) {
      let perturbed: boolean[] = [];
      const r = awpGradients(loss, list, { kernels, onPerturbed: (d) => (perturbed = d.map((t) => t !== null)) });
      expect(perturbed).toEqual([false, false, true, false]);
      tf.dispose([r.loss, r.perturbedLoss, ...r.grads]);
    }
    expect(tf.memory().numTensors).toBe(before);
    let calls = 0;
    const failing = () => {
      calls += 1;
      if (calls === 2) throw new Error('boom');
      return loss();
    };
    expect(() => awpGradients(failing, list)).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    for (const n of NAMES) expect(vars[n].dataSync()).toEqual(INIT[n]);
    dispose();
  });
});

describe('awpGradients arguments', () => {
  it('rejects bad options with errors naming them', async () => {
    await useBackend('cpu');
    const { vars, list, loss, dispose } = setup();
    const stranger = tf.variable(tf.ones([2, 2]), true);
    expect(() => awpGradients(loss, list, { gamma: -0.1 })).toThrow(LossArgumentError);
    expect(() => awpGradients(loss, list, { gamma: Number.NaN })).toThrow("awpGradients: argument 'options.gamma' must be a finite number >= 0");
    expect(() => awpGradients(loss, list, { kernels: [stranger] })).toThrow(/argument 'options.kernels\[0\]' \(".*"\) is not one of 'variables'/);
    expect(() => awpGradients(loss, [vars.b1, vars.b2])).toThrow('none of the variables has rank >= 2');
    expect(() => awpGradients(loss, list, { kernels: () => false })).toThrow('selects no variable to perturb');
    stranger.dispose();
    dispose();
  });
});
