import { createObjective } from '../objectives/index.js';
import { initBackend, withExtras } from '@counterweight/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { measureLossGradientTimes } from './loss-gradient-time.js';

describe('measureLossGradientTimes', () => {
  it('times every loss with its gradient on the same logits, interleaved, and leaks nothing', async () => {
    await initBackend('wasm', { log: null });
    let uniformCalls = 0;
    const uniform = createObjective('uniform').loss(0);
    const counted = withExtras({ lossName: 'counted', extras: [] }, (inputs): tf.Scalar => {
      uniformCalls += 1;
      expect(inputs.predictions.shape).toEqual([3, 5, 7]);
      expect(inputs.targets.shape).toEqual([3, 5]);
      return uniform(inputs);
    });
    const before = tf.memory().numTensors;
    const t = measureLossGradientTimes({ losses: { uniform: counted, linupper: createObjective('linupper').loss(0) }, batchSize: 3, context: 5, vocabularySize: 7, repetitions: 3, calls: 4, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(t.milliseconds)).toEqual(['uniform', 'linupper']);
    expect(Object.values(t.milliseconds).every((ms) => ms > 0)).toBe(true);
    expect(t).toMatchObject({ repetitions: 3, calls: 4 });
    // One untimed and three timed repetitions of four calls.
    expect(uniformCalls).toBe(16);
  });

  it('names a bad count and an empty loss list', () => {
    expect(() => measureLossGradientTimes({ losses: {}, batchSize: 1, context: 1, vocabularySize: 2, repetitions: 1, seed: 1 })).toThrow(/^losses: /);
    expect(() => measureLossGradientTimes({ losses: { u: createObjective('uniform').loss(0) }, batchSize: 1, context: 1, vocabularySize: 2, repetitions: 1, calls: 0, seed: 1 })).toThrow(
      /^calls: must be an integer >= 1, got 0$/,
    );
  });
});
