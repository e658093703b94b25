import { join } from 'node:path';

import { SeededRandom, initBackend } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resolveCorpus, sampleWindows, tokenizeCorpus, trainTokenizer } from '../data/index.js';
import type { TokenCorpus } from '../data/token-windows.js';
import { removeTempDirs, tempDir } from '../data/test-support/temp.js';
import { createObjective, plainCrossEntropy } from '../objectives/index.js';
import { NANOGPT_CPU_TRAINING, type LmTrainingSettings } from './settings.js';
import { trainLanguageModel, type LanguageModelSpec } from './train-language-model.js';

const CONTEXT = 16;
const TRAINING: LmTrainingSettings = { ...NANOGPT_CPU_TRAINING, steps: 6, evalEvery: 2, batchSize: 4, evalWindows: 8, warmupSteps: 1 };

let corpus: TokenCorpus;
let vocabularySize: number;
let root: string;
beforeAll(async () => {
  await initBackend('wasm', { log: null });
  const text = await resolveCorpus('tinyshakespeare');
  const tokenizer = trainTokenizer(text.documents, { kind: 'char' });
  vocabularySize = tokenizer.vocabularySize;
  corpus = tokenizeCorpus(text, tokenizer);
  root = await tempDir('train-lm');
});
afterAll(removeTempDirs);

function spec(dir: string, objective = 'uniform', onInterval?: LanguageModelSpec['onInterval']): LanguageModelSpec {
  return {
    config: { vocabularySize, layers: 1, heads: 2, width: 16, context: CONTEXT, causal: true },
    objective: createObjective(objective === 'uniform' ? 'uniform' : 'linupper', { warmupSteps: 2 }),
    training: TRAINING,
    seed: 7,
    dir,
    rowsAt: (interval) => ({ windows: sampleWindows(corpus.train, { count: TRAINING.evalEvery * TRAINING.batchSize, context: CONTEXT, random: SeededRandom.fromSeed(7, 'rows', interval) }) }),
    validation: { windows: sampleWindows(corpus.validation, { count: 8, context: CONTEXT, random: SeededRandom.fromSeed(1, 'validation') }) },
    validationLoss: plainCrossEntropy(),
    ...(onInterval === undefined ? {} : { onInterval }),
  };
}

describe('trainLanguageModel on TinyShakespeare characters', () => {
  it('estimates the validation loss from step 0 every evalEvery steps, lowers it, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const trained = await trainLanguageModel(spec(join(root, 'a')));
    trained.gpt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(trained.curve.map((p) => [p.step, p.tokens])).toEqual([[0, 0], [2, 128], [4, 256], [6, 384]]);
    expect(trained.curve[0]?.trainLoss).toBeNull();
    // A fresh model guesses close to uniformly over 65 characters; six steps at lr 1e-3 already help.
    expect(Math.abs((trained.curve[0]?.validationLoss ?? 0) - Math.log(65))).toBeLessThan(0.1);
    expect(trained.curve.at(-1)?.validationLoss).toBeLessThan(trained.curve[0]?.validationLoss ?? 0);
  });

  it('resumes an interrupted run from its last estimate with the same curve as an uninterrupted one', async () => {
    const whole = await trainLanguageModel(spec(join(root, 'whole'), 'linupper'));
    const wholeWeights = await whole.gpt.model.trainableVariables[0]?.data();
    whole.gpt.dispose();
    const dir = join(root, 'interrupted');
    await expect(
      trainLanguageModel(
        spec(dir, 'linupper', (point) => {
          if (point.step === 4) throw new Error('interrupted after the second estimate');
        }),
      ),
    ).rejects.toThrow('interrupted');
    const resumed = await trainLanguageModel(spec(dir, 'linupper'));
    const resumedWeights = await resumed.gpt.model.trainableVariables[0]?.data();
    resumed.gpt.dispose();
    expect(resumed.curve.map((p) => p.validationLoss)).toEqual(whole.curve.map((p) => p.validationLoss));
    expect(resumed.curve.map((p) => p.trainLoss)).toEqual(whole.curve.map((p) => p.trainLoss));
    expect(resumedWeights).toEqual(wholeWeights);
  });
});
