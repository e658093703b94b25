import { ConfigError, SeededRandom } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { sampleWindows } from './sample-windows.js';
import { thrown } from './test-support/temp.js';

const STREAM = Int32Array.from({ length: 20 }, (_, i) => 100 + i);

describe('sampleWindows', () => {
  it('cuts rows x[i:i+T] with targets x[i+1:i+T+1] at random offsets within the stream', () => {
    const windows = sampleWindows(STREAM, { count: 50, context: 4, random: SeededRandom.fromSeed(1) });
    expect(windows.count).toBe(50);
    expect(windows.inputs).toHaveLength(200);
    const starts = new Set<number>();
    for (let r = 0; r < 50; r += 1) {
      const start = (windows.inputs[r * 4] ?? 0) - 100;
      starts.add(start);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start).toBeLessThanOrEqual(15);
      for (let t = 0; t < 4; t += 1) {
        expect(windows.inputs[r * 4 + t]).toBe(100 + start + t);
        expect(windows.targets[r * 4 + t]).toBe(100 + start + t + 1);
      }
    }
    expect(starts.has(0) && starts.has(15)).toBe(true);
  });

  it('gives the same windows for the same seed and different ones for another', () => {
    const draw = (seed: number) => sampleWindows(STREAM, { count: 8, context: 3, random: SeededRandom.fromSeed(seed) }).inputs;
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('names the split and both lengths when the stream is too short', () => {
    const error = thrown(() => sampleWindows(STREAM.subarray(0, 4), { count: 1, context: 4, random: SeededRandom.fromSeed(1), split: 'validation' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('the validation split has 4 tokens, fewer than context + 1 = 5');
    expect(thrown(() => sampleWindows(STREAM, { count: 0, context: 4, random: SeededRandom.fromSeed(1) })).message).toContain('count');
  });
});
