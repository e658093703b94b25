import { describe, expect, it } from 'vitest';

import type { PeerRecord } from '../peer-script.js';
import { checkedOneThreadRecord } from './peer-outcome.js';

const GOOD: PeerRecord = {
  backend: 'torch',
  threads: 1,
  repetitions: 2,
  stepsPerRepetition: 3,
  firstLoss: 2.5,
  lastLoss: 2.25,
  blas: ['/usr/lib/libopenblas.so.0'],
  env: { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', OPENBLAS_CORETYPE: null, OPENBLAS_L2_SIZE: null },
};
const measured = (record: PeerRecord) => ({ status: 'measured' as const, python: 'python3', torchVersion: '9.9', records: [record] });

describe('checkedOneThreadRecord', () => {
  it('returns a good one-thread record, and undefined for a peer unavailable for want of torch', () => {
    expect(checkedOneThreadRecord(measured(GOOD), { repetitions: 2, steps: 3 })).toBe(GOOD);
    expect(checkedOneThreadRecord({ status: 'unavailable', reason: 'no Python that can import torch' }, { repetitions: 2, steps: 3 })).toBeUndefined();
  });

  it('fails on an error, other timing, a non-finite loss, no BLAS list, other threads or an OpenBLAS override left set', () => {
    const timing = { repetitions: 2, steps: 3 };
    for (const bad of [
      { ...GOOD, error: 'RuntimeError: boom' },
      { ...GOOD, repetitions: 1 },
      { ...GOOD, lastLoss: Number.NaN },
      { ...GOOD, blas: undefined },
      { ...GOOD, env: { OMP_NUM_THREADS: '2', OPENBLAS_CORETYPE: null } },
      { ...GOOD, env: { OMP_NUM_THREADS: '1', OPENBLAS_CORETYPE: 'Haswell' } },
    ]) {
      expect(() => checkedOneThreadRecord(measured(bad), timing)).toThrow();
    }
    expect(() => checkedOneThreadRecord({ status: 'unavailable', reason: 'disk full' }, timing)).toThrow();
  });
});
