import { fromVariables, type ModelInputs, type TrainableModel } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';

import type { FeatureSpec } from '../data/auction-set.js';
import { resolveCtrModelConfig, type CtrModelConfig, type ResolvedCtrModelConfig } from './config.js';
import { dnnLogits } from './dnn.js';
import { checkFeatureSpec, fieldOffsets } from './feature-spec.js';
import { fmInteractions } from './fm.js';
import { checkCtrInputs, flattenCtrInputs, type FlatCtrInputs } from './inputs.js';
import { logisticLogits, type LinearWeights } from './logistic.js';
import { createCtrVariables, ctrVariableSpecs, type CtrVariableSpec } from './parameters.js';

/**
 * A CTR model, usable directly as the runtime's {@link TrainableModel}: `predict({ numeric: float32 [B, S, d],
 * categorical: int32 [B, S, F] }, context)` returns click logits `[B, S]` (pCTR = sigmoid(logit)); padded slots get a
 * logit too (mask them in the loss). There is no dropout, so training and inference modes compute the same thing.
 * `regularizationLoss()` is `l2 · Σ w²` over the penalised variables (undefined when `l2 = 0`).
 */
export interface CtrModel extends TrainableModel {
  readonly spec: FeatureSpec;
  /** The config with defaults filled in (JSON; with `spec` and `seed` rebuilds the same initial model). */
  readonly config: ResolvedCtrModelConfig;
  readonly seed: number;
  /** Variable layout (names, shapes, initialisers) in trainable order. */
  readonly variableSpecs: readonly CtrVariableSpec[];
  /** Logits `[N]` of already flattened candidates (see `flattenCtrInputs`); the caller disposes them. */
  logitsOfRows(inputs: FlatCtrInputs): tf.Tensor1D;
  /** The variable with this checkpoint name. @throws RangeError naming the unknown variable and the known ones. */
  variable(name: string): tf.Variable;
  /** Releases every variable; the model is unusable afterwards. */
  dispose(): void;
}

/**
 * Builds a CTR model for a feature spec (see {@link CtrModel}; variables in `ctrVariableSpecs`):
 *
 * - `logistic`: `z = b + w·x + Σ_f t[c_f]` (`logisticLogits`);
 * - `fm`: the logistic logit + `½ Σ_k[(Σ_i v_ik x_i)² − Σ_i v_ik² x_i²]` (Rendle 2010; `fmInteractions`);
 * - `dnn`: embeddings ‖ numeric → ReLU MLP → 1 (`dnnLogits`), plus the logistic logit with `wide: true`.
 *
 * Initial weights are drawn from `seed` in JavaScript (same seed → same weights on every backend).
 * @throws ConfigError for an invalid spec or config, naming the field or option.
 */
export function createCtrModel(spec: FeatureSpec, config: CtrModelConfig, seed: number): CtrModel {
  checkFeatureSpec(spec);
  const resolved = resolveCtrModelConfig(config);
  const specs = ctrVariableSpecs(spec, resolved);
  const variables = createCtrVariables(specs, seed);
  const offsets = fieldOffsets(spec);
  const get = (name: string): tf.Variable => {
    const v = variables[name];
    if (v === undefined) throw new RangeError(`the ${resolved.kind} model has no variable "${name}" (has ${Object.keys(variables).join(', ')})`);
    return v;
  };
  const maybe = (name: string): tf.Variable | undefined => variables[name];
  const linear = (): LinearWeights => ({ bias: get('linear/bias'), numeric: maybe('linear/numeric'), categorical: maybe('linear/categorical') });

  const logitsOfRows = (rows: FlatCtrInputs): tf.Tensor1D =>
    tf.tidy(() => {
      switch (resolved.kind) {
        case 'logistic':
          return logisticLogits(rows, linear());
        case 'fm':
          return tf.add(logisticLogits(rows, linear()), fmInteractions(rows, { categorical: maybe('fm/categorical'), numeric: maybe('fm/numeric') }));
        case 'dnn': {
          const deep = dnnLogits(rows, {
            embedding: maybe('dnn/embedding'),
            hidden: resolved.hidden.map((_, i) => ({ kernel: get(`dnn/hidden${i}/kernel`), bias: get(`dnn/hidden${i}/bias`) })),
            output: { kernel: get('dnn/output/kernel'), bias: get('dnn/output/bias') },
          });
          return resolved.wide ? tf.add(deep, logisticLogits(rows, linear())) : deep;
        }
      }
    });

  const forward = (inputs: ModelInputs): tf.Tensor =>
    tf.tidy(() => {
      const checked = checkCtrInputs(inputs, spec);
      return tf.reshape(logitsOfRows(flattenCtrInputs(checked, offsets)), [checked.batch, checked.slots]);
    });

  const penalized = specs.filter((s) => s.penalized).map((s) => get(s.name));
  const l2 = resolved.l2;
  const model = fromVariables({
    variables,
    forward,
    ...(l2 > 0 && penalized.length > 0
      ? { regularization: () => tf.tidy(() => tf.mul<tf.Scalar>(tf.addN(penalized.map((w) => tf.sum(tf.square(w)))), l2)) }
      : {}),
  });
  return {
    ...model,
    get trainableVariables() {
      return model.trainableVariables;
    },
    spec,
    config: resolved,
    seed,
    variableSpecs: specs,
    logitsOfRows,
    variable: get,
    dispose: () => {
      for (const v of Object.values(variables)) v.dispose();
    },
  };
}
