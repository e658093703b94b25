import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { MomoAdam, type MomoAdamOptions } from './momo-adam.js';
import { MOMO_GLOBAL_STATE } from './momo.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { X0, dot64, makeVariables, quadratic64, quadraticStep, readVariables, tensorBits, type Reference } from './test-support/quadratic.js';
import { maxRelativeError } from './test-support/random-inputs.js';

interface Case {
  readonly title: string;
  readonly options: MomoAdamOptions;
  readonly rates?: readonly number[];
  readonly f0?: number;
}

/**
 * MoMo-Adam in float64 straight from the formulas (Schaipp et al.; research note §5), independent of the
 * implementation: zero-initialised averages, D = sqrt(v / (1 − β2^k)) + ε, ρ = 1 − β1^k, the step
 * τ = min(α/ρ, max(N, 0) / ⟨d, d/D⟩), proximal or decoupled weight decay, optional online lower bound.
 */
function momoAdam64(c: Case, steps: number): Reference {
  const b1 = c.options.beta1 ?? 0.9;
  const b2 = c.options.beta2 ?? 0.999;
  const eps = c.options.epsilon ?? 1e-8;
  const lambda = c.options.weightDecay ?? 0;
  const floor = c.options.lowerBound ?? 0;
  const decoupled = c.options.weightDecayMode === 'decoupled';
  let x = [...X0];
  let fBar = 0;
  let gamma = 0;
  let d = x.map(() => 0);
  let v = x.map(() => 0);
  let fStar = floor;
  let resets = 0;
  const out = { x: [] as number[][], lowerBound: [] as number[], tau: [] as number[] };
  for (let k = 1; k <= steps; k += 1) {
    const alpha = c.rates?.[k - 1] ?? c.options.learningRate ?? 1e-2;
    const { f, g } = quadratic64(x, c.f0 ?? 0);
    const gx = dot64(g, x);
    fBar = b1 * fBar + (1 - b1) * f;
    gamma = b1 * gamma + (1 - b1) * gx;
    d = d.map((di, i) => b1 * di + (1 - b1) * (g[i] as number));
    v = v.map((vi, i) => b2 * vi + (1 - b2) * (g[i] as number) ** 2);
    const D = v.map((vi) => Math.sqrt(vi / (1 - b2 ** k)) + eps);
    const direction = d.map((di, i) => di / (D[i] as number));
    const rho = 1 - b1 ** k;
    const cc = 1 + alpha * lambda;
    const dx = dot64(d, x);
    const norm = dot64(d, direction);
    if (c.options.adaptLowerBound === true) {
      const cap = cc * fBar + dx - cc * gamma;
      if (cap < cc * rho * fStar) {
        fStar = Math.max(cap / (2 * cc * rho), floor);
        resets += 1;
      }
    }
    const numerator = cc * (fBar - rho * fStar) + dx - cc * gamma;
    const tau = norm > 0 ? Math.min(alpha / rho, Math.max(numerator, 0) / norm) : alpha / rho;
    if (c.options.adaptLowerBound === true) fStar = Math.max((fBar + dx - gamma - 0.5 * tau * norm) / rho, floor);
    x = decoupled
      ? x.map((xi, i) => (1 - alpha * lambda) * xi - tau * (direction[i] as number))
      : x.map((xi, i) => (xi - tau * (direction[i] as number)) / cc);
    out.x.push(x);
    out.lowerBound.push(fStar);
    out.tau.push(tau);
  }
  return { ...out, resets };
}

const CASES: Case[] = [
  { title: 'defaults (α = 1e-2: every step capped at α/ρ)', options: {} },
  { title: 'α = 1 (model-based steps)', options: { learningRate: 1 } },
  { title: 'weight decay 0.1, proximal', options: { weightDecay: 0.1, learningRate: 1 } },
  { title: 'weight decay 0.1, decoupled (AdamW form)', options: { weightDecay: 0.1, weightDecayMode: 'decoupled', learningRate: 1 } },
  { title: 'online lower bound', options: { adaptLowerBound: true, learningRate: 1 }, f0: 0.3 },
  {
    title: 'online lower bound with weight decay and a negative floor, α changed every step',
    options: { adaptLowerBound: true, weightDecay: 0.2, lowerBound: -0.5 },
    rates: [1, 0.5, 2],
  },
  { title: 'β1 = 0.5, β2 = 0.9, ε = 1e-3', options: { beta1: 0.5, beta2: 0.9, epsilon: 1e-3, learningRate: 0.5 } },
];

describe('momoAdam64 (the test reference itself)', () => {
  it('step 1 is min(α/(1−β1), (f − f*)/Σ|g|) along sign(g) up to ε', () => {
    // k = 1: d = (1−β1) g, D = |g| + ε, ρ = 1−β1, f̄ = (1−β1) f, γ = (1−β1)⟨g, x⟩ = ⟨d, x⟩
    const { f, g } = quadratic64(X0, 0);
    const ref = momoAdam64({ title: '', options: { learningRate: 1 } }, 1);
    const l1 = g.reduce((s, gi) => s + Math.abs(gi), 0);
    const tau = Math.min(1 / 0.1, f / (0.1 * l1));
    expect(ref.tau[0]).toBeCloseTo(tau, 6);
    expect(maxRelativeError(ref.x[0] as number[], X0.map((xi, i) => xi - tau * 0.1 * Math.sign(g[i] as number)))).toBeLessThan(1e-6);
  });

  it('covers every branch across the cases: capped and model-based steps, lower-bound resets', () => {
    const refs = CASES.map((c) => momoAdam64(c, 3));
    const capped = CASES.flatMap((c, n) =>
      (refs[n] as Reference).tau.map((t, k) => t === (c.rates?.[k] ?? c.options.learningRate ?? 1e-2) / (1 - (c.options.beta1 ?? 0.9) ** (k + 1))),
    );
    expect(capped.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(capped.filter((b) => !b).length).toBeGreaterThanOrEqual(3);
    expect(refs.filter((r) => r.resets > 0)).toHaveLength(2);
  });
});

describe.each(TEST_BACKENDS)('MomoAdam on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(CASES.map((c) => [c.title, c] as const))('first three steps match the float64 formulas: %s', (_title, c) => {
    const ref = momoAdam64(c, 3);
    const variables = makeVariables(X0);
    const optimizer = new MomoAdam(c.options);
    for (let k = 0; k < 3; k += 1) {
      if (c.rates !== undefined) optimizer.learningRate = c.rates[k] as number;
      quadraticStep(optimizer, variables, c.f0);
      expect(maxRelativeError(readVariables(variables), ref.x[k] as number[], 1e-2), `x after step ${k + 1}`).toBeLessThan(2e-5);
      expect(optimizer.lowerBound, `f* after step ${k + 1}`).toBeCloseTo(ref.lowerBound[k] as number, 4);
    }
    optimizer.dispose();
    tf.dispose(variables);
  });

  it('converges on a quadratic (α = 0.1)', () => {
    const variables = makeVariables(X0);
    const optimizer = new MomoAdam({ learningRate: 0.1 });
    const first = quadraticStep(optimizer, variables);
    let last = first;
    for (let k = 1; k < 200; k += 1) last = quadraticStep(optimizer, variables);
    expect(last).toBeLessThan(1e-4 * first);
    optimizer.dispose();
    tf.dispose(variables);
  });

  it('leaves the tensor count unchanged after the first step, and dispose releases everything', () => {
    const before = tf.memory().numTensors;
    const variables = makeVariables(X0);
    const optimizer = new MomoAdam({ adaptLowerBound: true, weightDecay: 0.01 });
    quadraticStep(optimizer, variables);
    const afterFirst = tf.memory().numTensors;
    for (let k = 0; k < 4; k += 1) {
      quadraticStep(optimizer, variables);
      expect(tf.memory().numTensors).toBe(afterFirst);
    }
    const state = optimizer.getState();
    optimizer.setState(state);
    tf.dispose(state.map((s) => s.tensor));
    expect(tf.memory().numTensors).toBe(afterFirst);
    optimizer.dispose();
    tf.dispose(variables);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each<[string, MomoAdamOptions]>([
    ['defaults', {}],
    ['decoupled weight decay, online lower bound', { weightDecay: 0.05, weightDecayMode: 'decoupled', adaptLowerBound: true, learningRate: 0.5 }],
  ])('state saved after step 2 and restored into a fresh optimiser continues bitwise identically (%s)', (_title, options) => {
    const a = makeVariables(X0);
    const original = new MomoAdam(options);
    quadraticStep(original, a);
    quadraticStep(original, a);
    const saved = original.getState();
    expect(saved.map((s) => s.name)).toEqual([
      ...MOMO_GLOBAL_STATE,
      `${a[0]?.name}/gradientAverage`,
      `${a[1]?.name}/gradientAverage`,
      `${a[0]?.name}/squaredGradientAverage`,
      `${a[1]?.name}/squaredGradientAverage`,
    ]);

    const b = makeVariables(readVariables(a));
    const restored = new MomoAdam(options);
    quadraticStep(restored, b); // slots of its own, which setState must replace
    b.forEach((v, i) => v.assign(a[i] as tf.Variable));
    restored.setState(saved);
    tf.dispose(saved.map((s) => s.tensor));
    for (let k = 3; k <= 5; k += 1) {
      quadraticStep(original, a);
      quadraticStep(restored, b);
      a.forEach((v, i) => expect(tensorBits(b[i] as tf.Variable), `variable ${i} after step ${k}`).toBe(tensorBits(v)));
    }
    const [sa, sb] = [original.getState(), restored.getState()];
    expect(sb.map((s) => tensorBits(s.tensor))).toEqual(sa.map((s) => tensorBits(s.tensor)));
    tf.dispose([...sa, ...sb].map((s) => s.tensor));
    original.dispose();
    restored.dispose();
    tf.dispose([...a, ...b]);
  });
});

describe('MomoAdam arguments', () => {
  beforeAll(() => useBackend('cpu'));

  it('rejects options outside their domain, naming them', () => {
    expect(() => new MomoAdam({ beta2: 1 })).toThrow(LossArgumentError);
    expect(() => new MomoAdam({ beta2: 1 })).toThrow("MomoAdam: argument 'options.beta2' must be in [0, 1), got 1");
    expect(() => new MomoAdam({ beta1: -0.1 })).toThrow("argument 'options.beta1'");
    expect(() => new MomoAdam({ epsilon: 0 })).toThrow("argument 'options.epsilon' must be a finite number > 0");
    expect(() => new MomoAdam({ weightDecayMode: 'adamw' as 'decoupled' })).toThrow(
      'argument \'options.weightDecayMode\' must be "proximal" or "decoupled", got "adamw"',
    );
    expect(() => new MomoAdam({ adaptLowerBound: 1 as unknown as boolean })).toThrow("argument 'options.adaptLowerBound'");
  });

  it('rejects the state of a MoMo optimiser (other slots)', () => {
    const variables = makeVariables(X0);
    const adam = new MomoAdam();
    quadraticStep(adam, variables);
    const full = adam.getState();
    const state = full.filter((s) => !s.name.endsWith('/squaredGradientAverage'));
    const other = new MomoAdam();
    expect(() => other.setState(state)).toThrow('has 0 "squaredGradientAverage" slots but 2 "gradientAverage" slots');
    tf.dispose(full.map((s) => s.tensor));
    adam.dispose();
    other.dispose();
    tf.dispose(variables);
  });
});
