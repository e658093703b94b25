import { describe, expect, it } from 'vitest';

import { trainingHeadline, trainingRatios, type TfjsTokenRate } from './training-comparison.js';
import type { TorchGptRecord } from './torch-gpt-peer.js';

const TFJS: TfjsTokenRate[] = [
  { backend: 'wasm', mode: 'single', threads: 1, tokensPerSec: 2_000 },
  { backend: 'wasm', mode: 'data-parallel', threads: 2, tokensPerSec: 3_000 },
  { backend: 'cpu', mode: 'single', threads: 1, tokensPerSec: 40 },
];
const THREADED: TfjsTokenRate = { backend: 'wasm', mode: 'threaded', threads: 2, tokensPerSec: 4_000 };
const TORCH: TorchGptRecord[] = [
  { backend: 'torch', threads: 1, tokensPerSec: 8_000 },
  { backend: 'torch', threads: 2, tokensPerSec: 12_000 },
  { backend: 'torch', threads: 4, error: 'RuntimeError', tokensPerSec: 99_000 },
];

describe('trainingRatios', () => {
  it('divides every tfjs rate by the fastest torch thread count that measured', () => {
    expect(trainingRatios(TFJS, TORCH).map((r) => [r.comparison, r.ratio, r.torchThreads])).toEqual([
      ['tfjs-wasm-single/torch-best', 2_000 / 12_000, 2],
      ['tfjs-wasm-data-parallel/torch-best', 0.25, 2],
      ['tfjs-cpu-single/torch-best', 40 / 12_000, 2],
    ]);
    expect(trainingRatios(TFJS, [{ backend: 'torch', threads: 1, error: 'no torch' }])).toEqual([]);
  });
});

describe('trainingHeadline', () => {
  it('is the fastest wasm rate over the fastest torch rate', () => {
    expect(trainingHeadline(TFJS, TORCH)).toEqual({ ratio: 0.25, wasm: TFJS[1], torch: { threads: 2, tokensPerSec: 12_000 } });
    expect(trainingHeadline(TFJS.slice(2), TORCH)).toBeUndefined();
    // A faster threaded wasm measurement is the wasm side of the headline.
    expect(trainingHeadline([...TFJS, THREADED], TORCH)).toEqual({ ratio: 4_000 / 12_000, wasm: THREADED, torch: { threads: 2, tokensPerSec: 12_000 } });
    expect(trainingRatios([THREADED], TORCH)[0]).toMatchObject({ comparison: 'tfjs-wasm-threaded/torch-best', mode: 'threaded', threads: 2 });
    expect(trainingHeadline(TFJS, [])).toBeUndefined();
  });
});
