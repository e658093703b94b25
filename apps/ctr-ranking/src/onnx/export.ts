import { ConfigError, type TrainableModel } from '@counterweight/runtime';
import { OnnxGraphBuilder, writeOnnxModel } from '@counterweight/runtime/onnx';
import type * as tf from '@tensorflow/tfjs-core';

import type { FeatureSpec } from '../data/auction-set.js';
import {
  checkFeatureSpec,
  ctrVariableSpecs,
  fieldOffsets,
  resolveCtrModelConfig,
  type CtrModelConfig,
  type ResolvedCtrModelConfig,
} from '../models/index.js';

/** ONNX operator set of exported CTR models (default domain). */
export const CTR_ONNX_OPSET = 13;
/** ONNX IR version that goes with opset 13 (ONNX 1.8). */
export const CTR_ONNX_IR_VERSION = 7;
/** Symbolic candidate dimension `N` of every input and output. */
export const CTR_ONNX_BATCH_DIM = 'candidates';
/** Input: dense features `[N, d]` float32 (absent when the spec has no numeric features). */
export const CTR_ONNX_NUMERIC = 'numeric';
/** Input: encoded categorical values `[N, F]` int32, field `f` in `[0, buckets[f])` (absent when `F = 0`). */
export const CTR_ONNX_CATEGORICAL = 'categorical';
/** Output: click logits `[N]`. */
export const CTR_ONNX_LOGITS = 'logits';
/** Output: pCTR = sigmoid(logit) `[N]`. */
export const CTR_ONNX_PROBABILITY = 'probability';
/** `metadata_props` key of the {@link FeatureSpec} as JSON (servers validate requests against it). */
export const CTR_ONNX_SPEC_KEY = 'counterweight.ctr.spec';
/** `metadata_props` key of the resolved model config as JSON. */
export const CTR_ONNX_CONFIG_KEY = 'counterweight.ctr.model';
/** `metadata_props` key of the input/output format version (this layout is `1`). */
export const CTR_ONNX_FORMAT_KEY = 'counterweight.ctr.format';
/** Current value of {@link CTR_ONNX_FORMAT_KEY}. */
export const CTR_ONNX_FORMAT = '1';

/** Options of {@link exportCtrModel} / {@link buildCtrOnnx}. */
export interface CtrExportOptions {
  /** Extra `metadata_props` (e.g. a run id); the spec, config and format keys are always written. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** What {@link exportCtrModel} wrote. */
export interface CtrExportResult {
  readonly path: string;
  readonly bytes: number;
  readonly nodes: number;
  readonly opset: number;
}

/** Reads every variable's values by checkpoint name, checking names and shapes against the spec and config. */
async function readWeights(model: TrainableModel, spec: FeatureSpec, config: ResolvedCtrModelConfig): Promise<Map<string, Float32Array>> {
  const byName = new Map<string, tf.Variable>(model.variables.map((v) => [v.name, v.variable]));
  const expected = ctrVariableSpecs(spec, config);
  const weights = new Map<string, Float32Array>();
  for (const { name, shape } of expected) {
    const variable = byName.get(name);
    if (variable === undefined || variable.shape.join(',') !== shape.join(',')) {
      const got = variable === undefined ? 'missing' : `shape [${variable.shape.join(', ')}]`;
      throw new ConfigError(
        'model',
        `variable "${name}" [${shape.join(', ')}] of a ${config.kind} model is ${got}; export with the spec and config the model was created with`,
      );
    }
    weights.set(name, (await variable.data()) as Float32Array);
  }
  const extra = [...byName.keys()].filter((name) => !weights.has(name));
  if (extra.length > 0) throw new ConfigError('model', `has variables a ${config.kind} model of this spec does not have: ${extra.join(', ')}`);
  return weights;
}

class CtrGraph {
  readonly g = new OnnxGraphBuilder();
  private rowsName: string | undefined;

  constructor(
    private readonly spec: FeatureSpec,
    private readonly weights: ReadonlyMap<string, Float32Array>,
    private readonly shapes: ReadonlyMap<string, readonly number[]>,
  ) {}

  has(name: string): boolean {
    return this.weights.has(name);
  }

  constant(name: string, values?: Float32Array): string {
    const stored = this.weights.get(name);
    const shape = this.shapes.get(name);
    if (stored === undefined || shape === undefined) throw new Error(`export: no values for variable ${name}`);
    return this.g.initializer(name, values ?? stored, shape);
  }

  /** `categorical + offsets`: rows of the concatenated tables `[N, F]` (int32), built once. */
  rows(): string {
    this.rowsName ??= this.g.node('Add', [CTR_ONNX_CATEGORICAL, this.g.int32Initializer('field_offsets', fieldOffsets(this.spec), [this.spec.buckets.length])], {}, 'table_rows');
    return this.rowsName;
  }

  sumAxis1(x: string): string {
    return this.g.node('ReduceSum', [x, this.g.int64Initializer('axes_1', [1], [1])], { keepdims: { int: 0 } });
  }

  add(terms: readonly string[]): string {
    return terms.length === 1 ? (terms[0] as string) : this.g.node('Sum', terms);
  }

  /** `b + x·w + Σ_f t[rows_f]` → `[N]`. */
  linear(): string {
    const terms: string[] = [];
    if (this.has('linear/numeric')) terms.push(this.g.node('MatMul', [CTR_ONNX_NUMERIC, this.constant('linear/numeric')]));
    if (this.has('linear/categorical')) {
      terms.push(this.sumAxis1(this.g.node('Gather', [this.constant('linear/categorical'), this.rows()], { axis: { int: 0 } })));
    }
    return this.g.node('Add', [this.add(terms), this.constant('linear/bias')], {}, 'linear_logit');
  }

  /** `½ Σ_k[(Σ_i v_ik x_i)² − Σ_i v_ik² x_i²]` → `[N]`. */
  fm(): string {
    const g = this.g;
    const sums: string[] = [];
    const squares: string[] = [];
    if (this.has('fm/categorical')) {
      const v = g.node('Gather', [this.constant('fm/categorical'), this.rows()], { axis: { int: 0 } });
      sums.push(this.sumAxis1(v));
      squares.push(this.sumAxis1(g.node('Mul', [v, v])));
    }
    if (this.has('fm/numeric')) {
      const u = this.weights.get('fm/numeric') as Float32Array;
      sums.push(g.node('MatMul', [CTR_ONNX_NUMERIC, this.constant('fm/numeric')]));
      const x2 = g.node('Mul', [CTR_ONNX_NUMERIC, CTR_ONNX_NUMERIC]);
      squares.push(g.node('MatMul', [x2, this.constant('fm/numeric', u.map((w) => Math.fround(w * w)))]));
    }
    const s = this.add(sums);
    const diff = g.node('Sub', [g.node('Mul', [s, s]), this.add(squares)]);
    return g.node('Mul', [this.sumAxis1(diff), g.initializer('half', Float32Array.of(0.5), [])], {}, 'fm_interactions');
  }

  /** Embeddings ‖ numeric → Gemm+Relu per hidden layer → Gemm → `[N]`. */
  dnn(hidden: number): string {
    const g = this.g;
    const parts: string[] = [];
    if (this.has('dnn/embedding')) {
      const [, k = 0] = this.shapes.get('dnn/embedding') ?? [];
      const gathered = g.node('Gather', [this.constant('dnn/embedding'), this.rows()], { axis: { int: 0 } });
      parts.push(g.node('Reshape', [gathered, g.int64Initializer('embedding_shape', [0, this.spec.buckets.length * k], [2])]));
    }
    if (this.spec.numericNames.length > 0) parts.push(CTR_ONNX_NUMERIC);
    let h = parts.length === 1 ? (parts[0] as string) : g.node('Concat', parts, { axis: { int: 1 } });
    for (let i = 0; i < hidden; i += 1) {
      h = g.node('Relu', [g.node('Gemm', [h, this.constant(`dnn/hidden${i}/kernel`), this.constant(`dnn/hidden${i}/bias`)])]);
    }
    const out = g.node('Gemm', [h, this.constant('dnn/output/kernel'), this.constant('dnn/output/bias')]);
    return g.node('Squeeze', [out, g.int64Initializer('axes_squeeze', [1], [1])], {}, 'dnn_logit');
  }
}

/**
 * Encodes a trained CTR model as an ONNX graph (opset 13), one row per candidate (auctions flattened):
 *
 * - inputs `numeric` float32 `[N, d]` and `categorical` int32 `[N, F]` (int32 as in tfjs and `AuctionSet`; ONNX
 *   `Gather` takes int32 indices) — an input is left out when its group is empty (`d = 0` / `F = 0`);
 * - outputs `logits` float32 `[N]` and `probability` = sigmoid(logits) float32 `[N]`;
 * - `metadata_props`: the {@link FeatureSpec} (`counterweight.ctr.spec`), the resolved config
 *   (`counterweight.ctr.model`) and the format version (`counterweight.ctr.format` = `1`).
 *
 * The same maths as the tfjs model (categorical values are shifted by the field offsets and gathered from the
 * concatenated tables; the FM uses the O(n·k) identity with `U²` precomputed in float32; the DNN uses `Gemm` + `Relu`).
 * @throws ConfigError when the spec or config is invalid or the model's variables do not match them.
 */
export async function buildCtrOnnx(
  model: TrainableModel,
  spec: FeatureSpec,
  config: CtrModelConfig,
  options: CtrExportOptions = {},
): Promise<{ bytes: Uint8Array; nodes: number }> {
  checkFeatureSpec(spec);
  const resolved = resolveCtrModelConfig(config);
  const weights = await readWeights(model, spec, resolved);
  const shapes = new Map(ctrVariableSpecs(spec, resolved).map((v) => [v.name, v.shape]));
  const graph = new CtrGraph(spec, weights, shapes);
  let logit: string;
  switch (resolved.kind) {
    case 'logistic':
      logit = graph.linear();
      break;
    case 'fm':
      logit = graph.g.node('Add', [graph.linear(), graph.fm()]);
      break;
    case 'dnn': {
      const deep = graph.dnn(resolved.hidden.length);
      logit = resolved.wide ? graph.g.node('Add', [deep, graph.linear()]) : deep;
      break;
    }
  }
  graph.g.node('Identity', [logit], {}, CTR_ONNX_LOGITS);
  graph.g.node('Sigmoid', [CTR_ONNX_LOGITS], {}, CTR_ONNX_PROBABILITY);
  const d = spec.numericNames.length;
  const fields = spec.categoricalFields.length;
  const n = CTR_ONNX_BATCH_DIM;
  const bytes = graph.g.encode({
    graphName: `ctr-ranking-${resolved.kind}`,
    inputs: [
      ...(d > 0 ? [{ name: CTR_ONNX_NUMERIC, shape: [n, d] }] : []),
      ...(fields > 0 ? [{ name: CTR_ONNX_CATEGORICAL, shape: [n, fields], elemType: 'int32' as const }] : []),
    ],
    outputs: [
      { name: CTR_ONNX_LOGITS, shape: [n] },
      { name: CTR_ONNX_PROBABILITY, shape: [n] },
    ],
    opset: CTR_ONNX_OPSET,
    irVersion: CTR_ONNX_IR_VERSION,
    producerName: '@counterweight/ctr-ranking',
    docString:
      `${resolved.kind} CTR model; inputs ${CTR_ONNX_NUMERIC} [N, ${d}] float32, ${CTR_ONNX_CATEGORICAL} [N, ${fields}] int32 ` +
      `(field f in [0, buckets[f])); outputs ${CTR_ONNX_LOGITS} [N], ${CTR_ONNX_PROBABILITY} [N]`,
    metadata: {
      ...options.metadata,
      [CTR_ONNX_SPEC_KEY]: JSON.stringify({ numericNames: spec.numericNames, categoricalFields: spec.categoricalFields, buckets: spec.buckets }),
      [CTR_ONNX_CONFIG_KEY]: JSON.stringify(resolved),
      [CTR_ONNX_FORMAT_KEY]: CTR_ONNX_FORMAT,
    },
  });
  return { bytes, nodes: graph.g.nodeCount };
}

/**
 * Writes a CTR model as an ONNX file (graph and layout: {@link buildCtrOnnx}) atomically — a temporary sibling,
 * then a rename — so a crash or a reloading server never sees a half-written model.
 * @throws ConfigError when the model does not match `spec` and `config`.
 */
export async function exportCtrModel(
  model: TrainableModel,
  spec: FeatureSpec,
  config: CtrModelConfig,
  path: string,
  options: CtrExportOptions = {},
): Promise<CtrExportResult> {
  const { bytes, nodes } = await buildCtrOnnx(model, spec, config, options);
  const written = await writeOnnxModel(path, bytes);
  return { ...written, nodes, opset: CTR_ONNX_OPSET };
}
