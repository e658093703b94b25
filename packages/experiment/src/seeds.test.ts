import { ConfigError, deriveSeed } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { consecutiveSeeds, derivedSeeds, trainingSeeds } from './seeds.js';

describe('trainingSeeds', () => {
  it('derives one seed per repetition with runtime deriveSeed by default, or base + k when the app asks', () => {
    expect(trainingSeeds(7, 3)).toEqual([deriveSeed(7, 'run', 0), deriveSeed(7, 'run', 1), deriveSeed(7, 'run', 2)]);
    expect(trainingSeeds(7, 3, derivedSeeds)).toEqual(trainingSeeds(7, 3));
    expect(new Set(trainingSeeds(0, 5)).size).toBe(5);
    expect(trainingSeeds(5, 3, consecutiveSeeds)).toEqual([5, 6, 7]);
  });

  it('names the flag of a bad base or count', () => {
    expect(() => trainingSeeds(-1, 2)).toThrow(ConfigError);
    expect(() => trainingSeeds(1.5, 2)).toThrow(/^--seed: must be an integer >= 0, got 1.5$/);
    expect(() => trainingSeeds(0, 0)).toThrow(/^--seeds: must be an integer >= 1, got 0$/);
  });
});
