import { describe, expect, it } from 'vitest';

import { TrainingError } from '../errors.js';
import { EarlyStopping, type EarlyStoppingState } from './early-stopping.js';

describe('EarlyStopping', () => {
  it('min mode: stops after `patience` epochs without improvement by more than minDelta', () => {
    const es = new EarlyStopping({ metric: 'validationLoss', patience: 2, minDelta: 0.01 });
    const values = [1.0, 0.8, 0.795, 0.7, 0.71, 0.695, 0.9];
    const decisions = values.map((v, epoch) => es.update(epoch, { validationLoss: v }));
    expect(decisions.map((d) => d.improved)).toEqual([true, true, false, true, false, false, false]);
    expect(decisions.map((d) => d.stop)).toEqual([false, false, false, false, false, true, true]);
    expect(es.bestEpoch).toBe(3);
    expect(es.bestValue).toBe(0.7);
  });

  it('max mode and NaN never improving', () => {
    const es = new EarlyStopping({ metric: 'auc', mode: 'max', patience: 1 });
    expect(es.update(0, { auc: 0.6 }).improved).toBe(true);
    expect(es.update(1, { auc: 0.7 }).improved).toBe(true);
    const nan = es.update(2, { auc: Number.NaN });
    expect(nan).toEqual({ improved: false, stop: true });
    expect(es.bestEpoch).toBe(1);
  });

  it('state round-trips through JSON and continues identically', () => {
    const config = { metric: 'loss', patience: 3 };
    const a = new EarlyStopping(config);
    for (const [epoch, loss] of [1, 0.5, 0.6].entries()) a.update(epoch, { loss });
    const b = new EarlyStopping(config, JSON.parse(JSON.stringify(a.getState())) as EarlyStoppingState);
    expect(b.getState()).toEqual(a.getState());
    expect(b.update(3, { loss: 0.7 })).toEqual(a.update(3, { loss: 0.7 }));
    expect(b.update(4, { loss: 0.55 })).toEqual({ improved: false, stop: true });
  });

  it('names a missing metric and bad options', () => {
    const es = new EarlyStopping({ metric: 'auc' });
    expect(() => es.update(0, { loss: 1 })).toThrow(/earlyStopping.metric.*"auc".*loss/);
    expect(() => new EarlyStopping({ metric: 'loss', patience: 0 })).toThrow('earlyStopping.patience');
    expect(() => new EarlyStopping({ metric: 'loss', minDelta: -1 })).toThrow(TrainingError);
  });
});
