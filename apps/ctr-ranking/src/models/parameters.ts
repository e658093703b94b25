import { SeededRandom } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { FeatureSpec } from '../data/auction-set.js';
import type { ResolvedCtrModelConfig } from './config.js';
import { tableRows } from './feature-spec.js';

/** Standard deviation of the N(0, σ) initial weights of the logistic part (numeric weights and per-bucket weights). */
export const LINEAR_INIT_STD = 0.01;

/** How a variable's initial values are drawn. */
export type CtrInit =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'normal'; readonly std: number }
  /** Glorot (Xavier) uniform, U(±√(6 / (fanIn + fanOut))). */
  | { readonly kind: 'glorot'; readonly fanIn: number; readonly fanOut: number };

/** One variable of a CTR model: stable checkpoint name, shape, initialiser, and whether L2 applies to it. */
export interface CtrVariableSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: CtrInit;
  /** True for weights the config's `l2` penalises (everything but biases). */
  readonly penalized: boolean;
}

function linearVariables(d: number, fields: number, rows: number): CtrVariableSpec[] {
  const normal: CtrInit = { kind: 'normal', std: LINEAR_INIT_STD };
  return [
    { name: 'linear/bias', shape: [1], init: { kind: 'zeros' }, penalized: false },
    ...(d > 0 ? [{ name: 'linear/numeric', shape: [d], init: normal, penalized: true }] : []),
    ...(fields > 0 ? [{ name: 'linear/categorical', shape: [rows], init: normal, penalized: true }] : []),
  ];
}

/**
 * The variables a model of this spec and config has, in creation (= trainable) order. Names (`d` numeric features,
 * `F` categorical fields, `R = Σ buckets` table rows, `k` embedding size):
 *
 * - logistic part (logistic; dnn with `wide`): `linear/bias [1]`, `linear/numeric [d]`, `linear/categorical [R]`;
 * - fm: the logistic part plus `fm/categorical [R, k]`, `fm/numeric [d, k]`;
 * - dnn: `dnn/embedding [R, k]`, `dnn/hidden<i>/kernel [in, out]`, `dnn/hidden<i>/bias [out]` (i = 0, 1, …),
 *   `dnn/output/kernel [last, 1]`, `dnn/output/bias [1]`, then the logistic part when `wide`.
 *
 * Variables of an empty feature group (`d = 0` or `F = 0`) are left out.
 */
export function ctrVariableSpecs(spec: FeatureSpec, config: ResolvedCtrModelConfig): CtrVariableSpec[] {
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  const rows = tableRows(spec);
  switch (config.kind) {
    case 'logistic':
      return linearVariables(d, fields, rows);
    case 'fm': {
      const k = config.embeddingDim;
      const normal: CtrInit = { kind: 'normal', std: config.initStd };
      return [
        ...linearVariables(d, fields, rows),
        ...(fields > 0 ? [{ name: 'fm/categorical', shape: [rows, k], init: normal, penalized: true }] : []),
        ...(d > 0 ? [{ name: 'fm/numeric', shape: [d, k], init: normal, penalized: true }] : []),
      ];
    }
    case 'dnn': {
      const k = config.embeddingDim;
      const out: CtrVariableSpec[] = [];
      if (fields > 0) out.push({ name: 'dnn/embedding', shape: [rows, k], init: { kind: 'normal', std: config.initStd }, penalized: true });
      let width = fields * k + d;
      config.hidden.forEach((units, i) => {
        out.push({ name: `dnn/hidden${i}/kernel`, shape: [width, units], init: { kind: 'glorot', fanIn: width, fanOut: units }, penalized: true });
        out.push({ name: `dnn/hidden${i}/bias`, shape: [units], init: { kind: 'zeros' }, penalized: false });
        width = units;
      });
      out.push({ name: 'dnn/output/kernel', shape: [width, 1], init: { kind: 'glorot', fanIn: width, fanOut: 1 }, penalized: true });
      out.push({ name: 'dnn/output/bias', shape: [1], init: { kind: 'zeros' }, penalized: false });
      return config.wide ? [...out, ...linearVariables(d, fields, rows)] : out;
    }
  }
}

function initialValues(variable: CtrVariableSpec, seed: number): Float32Array {
  const size = variable.shape.reduce((a, b) => a * b, 1);
  // One stream per variable name: a variable's initial values do not depend on which other variables exist.
  const random = SeededRandom.fromSeed(seed, 'ctr-model', variable.name);
  const { init } = variable;
  switch (init.kind) {
    case 'zeros':
      return new Float32Array(size);
    case 'normal':
      return random.normalArray(size, 0, init.std);
    case 'glorot': {
      const limit = Math.sqrt(6 / (init.fanIn + init.fanOut));
      return random.uniformArray(size, -limit, limit);
    }
  }
}

/**
 * Creates the variables of {@link ctrVariableSpecs} with seeded initial values (drawn in JavaScript from one
 * `SeededRandom` stream per variable name, so identical on every backend), keyed by checkpoint name in order.
 */
export function createCtrVariables(specs: readonly CtrVariableSpec[], seed: number): Record<string, tf.Variable> {
  const variables: Record<string, tf.Variable> = {};
  for (const v of specs) {
    const values = initialValues(v, seed);
    variables[v.name] = tf.tidy(() => tf.variable(tf.tensor(values, [...v.shape], 'float32'), true));
  }
  return variables;
}
