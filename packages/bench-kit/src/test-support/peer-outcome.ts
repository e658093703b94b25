import { expect } from 'vitest';

import type { PeerOutcome, PeerRecord } from '../peer-script.js';

/**
 * Checks the record a real one-thread run of a single-run peer script (python/peer_support.py `run_single_peer`)
 * prints: no `error`, `threads` 1, `repetitions` and `stepsPerRepetition` as asked, finite `firstLoss`/`lastLoss`,
 * a `blas` list, and `env` with `OMP_NUM_THREADS` "1" and `OPENBLAS_CORETYPE` removed (null).
 * @returns that record for the caller's own checks, or undefined when the peer is unavailable, after checking that
 *   the reason names torch (a machine without a Python that imports torch).
 */
export function checkedOneThreadRecord<R extends PeerRecord>(outcome: PeerOutcome<R>, timing: { readonly repetitions: number; readonly steps: number }): R | undefined {
  if (outcome.status === 'unavailable') {
    expect(outcome.reason).toMatch(/torch/);
    return undefined;
  }
  const record = outcome.records[0];
  expect(record?.error).toBeUndefined();
  expect(record).toMatchObject({ backend: 'torch', threads: 1, repetitions: timing.repetitions, stepsPerRepetition: timing.steps });
  expect(Number.isFinite(record?.['firstLoss']) && Number.isFinite(record?.['lastLoss'])).toBe(true);
  expect(Array.isArray(record?.['blas'])).toBe(true);
  expect(record?.['env']).toMatchObject({ OMP_NUM_THREADS: '1', OPENBLAS_CORETYPE: null });
  return record;
}
