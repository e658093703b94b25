import { describe, expect, it } from 'vitest';

import { peerRatios } from './peer-comparison.js';
import type { TorchPeerRecord } from './torch-peer.js';

describe('peerRatios', () => {
  it('divides every tfjs rate by every measured torch rate and marks the fastest torch', () => {
    const records: TorchPeerRecord[] = [
      { backend: 'torch', threads: 1, samplesPerSec: 20_000 },
      { backend: 'torch', threads: 2, samplesPerSec: 5_000 },
      { backend: 'torch', threads: 4, error: 'RuntimeError' },
    ];
    const ratios = peerRatios(
      [
        { backend: 'wasm', threads: 1, samplesPerSec: 10_000 },
        { backend: 'cpu', threads: 1, samplesPerSec: 1_000 },
      ],
      records,
    );
    expect(ratios.map((r) => [r.comparison, r.ratio, r.bestTorch])).toEqual([
      ['tfjs-wasm/torch-1t', 0.5, true],
      ['tfjs-wasm/torch-2t', 2, false],
      ['tfjs-cpu/torch-1t', 0.05, true],
      ['tfjs-cpu/torch-2t', 0.2, false],
    ]);
    expect(peerRatios([{ backend: 'wasm', threads: 1, samplesPerSec: 1 }], [{ backend: 'torch', threads: 1, error: 'x' }])).toEqual([]);
  });
});
