import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { LOSS_CATALOG } from './catalog.js';
import * as api from './index.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { intArray, makeRandom, uniformArray } from './test-support/random-inputs.js';

const B = 12;
const C = 5;
const random = makeRandom(17);
const LOGITS = uniformArray(random, B * C, -4, 4).map((v, i) => (i === 3 ? 50 : i === 7 ? -50 : v));
const TARGETS = intArray(random, B, C).map((v, i) => (i < C ? i : v)); // every class present

describe('LOSS_CATALOG', () => {
  it('lists exported functions once each, with documentation fields filled in', () => {
    const names = LOSS_CATALOG.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of LOSS_CATALOG) {
      expect(typeof (api as Record<string, unknown>)[entry.name]).toBe('function');
      expect(entry.reference.length).toBeGreaterThan(10);
      expect(entry.defaultReduction).toMatch(/`/);
    }
  });

  describe.each(TEST_BACKENDS)('on %s', (backend) => {
    it.each(LOSS_CATALOG.map((e) => [e.name, e] as const))('%s runs on a classification batch: finite value and gradient, no leaks', async (_name, entry) => {
      await useBackend(backend);
      const targets = tf.tensor1d(TARGETS, 'int32');
      const logits = tf.tensor2d(LOGITS, [B, C]);
      const task = { targets, numClasses: C, classCounts: [50, 20, 10, 5, 2] };
      const before = tf.memory().numTensors;
      const [value, grad] = tf.tidy(() => {
        const loss = entry.classification(task);
        const { value: v, grad: g } = tf.valueAndGrad((x: tf.Tensor) => loss(x))(logits);
        return [v.dataSync()[0] ?? Number.NaN, Array.from(g.dataSync())];
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(Number.isFinite(value)).toBe(true);
      expect(grad.every(Number.isFinite)).toBe(true);
      expect(grad.some((g) => g !== 0)).toBe(true);
      tf.dispose([targets, logits]);
    });
  });
});
