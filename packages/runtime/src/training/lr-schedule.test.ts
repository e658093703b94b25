import { describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { learningRateAt, validateSchedule, type LrScheduleConfig } from './lr-schedule.js';
import { expectAllClose } from './test-support/close.js';

const at = (config: LrScheduleConfig, step: number, epoch = 0) => learningRateAt(config, { step, epoch });

describe('learningRateAt', () => {
  it('constant', () => {
    const c: LrScheduleConfig = { kind: 'constant', learningRate: 0.01 };
    expect([at(c, 0), at(c, 10_000, 50)]).toEqual([0.01, 0.01]);
  });

  it('step decay multiplies by gamma at each epoch milestone', () => {
    const c: LrScheduleConfig = { kind: 'step-decay', learningRate: 1, milestones: [2, 5], gamma: 0.1 };
    const rates = [0, 1, 2, 3, 4, 5, 9].map((epoch) => at(c, 999, epoch));
    expect(rates[0]).toBe(1);
    expect(rates[1]).toBe(1);
    expect(rates[2]).toBeCloseTo(0.1, 15);
    expect(rates[4]).toBeCloseTo(0.1, 15);
    expect(rates[5]).toBeCloseTo(0.01, 15);
    expect(rates[6]).toBeCloseTo(0.01, 15);
  });

  it('step decay can count optimiser steps', () => {
    const c: LrScheduleConfig = { kind: 'step-decay', learningRate: 2, milestones: [100], gamma: 0.5, unit: 'step' };
    expect([at(c, 99, 7), at(c, 100, 0)]).toEqual([2, 1]);
  });

  it('warm-up cosine: linear ramp, peak, half-way, floor', () => {
    const c: LrScheduleConfig = { kind: 'warmup-cosine', learningRate: 1, warmupSteps: 4, totalSteps: 14, minLearningRate: 0.1 };
    expect([0, 1, 2, 3].map((s) => at(c, s))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(at(c, 4)).toBeCloseTo(1, 15); // cosine starts at the peak
    expect(at(c, 9)).toBeCloseTo(0.55, 12); // half-way: min + (max - min) / 2
    expect(at(c, 14)).toBeCloseTo(0.1, 15);
    expect(at(c, 1000)).toBeCloseTo(0.1, 15);
    // strictly decreasing after the warm-up
    const tail = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((s) => at(c, s));
    for (let i = 1; i < tail.length; i += 1) expect(tail[i]).toBeLessThan(tail[i - 1] as number);
  });

  it('linear warm-up then constant', () => {
    const c: LrScheduleConfig = { kind: 'linear-warmup', learningRate: 0.3, warmupSteps: 3 };
    expectAllClose([0, 1, 2, 3, 50].map((s) => at(c, s)), [0.1, 0.2, 0.3, 0.3, 0.3], 15);
  });

  it('is a pure function of the position (serialisable config)', () => {
    const c: LrScheduleConfig = { kind: 'warmup-cosine', learningRate: 0.5, warmupSteps: 10, totalSteps: 100 };
    const copy = JSON.parse(JSON.stringify(c)) as LrScheduleConfig;
    for (const step of [0, 5, 10, 37, 99, 150]) expect(at(copy, step)).toBe(at(c, step));
  });
});

describe('validateSchedule', () => {
  it.each([
    [{ kind: 'step-decay', learningRate: 1, milestones: [3, 2], gamma: 0.1 }, 'schedule.milestones'],
    [{ kind: 'step-decay', learningRate: 1, milestones: [1], gamma: 0 }, 'schedule.gamma'],
    [{ kind: 'warmup-cosine', learningRate: 1, warmupSteps: 10, totalSteps: 5 }, 'schedule.totalSteps'],
    [{ kind: 'linear-warmup', learningRate: -1, warmupSteps: 1 }, 'schedule.learningRate'],
    [{ kind: 'cyclic', learningRate: 1 }, 'schedule.kind'],
  ])('rejects %j naming %s', (config, argument) => {
    const call = () => validateSchedule(config as LrScheduleConfig);
    expect(call).toThrow(TrainingError);
    expect(call).toThrow(argument);
  });
});
