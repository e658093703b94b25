import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { EXTRA_NAMES, LOSS_CATALOG, TASK_CATALOG, TASK_KINDS, type LossCatalogEntry, type LossExtraInput } from './catalog.js';
import * as api from './index.js';
import { argumentOf } from './test-support/argument-errors.js';
import { TEST_BACKENDS, useBackend } from './test-support/backend.js';
import { expectNoLeak } from './test-support/leak-check.js';
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
      // Counted outside any tidy: building the loss and one value-and-gradient pass (the trainer's use) must leave
      // nothing but the value and the gradient. (Not stepAndEvaluation: a catalogue closure called plainly, outside
      // a tidy, leaves the tensors it makes from the task; the trainer calls it inside tf.valueAndGrad.)
      let value = Number.NaN;
      let grad: number[] = [];
      expectNoLeak(() => {
        const { value: v, grad: g } = tf.valueAndGrad(entry.classification(task))(logits);
        value = v.dataSync()[0] ?? Number.NaN;
        grad = Array.from(g.dataSync());
        return [v, g];
      });
      expect(Number.isFinite(value)).toBe(true);
      expect(grad.every(Number.isFinite)).toBe(true);
      expect(grad.some((g) => g !== 0)).toBe(true);
      tf.dispose([targets, logits]);
    });
  });
});

describe('the task kinds and the side inputs of LOSS_CATALOG', () => {
  it('serves every task kind with at least one loss, and gives every loss a task kind and its inputs', () => {
    expect(TASK_CATALOG.map((t) => t.kind)).toEqual([...TASK_KINDS]);
    for (const task of TASK_CATALOG) {
      expect(task.losses.length, task.kind).toBeGreaterThan(0);
      expect(task.description.length).toBeGreaterThan(20);
    }
    for (const entry of LOSS_CATALOG) {
      expect(entry.tasks.length, entry.name).toBeGreaterThan(0);
      expect(entry.inputs.targets.length).toBeGreaterThan(5);
      expect(entry.inputs.predictions.length).toBeGreaterThan(5);
      for (const extra of entry.inputs.extras) expect(EXTRA_NAMES, `${entry.name}: ${extra.name}`).toContain(extra.name);
    }
    const byTask = (name: string) => TASK_CATALOG.filter((t) => t.losses.includes(name)).map((t) => t.kind);
    expect(byTask('welfareRankLoss')).toEqual(['ranking']);
    expect(byTask('softmaxCrossEntropy')).toEqual(['classification', 'language-modelling']);
    expect(byTask('cumulativeLogitLoss')).toEqual(['regression']);
  });

  // Each declared side input is checked by calling the loss with it in the wrong shape (and, when required, without
  // it): the loss's own LossArgumentError must name exactly the argument the catalogue says it is passed as.
  const withExtras = LOSS_CATALOG.flatMap((entry) => entry.inputs.extras.map((extra) => [`${entry.name} ${extra.name}`, entry, extra] as const));
  it.each(withExtras)('%s: the loss takes the side input as the catalogue says', async (_label, entry: LossCatalogEntry, extra: LossExtraInput) => {
    await useBackend('cpu');
    const fn = (api as unknown as Record<string, (a: tf.Tensor, b: tf.Tensor, options?: Record<string, unknown>) => tf.Tensor>)[entry.name];
    if (fn === undefined) throw new Error(`${entry.name} is not exported`);
    tf.tidy(() => {
      const ranking = entry.tasks.includes('ranking');
      const targets = ranking ? tf.cast(tf.oneHot(tf.tensor1d(TARGETS, 'int32'), C), 'float32') : tf.tensor1d(TARGETS, 'int32');
      const logits = tf.tensor2d(LOGITS, [B, C]);
      const wrong = tf.ones([B + 1, C + 1]);
      // A valid stand-in for each required side input: the logits' shape, or one value per row for the per-row ones.
      const perRow: readonly string[] = ['maskedTokens', 'elboWeights'];
      const required = Object.fromEntries(
        entry.inputs.extras
          .filter((e) => e.required && e.passedAs.startsWith('options.'))
          .map((e) => [e.passedAs.slice('options.'.length), tf.ones(perRow.includes(e.name) ? [B] : [B, C])]),
      );
      if (extra.passedAs.startsWith('options.')) {
        const option = extra.passedAs.slice('options.'.length);
        expect(argumentOf(() => fn(targets, logits, { ...required, [option]: wrong }))).toBe(extra.passedAs);
        if (extra.required) {
          const { [option]: _dropped, ...without } = required;
          expect(argumentOf(() => fn(targets, logits, without))).toBe(extra.passedAs);
        }
      } else {
        expect(argumentOf(() => fn(wrong, logits))).toBe(extra.passedAs);
      }
    });
  });
});
