import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { GenerationState } from './generation-state.js';

describe('GenerationState', () => {
  it('gives windows cropped to the context, appends the sampled token and checks the logits width', () => {
    const state = new GenerationState({ vocabularySize: 4, context: 3 }, [0, 1], { maxNewTokens: 3, temperature: 0, seed: 0 });
    const windows: number[][] = [];
    while (!state.done) {
      windows.push(Array.from(state.window()));
      expect(state.append([0, 0, 0, 1])).toBe(3);
    }
    expect(Array.from(state.sequence)).toEqual([0, 1, 3, 3, 3]);
    expect(windows).toEqual([[0, 1], [0, 1, 3], [1, 3, 3]]);
    expect(() => state.append([0, 0, 0, 1])).toThrow('append: all 3 new tokens are generated');
    const other = new GenerationState({ vocabularySize: 4, context: 3 }, [0], { maxNewTokens: 1, temperature: 0, seed: 0 });
    expect(() => other.append([0, 1])).toThrow('logits: has 2 values, the vocabulary 4');
  });
});

describe('GenerationState (checks)', () => {
  it('rejects an empty prompt, ids outside the vocabulary and bad options, naming the argument', () => {
    const shape = { vocabularySize: 4, context: 3 };
    expect(() => new GenerationState(shape, [], { maxNewTokens: 1, temperature: 0, seed: 0 })).toThrow('promptIds: is empty');
    expect(() => new GenerationState(shape, [1, -1], { maxNewTokens: 1, temperature: 0, seed: 0 })).toThrow('promptIds: token 1 is -1');
    expect(() => new GenerationState(shape, [1], { maxNewTokens: 1.5, temperature: 0, seed: 0 })).toThrow(ConfigError);
  });

  it('samples with its seed: the same seed gives the same sequence', () => {
    const run = (seed: number): number[] => {
      const state = new GenerationState({ vocabularySize: 5, context: 2 }, [0], { maxNewTokens: 30, temperature: 1, seed });
      while (!state.done) state.append([0.1, 0.2, 0.3, 0.4, 0.5]);
      return Array.from(state.sequence);
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });
});
