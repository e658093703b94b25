import { dualHeadBinaryKL, softmaxCrossEntropy } from '@counterweight/core-losses';
import { MissingExtraError, createDataset, evaluate, fromVariables, initBackend, type LossInputs } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { DHKD_ALPHA, DHKD_TEMPERATURE, RECIPES, dualHeadDistillationLoss, type RecipeContext } from './index.js';

const C = 4;
const B = 6;
const CONTEXT: RecipeContext = { numClasses: C, classCounts: [40, 20, 8, 2], epochs: 10, stepsPerEpoch: 3, batchNormBackbone: false };
const LABELS = [0, 1, 2, 3, 0, 1];
const logitsOf = (width: number) => Float32Array.from({ length: B * width }, (_, k) => Math.sin(1.7 * k) * 2);
const TEACHER = Float32Array.from({ length: B * C }, (_, k) => (LABELS[Math.floor(k / C)] === k % C ? 3 : -1));

beforeAll(() => initBackend('cpu', { log: null }));

/** The batch a recipe's loss sees: class ids (single-label) or multi-hot targets, its logits, the teacher extra. */
function batchFor(task: 'single-label' | 'multi-label', width: number): LossInputs<'teacher'> {
  return {
    targets: task === 'single-label' ? tf.tensor1d(LABELS, 'float32') : tf.tensor2d(LABELS.flatMap((y) => [0, 1, 2, 3].map((c) => (c === y || c === 3 ? 1 : 0))), [B, C]),
    predictions: tf.tensor2d(logitsOf(width), [B, width]),
    sampleWeights: undefined,
    extras: { teacher: tf.tensor2d(TEACHER, [B, C]) },
  };
}

describe('every recipe objective', () => {
  it.each([...RECIPES.values()].map((r) => [r.name, r] as const))('%s: each stage (and epoch) gives a finite scalar from targets, logits and its declared extras; no leaks', (_name, recipe) => {
    const width = recipe.auxiliaryHead === undefined ? C : 2 * C;
    const inputs = batchFor(recipe.task, width);
    const before = tf.memory().numTensors;
    for (const stage of recipe.stages(CONTEXT)) {
      const losses = [stage.loss, ...(stage.lossAtEpoch === undefined ? [] : [0, stage.epochs - 1].map((e) => stage.lossAtEpoch?.(e) ?? stage.loss))];
      for (const loss of losses) {
        for (const extra of loss.extras ?? []) expect(['teacher']).toContain(extra);
        const value = loss(inputs); // outside any tidy, so a tensor the loss leaves behind is counted
        expect(tf.memory().numTensors).toBe(before + 1);
        expect(value.rank).toBe(0);
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        value.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([inputs.targets, inputs.predictions, inputs.extras.teacher]);
  });
});

describe('dualHeadDistillationLoss (dhkd)', () => {
  it('reads the teacher logits from the `teacher` extra column: CE(y, main) + α·BinaryKL_T(teacher, auxiliary)', () => {
    const inputs = batchFor('single-label', 2 * C);
    const loss = dualHeadDistillationLoss(CONTEXT);
    expect(loss.extras).toEqual(['teacher']);
    const [got, expected] = tf.tidy(() => {
      const main = tf.slice(inputs.predictions, [0, 0], [B, C]);
      const auxiliary = tf.slice(inputs.predictions, [0, C], [B, C]);
      const reference = tf.add(
        softmaxCrossEntropy(inputs.targets, main, { validate: false }),
        tf.mul(dualHeadBinaryKL(inputs.extras.teacher, auxiliary, { temperature: DHKD_TEMPERATURE, validate: false }), DHKD_ALPHA),
      );
      return [loss(inputs).dataSync()[0], reference.dataSync()[0]];
    });
    expect(got).toBe(expected);
    tf.dispose([inputs.targets, inputs.predictions, inputs.extras.teacher]);
  });

  it('names the missing column and the recipe when the rows carry no teacher logits', async () => {
    const model = fromVariables({ variables: { w: tf.variable(tf.zeros([2, 2 * C])) }, forward: () => tf.zeros([B, 2 * C]) });
    const rows = createDataset({ inputs: { values: new Float32Array(B * 2), shape: [2] }, targets: { values: Float32Array.from(LABELS), shape: [] } });
    const error = await evaluate(model, rows, { loss: dualHeadDistillationLoss(CONTEXT), batchSize: B }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingExtraError);
    expect((error as Error).message).toMatch(/loss "dhkd" needs the extra column "teacher"/);
    model.variables.forEach((v) => v.variable.dispose());
  });
});
