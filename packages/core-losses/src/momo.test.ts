import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { LossArgumentError } from './errors.js';
import { MOMO_GLOBAL_STATE, Momo, type MomoOptions } from './momo.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { B, SHAPES, X0, dot64, makeVariables, quadratic64, quadraticStep, readVariables, tensorBits, type Reference } from './test-support/quadratic.js';
import { maxRelativeError } from './test-support/random-inputs.js';

interface Case {
  readonly title: string;
  readonly options: MomoOptions;
  /** Learning rate of steps 1, 2, 3 when it changes (set before each step, as a schedule does). */
  readonly rates?: readonly number[];
  readonly f0?: number;
}

/**
 * MoMo in float64 straight from the formulas of Schaipp et al. (and the research note), independent of the
 * implementation: averages of loss, gradient and ⟨g, x⟩; Polyak-type step capped by α/ρ; proximal weight decay;
 * optional online lower bound. Returns the iterate, f* and τ after each step.
 */
function momo64(c: Case, steps: number): Reference {
  const beta = c.options.beta ?? 0.9;
  const lambda = c.options.weightDecay ?? 0;
  const floor = c.options.lowerBound ?? 0;
  const bias = c.options.biasCorrection ?? false;
  let x = [...X0];
  let fBar = 0;
  let gamma = 0;
  let d = x.map(() => 0);
  let fStar = floor;
  let resets = 0;
  const out: Reference = { x: [], lowerBound: [], tau: [], resets: 0 };
  for (let k = 1; k <= steps; k += 1) {
    const alpha = c.rates?.[k - 1] ?? c.options.learningRate ?? 1;
    const { f, g } = quadratic64(x, c.f0 ?? 0);
    const gx = dot64(g, x);
    if (k === 1 && !bias) {
      fBar = f;
      gamma = gx;
      d = [...g];
    }
    fBar = beta * fBar + (1 - beta) * f;
    gamma = beta * gamma + (1 - beta) * gx;
    d = d.map((di, i) => beta * di + (1 - beta) * (g[i] as number));
    const rho = bias ? 1 - beta ** k : 1;
    const cc = 1 + alpha * lambda;
    const dx = dot64(d, x);
    const norm = dot64(d, d);
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
    x = x.map((xi, i) => (xi - tau * (d[i] as number)) / cc);
    out.x.push(x);
    out.lowerBound.push(fStar);
    out.tau.push(tau);
  }
  return { ...out, resets };
}

const CASES: Case[] = [
  { title: 'defaults (α = 1, β = 0.9, f* = 0)', options: {} },
  { title: 'weight decay 0.1 (proximal)', options: { weightDecay: 0.1 } },
  { title: 'online lower bound', options: { adaptLowerBound: true }, f0: 0.3 },
  { title: 'online lower bound with weight decay and a negative floor', options: { adaptLowerBound: true, weightDecay: 0.1, lowerBound: -0.5 } },
  { title: 'bias correction, α changed every step (capping step 1)', options: { biasCorrection: true }, rates: [0.1, 5, 0.2] },
  { title: 'β = 0.5, every step capped at α = 0.1', options: { beta: 0.5, learningRate: 0.1 } },
];

describe('momo64 (the test reference itself)', () => {
  it('takes the Polyak step min(α, (f − f*) / ‖g‖²) at step 1 without bias correction', () => {
    const { f, g } = quadratic64(X0, 0);
    const tau = Math.min(1, f / dot64(g, g));
    const ref = momo64({ title: '', options: {} }, 1);
    expect(ref.tau[0]).toBeCloseTo(tau, 14);
    expect(maxRelativeError(ref.x[0] as number[], X0.map((xi, i) => xi - tau * (g[i] as number)))).toBeLessThan(1e-14);
  });

  it('covers every branch across the cases: capped and Polyak steps, a clamped numerator, lower-bound resets', () => {
    const refs = CASES.map((c) => ({ c, r: momo64(c, 3) }));
    const caps = refs.flatMap(({ c, r }) => r.tau.filter((t, k) => {
      const alpha = c.rates?.[k] ?? c.options.learningRate ?? 1;
      const rho = c.options.biasCorrection === true ? 1 - (c.options.beta ?? 0.9) ** (k + 1) : 1;
      return t === alpha / rho;
    }));
    expect(caps.length).toBeGreaterThanOrEqual(3);
    expect(refs.some(({ r }) => r.tau.some((t) => t === 0))).toBe(true);
    expect(refs.filter(({ r }) => r.resets > 0)).toHaveLength(2);
  });
});

describe.each(TEST_BACKENDS)('Momo on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(CASES.map((c) => [c.title, c] as const))('first three steps match the float64 formulas: %s', (_title, c) => {
    const ref = momo64(c, 3);
    const variables = makeVariables(X0);
    const optimizer = new Momo(c.options);
    for (let k = 0; k < 3; k += 1) {
      if (c.rates !== undefined) optimizer.learningRate = c.rates[k] as number;
      quadraticStep(optimizer, variables, c.f0);
      expect(maxRelativeError(readVariables(variables), ref.x[k] as number[], 1e-2), `x after step ${k + 1}`).toBeLessThan(2e-5);
      expect(optimizer.lowerBound, `f* after step ${k + 1}`).toBeCloseTo(ref.lowerBound[k] as number, 4);
    }
    expect(optimizer.iterations).toBe(3);
    optimizer.dispose();
    tf.dispose(variables);
  });

  it('converges on a quadratic with the defaults', () => {
    const variables = makeVariables(X0);
    const optimizer = new Momo();
    const first = quadraticStep(optimizer, variables);
    let last = first;
    for (let k = 1; k < 200; k += 1) last = quadraticStep(optimizer, variables);
    expect(last).toBeLessThan(1e-4 * first);
    expect(maxRelativeError(readVariables(variables), B, 1e-2)).toBeLessThan(1e-2);
    optimizer.dispose();
    tf.dispose(variables);
  });

  it('leaves the tensor count unchanged after the first step, and dispose releases everything', () => {
    const before = tf.memory().numTensors;
    const variables = makeVariables(X0);
    const optimizer = new Momo({ adaptLowerBound: true, weightDecay: 0.01 });
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

  it('zero gradients move nothing and give no NaN', () => {
    const variables = makeVariables(X0);
    const optimizer = new Momo({ adaptLowerBound: true });
    const zeros = SHAPES.map((s) => tf.zeros(s));
    optimizer.step(1.5, variables.map((variable, i) => ({ variable, gradient: zeros[i] as tf.Tensor })));
    expect(readVariables(variables)).toEqual(Array.from(Float32Array.from(X0)));
    expect(Number.isFinite(optimizer.lowerBound)).toBe(true);
    optimizer.dispose();
    tf.dispose([...zeros, ...variables]);
  });

  it.each<[string, MomoOptions]>([
    ['defaults', {}],
    ['bias correction, weight decay, online lower bound', { biasCorrection: true, weightDecay: 0.05, adaptLowerBound: true }],
  ])('state saved after step 2 and restored into a fresh optimiser continues bitwise identically (%s)', (_title, options) => {
    const a = makeVariables(X0);
    const original = new Momo(options);
    quadraticStep(original, a);
    quadraticStep(original, a);
    const saved = original.getState();
    expect(saved.map((s) => s.name)).toEqual([...MOMO_GLOBAL_STATE, `${a[0]?.name}/gradientAverage`, `${a[1]?.name}/gradientAverage`]);

    const b = makeVariables(readVariables(a)); // other tf names: slots follow positions
    const restored = new Momo(options);
    restored.setState(saved);
    tf.dispose(saved.map((s) => s.tensor));
    expect(restored.iterations).toBe(2);
    for (let k = 3; k <= 5; k += 1) {
      quadraticStep(original, a);
      quadraticStep(restored, b);
      a.forEach((v, i) => expect(tensorBits(b[i] as tf.Variable), `variable ${i} after step ${k}`).toBe(tensorBits(v)));
    }
    const [sa, sb] = [original.getState(), restored.getState()];
    expect(sb.map((s) => tensorBits(s.tensor))).toEqual(sa.map((s) => tensorBits(s.tensor)));
    expect(sb.map((s) => s.name.replace(/^.*\//, ''))).toEqual(sa.map((s) => s.name.replace(/^.*\//, '')));
    tf.dispose([...sa, ...sb].map((s) => s.tensor));
    original.dispose();
    restored.dispose();
    tf.dispose([...a, ...b]);
  });
});

describe('Momo arguments', () => {
  beforeAll(() => useBackend('cpu'));

  it('rejects options outside their domain, naming them', () => {
    expect(() => new Momo({ beta: 1 })).toThrow(LossArgumentError);
    expect(() => new Momo({ beta: 1 })).toThrow("Momo: argument 'options.beta' must be in [0, 1), got 1");
    expect(() => new Momo({ learningRate: -1 })).toThrow("argument 'options.learningRate'");
    expect(() => new Momo({ weightDecay: Number.NaN })).toThrow("argument 'options.weightDecay'");
    expect(() => new Momo({ lowerBound: Number.POSITIVE_INFINITY })).toThrow("argument 'options.lowerBound'");
    expect(() => new Momo({ biasCorrection: 'yes' as unknown as boolean })).toThrow("argument 'options.biasCorrection'");
    const momo = new Momo();
    expect(() => (momo.learningRate = -0.1)).toThrow("Momo: argument 'learningRate'");
    momo.dispose();
  });

  it('rejects a non-finite loss, mismatched gradients and other variables after the first step', () => {
    const variables = makeVariables(X0);
    const momo = new Momo();
    const g = SHAPES.map((s) => tf.ones(s));
    const pairs = variables.map((variable, i) => ({ variable, gradient: g[i] as tf.Tensor }));
    expect(() => momo.step(Number.NaN, pairs)).toThrow("Momo: argument 'loss' must be a finite number, got NaN");
    expect(() => momo.step(1, [])).toThrow("argument 'gradients' must be a non-empty array");
    expect(() => momo.step(1, [{ variable: variables[0] as tf.Variable, gradient: g[1] as tf.Tensor }])).toThrow(
      "argument 'gradients[0].gradient' must have the shape of variable",
    );
    momo.step(1, pairs);
    expect(() => momo.step(1, pairs.slice(0, 1))).toThrow('holds 1 variables but the optimiser state has slots for 2');
    expect(() => momo.step(1, [...pairs].reverse())).toThrow("argument 'gradients[0].variable'");
    momo.dispose();
    expect(() => momo.step(1, pairs)).toThrow('is disposed');
    tf.dispose([...g, ...variables]);
  });

  it('setState rejects incomplete or foreign state without changing anything', () => {
    const variables = makeVariables(X0);
    const momo = new Momo();
    quadraticStep(momo, variables);
    const state = momo.getState();
    const other = new Momo();
    expect(() => other.setState(state.filter((s) => s.name !== 'lowerBound'))).toThrow(
      "Momo: argument 'state' has no \"lowerBound\" entry",
    );
    expect(() => other.setState(state.filter((s) => !s.name.endsWith('/gradientAverage')))).toThrow('has "iter" 1 but no slots');
    const extra = { name: 'x/squaredGradientAverage', tensor: state[0]?.tensor as tf.Tensor };
    expect(() => other.setState([...state, extra])).toThrow('is neither one of iter, lossAverage');
    expect(other.iterations).toBe(0);
    tf.dispose(state.map((s) => s.tensor));
    momo.dispose();
    other.dispose();
    tf.dispose(variables);
  });
});
