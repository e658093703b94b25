import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { ConfigError } from '../errors.js';
import { SeededRandom } from '../random.js';
import { useBackend } from './test-support/backends.js';
import { VariableBuilder } from './variable-builder.js';

beforeAll(() => useBackend('cpu'));

function build(seed: number): { builder: VariableBuilder; values: Record<string, Float32Array> } {
  const builder = new VariableBuilder(SeededRandom.fromSeed(seed, 'init'));
  builder.glorotUniform('k', [30, 20], 30, 20);
  builder.normal('e', [500], 0.02);
  builder.uniform('u', [400], -3, -1);
  builder.constant('b', [4], 0.5);
  const values = Object.fromEntries(Object.entries(builder.variables).map(([name, v]) => [name, v.dataSync() as Float32Array]));
  return { builder, values };
}

describe('VariableBuilder', () => {
  it('draws each initialiser from its stated distribution, in creation order, under the given names', () => {
    const { builder, values } = build(7);
    expect(Object.keys(builder.variables)).toEqual(['k', 'e', 'u', 'b']);
    expect(builder.variables['k']?.shape).toEqual([30, 20]);
    expect(builder.variables['k']?.trainable).toBe(true);
    // Glorot uniform limit √(6 / (30 + 20)) = 0.3464…: every value inside, and the extremes close to it.
    const limit = Math.sqrt(6 / 50);
    const k = Array.from(values['k'] ?? []);
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...k)).toBeGreaterThan(0.95 * limit);
    expect(Math.min(...k)).toBeLessThan(-0.95 * limit);
    // Normal(0, 0.02): sample std within 15 % of 0.02 over 500 draws.
    const e = Array.from(values['e'] ?? []);
    const mean = e.reduce((a, b) => a + b, 0) / e.length;
    const std = Math.sqrt(e.reduce((a, b) => a + (b - mean) ** 2, 0) / (e.length - 1));
    expect(std).toBeGreaterThan(0.017);
    expect(std).toBeLessThan(0.023);
    const u = Array.from(values['u'] ?? []);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...u)).toBeLessThan(-1);
    expect(Array.from(values['b'] ?? [])).toEqual([0.5, 0.5, 0.5, 0.5]);
    builder.dispose();
  });

  it('gives bitwise the same weights for the same seed and different ones for another seed', () => {
    const a = build(7);
    const b = build(7);
    const c = build(8);
    for (const name of ['k', 'e', 'u']) {
      expect(a.values[name]).toEqual(b.values[name]);
      expect(a.values[name]).not.toEqual(c.values[name]);
    }
    for (const run of [a, b, c]) run.builder.dispose();
  });

  it('refuses a name twice, naming it, and dispose releases every variable it built', () => {
    const before = tf.memory().numTensors;
    const builder = new VariableBuilder(SeededRandom.fromSeed(1));
    builder.constant('w', [2], 0);
    expect(() => builder.constant('w', [2], 1)).toThrow(ConfigError);
    expect(() => builder.normal('w', [2], 1)).toThrow('w: variable is created twice');
    expect(tf.memory().numTensors).toBe(before + 1);
    builder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
