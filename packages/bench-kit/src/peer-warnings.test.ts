import { describe, expect, it } from 'vitest';

import type { PeerRecord } from './peer-script.js';
import { peerWarnings } from './peer-warnings.js';

const OPENBLAS = ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'];

describe('peerWarnings', () => {
  it('flags a thread count more than 2× slower than one thread, not one merely slower', () => {
    const records: PeerRecord[] = [
      { backend: 'torch', threads: 1, samplesPerSec: 100_000 },
      { backend: 'torch', threads: 2, samplesPerSec: 6_000 },
      { backend: 'torch', threads: 4, samplesPerSec: 60_000 },
    ];
    expect(peerWarnings(records, 0)).toEqual([
      'torch with 2 threads ran 16.7× slower than with 1: its threads waited for busy cores (a shared machine), so that figure measures the load',
    ]);
  });

  it('is empty for an OpenBLAS peer without overrides and the same parameter count', () => {
    const ok: PeerRecord = { backend: 'torch', threads: 1, samplesPerSec: 1, parameterCount: 100, blas: OPENBLAS, env: { OPENBLAS_NUM_THREADS: '1', OPENBLAS_CORETYPE: null } };
    expect(peerWarnings([ok], 100)).toEqual([]);
  });

  it('names a reference BLAS, a leftover OpenBLAS override and a different parameter count', () => {
    const bad: PeerRecord = {
      backend: 'torch',
      threads: 2,
      samplesPerSec: 1,
      parameterCount: 99,
      blas: ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0'],
      env: { OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: null },
    };
    expect(peerWarnings([bad], 100)).toEqual([
      'torch runs on the reference BLAS (/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0): install OpenBLAS (Debian: libopenblas0-pthread) for a fair peer',
      'torch (2 threads) ran with OPENBLAS_CORETYPE=Haswell set',
      'torch (2 threads) trained 99 parameters, the tfjs model has 100',
    ]);
  });

  it('reads the rate field it is told to', () => {
    const records: PeerRecord[] = [
      { backend: 'torch', threads: 1, tokensPerSec: 3_000, samplesPerSec: 1 },
      { backend: 'torch', threads: 2, tokensPerSec: 1_000, samplesPerSec: 1 },
    ];
    expect(peerWarnings(records, 0)).toEqual([]);
    expect(peerWarnings(records, 0, 'tokensPerSec')).toEqual([
      'torch with 2 threads ran 3.0× slower than with 1: its threads waited for busy cores (a shared machine), so that figure measures the load',
    ]);
  });
});
