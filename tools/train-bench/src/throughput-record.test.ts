import { beforeAll, describe, expect, it } from 'vitest';

import { gptWorkload } from './gpt.js';
import { mlpWorkload } from './mlp.js';
import { useBackend } from './test-support/backends.js';
import { roundRate, roundTo, throughputRecord } from './throughput-record.js';

const SAMPLE = { samplesPerSec: 1234.567, stepMs: 25.9234, repetitions: 3, spread: 0.12345, firstLoss: 0.693147, lastLoss: 0.512345 };

describe('roundRate / roundTo', () => {
  it('keeps whole rates from 100 up and two decimals below', () => {
    expect(roundRate(1234.567)).toBe(1235);
    expect(roundRate(99.996)).toBe(100);
    expect(roundRate(0.8349)).toBe(0.83);
    expect(roundTo(0.12345, 3)).toBe(0.123);
  });
});

describe('throughputRecord', () => {
  beforeAll(() => useBackend('cpu'));

  it('labels the mode and thread count, and adds tokens/s only for sequence workloads', () => {
    const mlp = mlpWorkload({ seed: 1, batchSize: 8, batches: 2 });
    const record = throughputRecord(mlp, 'wasm', 2, 'sigmoidCrossEntropy', SAMPLE, 'threaded');
    mlp.dispose();
    expect(record).toEqual({
      workload: 'mlp',
      backend: 'wasm',
      threads: 2,
      mode: 'threaded',
      loss: 'sigmoidCrossEntropy',
      batchSize: 8,
      samplesPerSec: 1235,
      stepMs: 25.92,
      repetitions: 3,
      batchesPerEpoch: 2,
      spread: 0.123,
      firstLoss: 0.6931,
      lastLoss: 0.5123,
    });
    const gpt = gptWorkload({ seed: 1, batchSize: 2, batches: 1, context: 8, blocks: 1 });
    const sequences = throughputRecord(gpt, 'cpu', 1, 'softmaxCrossEntropy', SAMPLE);
    gpt.dispose();
    // 1,234.567 sequences/s of 8 tokens: 9,876.536 tokens/s.
    expect(sequences).toMatchObject({ mode: 'single', tokensPerSec: 9877 });
  });
});
