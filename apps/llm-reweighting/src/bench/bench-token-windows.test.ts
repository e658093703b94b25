import { describe, expect, it } from 'vitest';

import { benchTokenWindows } from './bench-token-windows.js';

describe('benchTokenWindows', () => {
  it('cuts rows whose targets are the inputs shifted by one, ids in the vocabulary, the same for the same seed', () => {
    const w = benchTokenWindows({ vocabularySize: 5, context: 4, rows: 3, seed: 7 });
    expect(w.count).toBe(3);
    expect(w.context).toBe(4);
    expect(w.inputs).toHaveLength(12);
    for (let r = 0; r < 3; r += 1) {
      expect(Array.from(w.inputs.subarray(r * 4 + 1, r * 4 + 4))).toEqual(Array.from(w.targets.subarray(r * 4, r * 4 + 3)));
    }
    expect([...w.inputs, ...w.targets].every((id) => id >= 0 && id < 5)).toBe(true);
    expect(new Set(w.targets).size).toBeGreaterThan(1);
    expect(benchTokenWindows({ vocabularySize: 5, context: 4, rows: 3, seed: 7 })).toEqual(w);
    expect(Array.from(benchTokenWindows({ vocabularySize: 5, context: 4, rows: 3, seed: 8 }).inputs)).not.toEqual(Array.from(w.inputs));
  });

  it('names a count that is not a positive integer', () => {
    expect(() => benchTokenWindows({ vocabularySize: 5, context: 0, rows: 3, seed: 1 })).toThrow(/^context: must be an integer >= 1, got 0$/);
    expect(() => benchTokenWindows({ vocabularySize: 5, context: 4, rows: 1.5, seed: 1 })).toThrow(/^rows: /);
  });
});
