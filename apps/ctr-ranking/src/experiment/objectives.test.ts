import { combinedWelfareLoss, welfareRankLoss } from '@counterweight/core-losses';
import { MissingExtraError, createOptimizer, disposeBatch, initBackend, train } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { createCtrModel } from '../models/ctr-model.js';
import { TINY_SPEC, syntheticAuctions } from '../models/test-support/synthetic.js';
import { auctionDataset } from './auction-rows.js';
import { OBJECTIVES, objectiveLoss, type ObjectiveName, type ObjectiveSettings } from './objectives.js';

const SETTINGS: ObjectiveSettings = { temperature: 0.05, lambda: 0.3, teacherMix: 0.7 };
// 6 auctions of 4 slots; the last slot of every third auction is padding (mask 0, label 0, bid 0).
const set = syntheticAuctions(TINY_SPEC, 6, 4, 3);
const teacher = Float32Array.from({ length: 24 }, (_, k) => ((k * 7) % 10) / 10);

beforeAll(() => initBackend('cpu', { log: null }));

describe('auctionDataset', () => {
  it('has the clicks as targets and bids, mask (and the teacher when given) as named extra columns', () => {
    const data = auctionDataset(set, teacher);
    expect(data.targets.shape).toEqual([4]);
    expect(Array.from(data.targets.values)).toEqual(Array.from(set.label));
    expect(data.extraNames).toEqual(['bids', 'mask', 'teacher']);
    const { bids, mask, teacher: teacherColumn } = data.extras;
    expect(Array.from(mask?.values ?? [])).toEqual(Array.from(set.mask));
    // Padded slots get bid 1 (nothing downstream divides by 0), real ones their bid.
    expect(Array.from(bids?.values ?? [])).toEqual(Array.from(set.bid, (b, k) => ((set.mask[k] ?? 0) > 0 ? b : 1)));
    expect(Array.from(teacherColumn?.values ?? [])).toEqual(Array.from(teacher));
    expect(auctionDataset(set).extraNames).toEqual(['bids', 'mask']);
    expect(() => auctionDataset(set, teacher.subarray(1))).toThrow('teacher has 23 CTRs for 24 candidate slots');
  });
});

describe('objectiveLoss', () => {
  /** The loss of an objective on all six auctions (one batch), with the data set's extras. */
  const lossOf = (objective: ObjectiveName): number => {
    const data = auctionDataset(set, teacher);
    const batch = data.gather(Int32Array.from({ length: 6 }, (_, i) => i));
    const logits = tf.tensor2d(Float32Array.from({ length: 24 }, (_, k) => Math.sin(k)), [6, 4]);
    try {
      return tf.tidy(() =>
        objectiveLoss(objective, SETTINGS)({ predictions: logits, targets: batch.targets, sampleWeights: undefined, extras: batch.extras }).dataSync()[0],
      ) as number;
    } finally {
      logits.dispose();
      disposeBatch(batch);
    }
  };

  it('reads bids, mask and teacher by name: the welfare objectives equal core-losses called on the raw columns', () => {
    const logits = tf.tensor2d(Float32Array.from({ length: 24 }, (_, k) => Math.sin(k)), [6, 4]);
    const columns = {
      clicks: tf.tensor2d(set.label, [6, 4]),
      bids: tf.tensor2d(Float32Array.from(set.bid, (b, k) => ((set.mask[k] ?? 0) > 0 ? b : 1)), [6, 4]),
      mask: tf.tensor2d(set.mask, [6, 4]),
      teacher: tf.tensor2d(teacher, [6, 4]),
    };
    const { clicks, bids, mask } = columns;
    const expected = tf.tidy(() => ({
      welfare: welfareRankLoss(clicks, logits, { bids, mask, temperature: SETTINGS.temperature }).dataSync()[0],
      teacher: welfareRankLoss(clicks, logits, { bids, mask, temperature: SETTINGS.temperature, teacher: columns.teacher, teacherMix: SETTINGS.teacherMix }).dataSync()[0],
      combined: combinedWelfareLoss(clicks, logits, { bids, mask, lambda: SETTINGS.lambda, temperature: SETTINGS.temperature }).dataSync()[0],
      logloss: combinedWelfareLoss(clicks, logits, { bids, mask, lambda: 1 }).dataSync()[0],
    }));
    tf.dispose([logits, ...Object.values(columns)]);
    expect(lossOf('welfare')).toBe(expected.welfare);
    expect(lossOf('welfare-teacher')).toBe(expected.teacher);
    expect(lossOf('combined')).toBe(expected.combined);
    expect(lossOf('logloss')).toBe(expected.logloss);
    expect(expected.teacher).not.toBe(expected.welfare);
  });

  it('declares the columns each objective reads; every objective gives a finite loss', () => {
    for (const objective of OBJECTIVES) {
      const loss = objectiveLoss(objective, SETTINGS);
      expect(loss.lossName).toBe(objective);
      expect(loss.extras).toEqual(objective === 'welfare-teacher' ? ['bids', 'mask', 'teacher'] : objective.endsWith('listwise') || objective.startsWith('pairwise') ? ['mask'] : ['bids', 'mask']);
      expect(Number.isFinite(lossOf(objective))).toBe(true);
    }
  });

  it('welfare-teacher on auctions without a teacher column is rejected before training, naming the column', async () => {
    const model = createCtrModel(TINY_SPEC, { kind: 'logistic' }, 1);
    const optimizer = createOptimizer({ name: 'adam', learningRate: 0.01 });
    try {
      const error = await train({
        model,
        loss: objectiveLoss('welfare-teacher', SETTINGS),
        train: auctionDataset(set),
        epochs: 1,
        batchSize: 3,
        optimizer,
        seed: 1,
        progress: { quiet: true },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingExtraError);
      expect((error as Error).message).toMatch(/loss "welfare-teacher" needs the extra column "teacher", which the train data set does not carry \(its extras: bids, mask\)/);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });
});
