import { dualHeadBinaryKL, softmaxCrossEntropy } from '@counterweight/core-losses';
import { SeededRandom, createDataset, createOptimizer, initBackend, train, withExtras, type LossFunction, type LossInputs } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { Architecture, HeadKind, ModelOptions } from './options.js';
import { syntheticImages } from './test-support/images.js';
import { crossEntropy, readWeights, trainBriefly } from './test-support/training.js';
import { createModel, splitDualHeadLogits, type VisionModel } from './vision-model.js';

const COMBINATIONS: Array<[Architecture, HeadKind]> = (['cnn', 'resnet'] as const).flatMap((arch) =>
  (['linear', 'cosine', 'etf'] as const).map((head): [Architecture, HeadKind] => [arch, head]),
);
const FEATURES: Record<Architecture, number> = { cnn: 128, resnet: 64 };
/** LDAM's scale: cosine logits are trained as `30·cos`. */
const scaledCrossEntropy: LossFunction = (inputs) => crossEntropy({ ...inputs, predictions: tf.mul(inputs.predictions, 30) });

function options(arch: Architecture, head: HeadKind, extra: Partial<ModelOptions> = {}): ModelOptions {
  return { arch, head, inputShape: [28, 28, 1], numClasses: 10, seed: 7, ...extra };
}

function withModel<T>(opts: ModelOptions, body: (model: VisionModel) => T): T {
  const model = createModel(opts);
  try {
    return body(model);
  } finally {
    model.dispose();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

beforeAll(async () => {
  await initBackend('wasm', { log: null });
});

describe('createModel', () => {
  it.each(COMBINATIONS)('%s with a %s head: logits [B, C] and features [B, d] for 28×28×1 and 56×56×1 images', (arch, head) => {
    for (const side of [28, 56]) {
      withModel(options(arch, head, { inputShape: [side, side, 1], numClasses: 4 }), (model) => {
        const images = tf.tensor4d(syntheticImages(3, side, 4, 1).images, [3, side, side, 1]);
        const logits = model.predict(images, { training: false });
        const features = model.features(images);
        expect(logits.shape).toEqual([3, 4]);
        expect(features.shape).toEqual([3, FEATURES[arch]]);
        expect(model.featureSize).toBe(FEATURES[arch]);
        expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([images, logits, features]);
      });
    }
  });

  it('draws the same weights from the same seed, the same backbone for every head, other weights from another seed', () => {
    const weights = (opts: ModelOptions) => withModel(opts, readWeights);
    const a = weights(options('resnet', 'linear'));
    const b = weights(options('resnet', 'linear'));
    const cosine = weights(options('resnet', 'cosine'));
    const other = weights(options('resnet', 'linear', { seed: 8 }));
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const name of Object.keys(a)) expect(b[name]).toEqual(a[name]);
    for (const name of Object.keys(a).filter((n) => !n.startsWith('head/'))) expect(cosine[name]).toEqual(a[name]);
    expect(other['stem/conv/kernel']).not.toEqual(a['stem/conv/kernel']);
  });

  it('names its kernels (for AWP), the classifier kernel and bias (for MaxNorm), and the batch-norm state', () => {
    withModel(options('cnn', 'linear'), (model) => {
      expect(model.kernelNames).toEqual(['conv1/kernel', 'conv2/kernel', 'dense1/kernel', 'head/kernel']);
      expect(model.classifierKernel?.name).toBe('head/kernel');
      expect(model.classifierKernel?.variable.shape).toEqual([128, 10]);
      expect(model.classifierBias?.name).toBe('head/bias');
      expect(model.isKernel('dense1/kernel')).toBe(true);
      expect(model.isKernel('dense1/bias')).toBe(false);
    });
    withModel(options('resnet', 'linear', { depth: 14 }), (model) => {
      // stem + 3 stages × 2 blocks × 2 convolutions + 2 projection shortcuts + head
      expect(model.kernelNames).toHaveLength(1 + 12 + 2 + 1);
      expect(model.kernelNames).toContain('stage2/block1/shortcut/kernel');
      const names = model.variables.map((v) => v.name);
      expect(names).toContain('stage3/block2/bn2/variance');
      const trainable = new Set(model.trainableVariables);
      expect(trainable.has(model.variable('stem/bn/mean'))).toBe(false);
      expect(trainable.has(model.variable('stem/bn/gamma'))).toBe(true);
    });
    withModel(options('resnet', 'cosine'), (model) => {
      expect(model.classifierKernel?.name).toBe('head/kernel');
      expect(model.classifierBias).toBeUndefined();
    });
    withModel(options('resnet', 'etf'), (model) => {
      expect(model.classifierKernel).toBeUndefined();
      expect(model.classifierBias?.name).toBe('head/bias');
      expect(model.kernelNames).not.toContain('head/etf');
      expect(() => model.variable('head/kernel')).toThrow('no variable "head/kernel"');
    });
  });

  it('gives the ETF head a fixed simplex-ETF kernel that is not trainable, and a trainable bias', () => {
    withModel(options('cnn', 'etf'), (model) => {
      const etf = model.variable('head/etf');
      expect(etf.trainable).toBe(false);
      expect(model.trainableVariables).not.toContain(etf);
      expect(model.trainableVariables).toContain(model.variable('head/bias'));
      const m = etf.arraySync() as number[][];
      const column = (j: number) => m.map((row) => row[j] as number);
      const dot = (i: number, j: number) => column(i).reduce((s, v, k) => s + v * (column(j)[k] as number), 0);
      expect(dot(0, 0)).toBeCloseTo(1, 5);
      expect(dot(0, 1)).toBeCloseTo(-1 / 9, 5);
    });
  });

  it('keeps cosine logits in [−1, 1]; an all-zero feature row gives 0 with finite gradients (not NaN)', () => {
    withModel(options('cnn', 'cosine'), (model) => {
      const images = tf.tensor4d(syntheticImages(8, 28, 10, 2).images, [8, 28, 28, 1]);
      const logits = model.predict(images, { training: false });
      const values = Array.from(logits.dataSync());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.01);
      const zeros = tf.zeros([2, 128]);
      const { value, grads } = tf.variableGrads(() => tf.sum(model.classify(zeros)), [model.variable('head/kernel')]);
      expect(value.dataSync()[0]).toBe(0);
      expect(Array.from(Object.values(grads)[0]?.dataSync() ?? []).every(Number.isFinite)).toBe(true);
      tf.dispose([images, logits, zeros, value, ...Object.values(grads)]);
    });
  });

  it('rejects images of another size or layout, naming the expected shape', () => {
    withModel(options('cnn', 'linear'), (model) => {
      const nchw = tf.zeros([2, 1, 28, 28]);
      expect(() => model.predict(nchw, { training: false })).toThrow('images must have shape [batch, 28, 28, 1] (NHWC), got [2, 1, 28, 28]');
      nchw.dispose();
    });
  });
});

describe.each(COMBINATIONS)('%s with a %s head trained by train() on wasm', (arch, head) => {
  it('lowers the loss with a flat tensor count; the ETF kernel stays fixed, cosine logits stay in [−1, 1]', async () => {
    const model = createModel(options(arch, head));
    try {
      const before = readWeights(model);
      const data = syntheticImages(96, 28, 10, 3);
      const result = await trainBriefly(model, data, { epochs: 3, batchSize: 32, ...(head === 'cosine' ? { loss: scaledCrossEntropy } : {}) });
      expect(result.losses.every(Number.isFinite)).toBe(true);
      expect(result.losses[2]).toBeLessThan(result.losses[0] as number);
      expect(new Set(result.tensorCounts).size).toBe(1);
      const after = readWeights(model);
      if (head === 'etf') {
        expect(after['head/etf']).toEqual(before['head/etf']);
        expect(maxAbsDiff(after['head/bias'] ?? [], before['head/bias'] ?? [])).toBeGreaterThan(0);
      }
      if (head === 'cosine') {
        const logits = model.predict(tf.tensor4d(data.images, [96, 28, 28, 1]), { training: false });
        expect(Math.max(...Array.from(logits.dataSync(), Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
        logits.dispose();
      }
      if (arch === 'resnet') expect(maxAbsDiff(after['stem/bn/mean'] ?? [], before['stem/bn/mean'] ?? [])).toBeGreaterThan(0);
    } finally {
      model.dispose();
    }
  });
});

describe('loss terms and stages', () => {
  it('regularizationLoss adds λ·mean‖h‖²/2 of the last training forward pass and λ_wd/2·Σ‖w‖² over the trainable variables', () => {
    withModel(options('cnn', 'etf', { featureNormPenalty: 0.01, weightDecay: 5e-3 }), (model) => {
      const images = tf.tensor4d(syntheticImages(4, 28, 10, 4).images, [4, 28, 28, 1]);
      const h = model.features(images).arraySync();
      const featureTerm = (0.01 / 2) * (h.reduce((s, row) => s + row.reduce((t, v) => t + v * v, 0), 0) / h.length);
      const decayTerm = (5e-3 / 2) * model.trainableVariables.reduce((s, v) => s + Array.from(v.dataSync()).reduce((t, w) => t + w * w, 0), 0);
      const logits = model.predict(images, { training: true, random: SeededRandom.fromSeed(1) });
      const both = model.regularizationLoss?.();
      expect(both?.dataSync()[0]).toBeCloseTo(featureTerm + decayTerm, 4); // float32 sums of ~10^5 squares
      const decayOnly = model.regularizationLoss?.(); // the feature term belongs to one forward pass
      expect(decayOnly?.dataSync()[0]).toBeCloseTo(decayTerm, 4);
      model.configure({ weightDecay: 0, featureNormPenalty: 0 });
      expect(model.regularizationLoss?.()).toBeUndefined();
      tf.dispose([images, logits, ...[both, decayOnly].filter((t) => t !== undefined)]);
    });
  });

  it("configure({ trainable: 'classifier' }) trains only the head; the backbone and its batch-norm statistics stay fixed", async () => {
    const model = createModel(options('resnet', 'linear'));
    try {
      model.configure({ trainable: 'classifier', weightDecay: 0.1 });
      expect(model.trainableVariables).toEqual([model.variable('head/kernel'), model.variable('head/bias')]);
      const before = readWeights(model);
      const result = await trainBriefly(model, syntheticImages(64, 28, 10, 5), { epochs: 2, batchSize: 32 });
      expect(result.losses[1]).toBeLessThan(result.losses[0] as number);
      const after = readWeights(model);
      for (const name of Object.keys(before)) {
        if (name.startsWith('head/')) expect(maxAbsDiff(after[name] ?? [], before[name] ?? [])).toBeGreaterThan(0);
        else expect(after[name]).toEqual(before[name]);
      }
      model.configure({ trainable: 'all' });
      expect(model.trainableVariables).toContain(model.variable('stem/bn/gamma'));
      expect(model.trainableVariables).not.toContain(model.variable('stem/bn/mean'));
    } finally {
      model.dispose();
    }
  });

  it('trains with AWP perturbing exactly the kernels named by model.isKernel', async () => {
    const model = createModel(options('cnn', 'linear', { inputShape: [16, 16, 1] }));
    try {
      const result = await trainBriefly(model, syntheticImages(64, 16, 10, 6), {
        epochs: 2,
        batchSize: 32,
        weightPerturbation: { kind: 'awp', gamma: 0.01, kernels: (name) => model.isKernel(name) },
      });
      expect(result.losses[1]).toBeLessThan(result.losses[0] as number);
      expect(new Set(result.tensorCounts).size).toBe(1);
    } finally {
      model.dispose();
    }
  });

  it('trains as a data-parallel replica built by createModel in a worker thread', async () => {
    const opts = options('resnet', 'linear', { inputShape: [16, 16, 1], featureNormPenalty: 0.01 });
    const model = createModel(opts);
    try {
      const result = await trainBriefly(model, syntheticImages(64, 16, 10, 7), {
        epochs: 2,
        batchSize: 32,
        parallel: {
          replica: { module: new URL('./test-support/replica.ts', import.meta.url).href, export: 'visionReplica', options: opts },
          workers: 1,
        },
      });
      expect(result.losses.every(Number.isFinite)).toBe(true);
      expect(result.losses[1]).toBeLessThan(result.losses[0] as number);
    } finally {
      model.dispose();
    }
  });
});

describe('dual-head model (Dual-Head KD)', () => {
  it('returns main ‖ auxiliary logits, the main half equal to logits(); dropout is seeded in training only', () => {
    withModel(options('resnet', 'linear', { auxiliaryHead: 'mlp', numClasses: 5 }), (model) => {
      expect(model.outputSize).toBe(10);
      const images = tf.tensor4d(syntheticImages(6, 28, 5, 8).images, [6, 28, 28, 1]);
      const both = model.predict(images, { training: false });
      const { main, auxiliary } = splitDualHeadLogits(both, 5);
      const direct = model.logits(images);
      expect(both.shape).toEqual([6, 10]);
      expect(main.dataSync()).toEqual(direct.dataSync());
      expect(maxAbsDiff(auxiliary.dataSync(), main.dataSync())).toBeGreaterThan(0);
      expect(() => splitDualHeadLogits(main, 5)).toThrow('[batch, 10]');
      tf.dispose([images, both, main, auxiliary, direct]);
    });
  });

  it('trains the main head on labels and the auxiliary head on teacher logits (CE + binary KL), tensor count flat', async () => {
    const numClasses = 4;
    const model = createModel(options('cnn', 'linear', { inputShape: [16, 16, 1], numClasses, auxiliaryHead: 'linear' }));
    const data = syntheticImages(64, 16, numClasses, 9);
    // The labels as targets; a confident "teacher" that knows the labels as the extra column `teacher`.
    const teacherLogits = new Float32Array(64 * numClasses);
    data.labels.forEach((label, i) => {
      for (let c = 0; c < numClasses; c += 1) teacherLogits[i * numClasses + c] = c === label ? 4 : -1;
    });
    const loss = withExtras({ lossName: 'dualHeadKD', extras: ['teacher'] }, ({ targets: labels, predictions, extras: { teacher } }: LossInputs<'teacher'>) => {
      const { main, auxiliary } = splitDualHeadLogits(predictions, numClasses);
      return tf.add<tf.Scalar>(softmaxCrossEntropy(labels, main, { validate: false }), dualHeadBinaryKL(teacher, auxiliary, { validate: false }));
    });
    const optimizer = createOptimizer({ name: 'momentum', learningRate: 0.05, momentum: 0.9 });
    const counts: number[] = [];
    try {
      const history = await train({
        model,
        loss,
        train: createDataset({
          inputs: { values: data.images, shape: [16, 16, 1] },
          targets: { values: Float32Array.from(data.labels), shape: [] },
          extras: { teacher: { values: teacherLogits, shape: [numClasses] } },
        }),
        batchSize: 16,
        epochs: 3,
        optimizer,
        seed: 1,
        progress: { quiet: true },
        callbacks: { onStepEnd: (info) => void (info.globalStep > 1 && counts.push(tf.memory().numTensors)) },
      });
      const losses = history.epochs.map((e) => e.loss);
      expect(losses[2]).toBeLessThan(losses[0] as number);
      expect(new Set(counts).size).toBe(1);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
});
