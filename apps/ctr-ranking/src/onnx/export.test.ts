import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, createOptimizer, initBackend, train } from '@counterweight/runtime';
import { OnnxGraphBuilder, OnnxModelError, onnx, writeOnnxModel } from '@counterweight/runtime/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuctionSet, FeatureSpec } from '../data/auction-set.js';
import { createCtrModel, ctrInputs, type CtrModel, type CtrModelConfig } from '../models/index.js';
import { TINY_SPEC, auctionDataset, maskedLogloss, syntheticAuctions } from '../models/test-support/synthetic.js';
import { CTR_ONNX_CONFIG_KEY, CTR_ONNX_FORMAT_KEY, CTR_ONNX_SPEC_KEY, exportCtrModel } from './export.js';
import { loadCtrOnnx } from './load.js';

/**
 * Agreement criterion: |onnx − tfjs| ≤ TOLERANCE · max(1, |tfjs|) per candidate, i.e. absolute 1e-5 for logits in
 * [−1, 1] and relative 1e-5 beyond; probabilities (in [0, 1]) are compared absolutely with the same 1e-5.
 */
const TOLERANCE = 1e-5;

const MEDIUM_SPEC: FeatureSpec = {
  numericNames: Array.from({ length: 13 }, (_, i) => `i${i}`),
  categoricalFields: Array.from({ length: 8 }, (_, i) => `c${i}`),
  buckets: [2, 10, 100, 1000, 1000, 50, 7, 500],
};

const CONFIGS: ReadonlyArray<[string, CtrModelConfig]> = [
  ['logistic', { kind: 'logistic' }],
  ['fm', { kind: 'fm', embeddingDim: 8 }],
  ['dnn', { kind: 'dnn' }],
  ['wide & deep', { kind: 'dnn', embeddingDim: 4, hidden: [16], wide: true }],
];

let dir: string;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  dir = await mkdtemp(join(tmpdir(), 'ctr-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Largest deviation of onnxruntime from tfjs over the candidates of `set` (flattened), logits and probabilities. */
async function compare(model: CtrModel, path: string, set: AuctionSet): Promise<{ logit: number; logitScaled: number; probability: number }> {
  const count = set.auctions * set.slots;
  const inputs = ctrInputs(set.spec, set.numeric, set.categorical, count);
  const logits = model.predict(inputs, { training: false });
  const expected = logits.dataSync();
  tf.dispose([logits, inputs.numeric, inputs.categorical]);
  const onnxModel = await loadCtrOnnx(path);
  try {
    const actual = await onnxModel.score(set.numeric, set.categorical, count);
    let logit = 0;
    let logitScaled = 0;
    let probability = 0;
    expected.forEach((z, i) => {
      const diff = Math.abs(z - (actual.logits[i] as number));
      logit = Math.max(logit, diff);
      logitScaled = Math.max(logitScaled, diff / Math.max(1, Math.abs(z)));
      probability = Math.max(probability, Math.abs(1 / (1 + Math.exp(-z)) - (actual.probability[i] as number)));
    });
    return { logit, logitScaled, probability };
  } finally {
    await onnxModel.release();
  }
}

describe.each(CONFIGS)('%s model exported to ONNX', (name, config) => {
  it('agrees with tfjs within 1e-5 before and after training, on a small and a Criteo-sized spec', async () => {
    for (const [specName, spec] of [['tiny', TINY_SPEC], ['medium', MEDIUM_SPEC]] as const) {
      const model = createCtrModel(spec, config, 11);
      try {
        for (const phase of ['initial', 'trained'] as const) {
          if (phase === 'trained') {
            const optimizer = createOptimizer({ name: 'adam', learningRate: 0.05 });
            const data = auctionDataset(syntheticAuctions(spec, 32, 4, 12));
            await train({ model, loss: maskedLogloss, train: data, epochs: 3, batchSize: 8, optimizer, seed: 1, progress: { quiet: true } });
            optimizer.dispose();
          }
          const path = join(dir, `${name}-${specName}-${phase}.onnx`.replace(/\W+/g, '-'));
          await exportCtrModel(model, spec, config, path);
          const worst = await compare(model, path, syntheticAuctions(spec, 50, 10, 13));
          console.info(`onnx vs tfjs ${name} ${specName} ${phase}: max |Δlogit| ${worst.logit.toExponential(2)}, max |Δp| ${worst.probability.toExponential(2)}`);
          expect(worst.logitScaled).toBeLessThanOrEqual(TOLERANCE);
          expect(worst.probability).toBeLessThanOrEqual(TOLERANCE);
        }
      } finally {
        model.dispose();
      }
    }
  });

  it('handles specs without dense features and without categorical fields (that input is left out)', async () => {
    for (const spec of [{ ...TINY_SPEC, numericNames: [] }, { ...TINY_SPEC, categoricalFields: [], buckets: [] }]) {
      const model = createCtrModel(spec, config, 3);
      try {
        const path = join(dir, `${name}-partial.onnx`.replace(/\W+/g, '-'));
        await exportCtrModel(model, spec, config, path);
        const worst = await compare(model, path, syntheticAuctions(spec, 10, 3, 4));
        expect(worst.logitScaled).toBeLessThanOrEqual(TOLERANCE);
      } finally {
        model.dispose();
      }
    }
  });
});

describe('exportCtrModel', () => {
  it('writes the spec, the resolved config and the format into metadata_props, atomically', async () => {
    const sub = await mkdtemp(join(dir, 'meta-'));
    const path = join(sub, 'fm.onnx');
    const model = createCtrModel(TINY_SPEC, { kind: 'fm' }, 1);
    try {
      const result = await exportCtrModel(model, TINY_SPEC, { kind: 'fm' }, path, { metadata: { run: 'abc' } });
      expect(await readdir(sub)).toEqual(['fm.onnx']);
      const decoded = onnx.ModelProto.decode(await readFile(path));
      expect(result.bytes).toBe((await readFile(path)).length);
      const graph = decoded.graph as InstanceType<typeof onnx.GraphProto>;
      expect(result.nodes).toBe(graph.node.length);
      expect(graph.input.map((i) => [i.name, i.type?.tensorType?.elemType])).toEqual([
        ['numeric', onnx.TensorProto.DataType.FLOAT],
        ['categorical', onnx.TensorProto.DataType.INT32],
      ]);
      expect(graph.output.map((o) => o.name)).toEqual(['logits', 'probability']);
      const loaded = await loadCtrOnnx(path);
      expect(loaded.spec).toEqual(TINY_SPEC);
      expect(loaded.config).toEqual({ kind: 'fm', embeddingDim: 8, l2: 1e-6, initStd: 0.01 });
      expect(loaded.metadata['run']).toBe('abc');
      expect(loaded.metadata[CTR_ONNX_FORMAT_KEY]).toBe('1');
      expect(JSON.parse(loaded.metadata[CTR_ONNX_CONFIG_KEY] ?? '')).toEqual(loaded.config);
      expect(JSON.parse(loaded.metadata[CTR_ONNX_SPEC_KEY] ?? '')).toEqual(TINY_SPEC);
      await loaded.release();
    } finally {
      model.dispose();
    }
  });

  it('refuses a model that does not match the spec or config it is exported with', async () => {
    const model = createCtrModel(TINY_SPEC, { kind: 'fm', embeddingDim: 4 }, 1);
    try {
      const path = join(dir, 'mismatch.onnx');
      await expect(exportCtrModel(model, TINY_SPEC, { kind: 'fm', embeddingDim: 8 }, path)).rejects.toThrow(ConfigError);
      await expect(exportCtrModel(model, TINY_SPEC, { kind: 'fm', embeddingDim: 8 }, path)).rejects.toThrow(
        'variable "fm/categorical" [12, 8] of a fm model is shape [12, 4]',
      );
      await expect(exportCtrModel(model, TINY_SPEC, { kind: 'logistic' }, path)).rejects.toThrow('does not have: fm/categorical, fm/numeric');
    } finally {
      model.dispose();
    }
  });
});

describe('loadCtrOnnx and score', () => {
  it('rejects a model without ctr metadata, naming the path', async () => {
    const g = new OnnxGraphBuilder();
    g.node('Identity', ['x'], {}, 'y');
    const bytes = g.encode({ graphName: 'plain', inputs: [{ name: 'x', shape: ['n'] }], outputs: [{ name: 'y', shape: ['n'] }], opset: 13, irVersion: 7, producerName: 'test' });
    const path = join(dir, 'plain.onnx');
    await writeOnnxModel(path, bytes);
    const error: unknown = await loadCtrOnnx(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OnnxModelError);
    expect((error as Error).message).toBe(
      `${path}: is an ONNX model but not a ctr-ranking model: it has no "counterweight.ctr.format" metadata (its inputs: "x"; outputs: "y"); give a model written by \`ctr-ranking export\``,
    );
    await expect(loadCtrOnnx(join(dir, 'nope.onnx'))).rejects.toThrow(`${join(dir, 'nope.onnx')}: file not found`);
  });

  it('checks feature counts, finiteness and categorical ranges before running, and scores zero candidates', async () => {
    const model = createCtrModel(TINY_SPEC, { kind: 'logistic' }, 1);
    const path = join(dir, 'checks.onnx');
    await exportCtrModel(model, TINY_SPEC, { kind: 'logistic' }, path);
    model.dispose();
    const loaded = await loadCtrOnnx(path);
    try {
      await expect(loaded.score(new Float32Array(3), new Int32Array(2), 2)).rejects.toThrow('numeric: expected 6 values (2 candidates × 3), got 3');
      await expect(loaded.score(Float32Array.of(0, NaN, 0), new Int32Array(2), 1)).rejects.toThrow('candidate 0: numeric feature "x1" must be finite');
      await expect(loaded.score(new Float32Array(3), Int32Array.of(1, 7), 1)).rejects.toThrow('candidate 0: categorical field "ad" must be an integer in [0, 6], got 7');
      expect(await loaded.score(new Float32Array(0), new Int32Array(0), 0)).toEqual({ logits: new Float32Array(0), probability: new Float32Array(0) });
    } finally {
      await loaded.release();
    }
  });
});
