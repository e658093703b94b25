import { initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createModel } from '../models/vision-model.js';
import { benchDataset, loadBenchImages, type BenchImages } from './bench-images.js';
import { BASELINE_RECIPE, COMPARED_RECIPES, recipeStepConfigs } from './recipe-steps.js';
import { measureTrainingThroughput } from './training-throughput.js';

const CONTEXT = {
  numClasses: 10,
  classCounts: [100, 77, 59, 46, 35, 27, 21, 16, 12, 10],
  epochs: 1,
  stepsPerEpoch: 2,
  batchNormBackbone: false,
};

let sample: BenchImages;

beforeAll(async () => {
  await initBackend('wasm', { log: null });
  // A directory that does not exist: the embedded sample is the fallback (and keeps the test small).
  sample = await loadBenchImages('/nonexistent/fashion-mnist');
});

describe('loadBenchImages', () => {
  it('falls back to the embedded sample and says why', () => {
    expect(sample.source).toBe('embedded-sample');
    expect(sample.fallbackReason).toContain('/nonexistent/fashion-mnist');
    expect(sample.train.count).toBe(1500);
    const data = benchDataset(sample.train, 32);
    expect(data.size).toBe(32);
    expect(() => benchDataset(sample.train, 1501)).toThrow(/rows/);
  });
});

describe('recipeStepConfigs', () => {
  it("takes each recipe's loss, SGD-momentum optimiser and SAM perturbation", () => {
    const configs = recipeStepConfigs([BASELINE_RECIPE, ...COMPARED_RECIPES], CONTEXT);
    expect(configs.map((c) => c.name)).toEqual(['ce', 'ldam-drw', 'la-loss', 'cb-focal', 'vs', 'ce-sam']);
    for (const c of configs) expect(c.optimizer.name).toBe('momentum');
    expect(configs.find((c) => c.name === 'ce-sam')?.weightPerturbation).toEqual({ kind: 'sam', rho: 0.1 });
    expect(() => recipeStepConfigs(['asl'], CONTEXT)).toThrow(/single-label/);
  });
});

describe('measureTrainingThroughput', () => {
  it('trains a few steps per configuration on real images, from the same weights, and leaks nothing', async () => {
    const model = createModel({ arch: 'cnn', head: 'linear', inputShape: [28, 28, 1], numClasses: 10, seed: 1, width: 8 });
    try {
      const data = benchDataset(sample.train, 32);
      const configs = recipeStepConfigs(['ce', 'ldam-drw', 'ce-sam'], CONTEXT);
      const before = model.variables.map((v) => Array.from(v.variable.dataSync()));
      const tensors = tf.memory().numTensors;
      const measured = await measureTrainingThroughput(model, data, configs, { batchSize: 16, repetitions: 2, seed: 1 });
      expect(tf.memory().numTensors).toBe(tensors);
      expect(Object.keys(measured)).toEqual(['ce', 'ldam-drw', 'ce-sam']);
      for (const m of Object.values(measured)) {
        expect(Number.isFinite(m.imagesPerSec) && m.imagesPerSec > 0).toBe(true);
        expect(m.stepMs).toBeCloseTo((1000 * 16) / m.imagesPerSec, 6);
        expect(m.repetitions).toBe(2);
        expect(m.stepsPerRepetition).toBe(2);
        expect(Number.isFinite(m.firstLoss) && Number.isFinite(m.lastLoss)).toBe(true);
        expect(m.skippedSteps).toBe(0);
      }
      expect(model.variables.map((v) => Array.from(v.variable.dataSync()))).toEqual(before);
    } finally {
      model.dispose();
    }
  });

  it('runs at least one timed repetition within a zero time budget', async () => {
    const model = createModel({ arch: 'resnet', head: 'linear', inputShape: [28, 28, 1], numClasses: 10, seed: 1, width: 4 });
    try {
      const data = benchDataset(sample.train, 8);
      const tensors = tf.memory().numTensors;
      const measured = await measureTrainingThroughput(model, data, recipeStepConfigs(['ce'], CONTEXT), {
        batchSize: 8,
        repetitions: 5,
        budgetSeconds: 0,
        seed: 1,
      });
      expect(tf.memory().numTensors).toBe(tensors);
      expect(measured['ce']?.repetitions).toBe(1);
      expect(measured['ce']?.imagesPerSec).toBeGreaterThan(0);
    } finally {
      model.dispose();
    }
  });
});
