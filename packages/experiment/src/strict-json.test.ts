import { describe, expect, it } from 'vitest';

import { RunFileError } from './run-file-error.js';
import { strictJsonStringify } from './strict-json.js';

function errorOf(fn: () => unknown): RunFileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RunFileError) return error;
    throw error;
  }
  throw new Error('expected a RunFileError');
}

describe('strictJsonStringify', () => {
  it('writes plain values exactly like JSON.stringify with 2-space indent and a newline', () => {
    const value = { name: 'run', epochs: 3, ok: true, none: null, history: [{ loss: 0.5 }, { loss: 0.25 }], nested: { a: [1, 'two'] } };
    expect(strictJsonStringify(value)).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it('refuses non-finite numbers and names the key path', () => {
    const nan = errorOf(() => strictJsonStringify({ history: [{ loss: 1 }, { loss: 2 }, { loss: Number.NaN }] }, { file: 'm.json' }));
    expect(nan.keyPath).toBe('$.history[2].loss');
    expect(nan.file).toBe('m.json');
    expect(nan.message).toMatch(/^m\.json: \$\.history\[2\]\.loss: NaN is not valid JSON/);
    expect(errorOf(() => strictJsonStringify({ 'val loss': Infinity })).keyPath).toBe('$["val loss"]');
    expect(errorOf(() => strictJsonStringify([-Infinity])).keyPath).toBe('$[0]');
    expect(errorOf(() => strictJsonStringify({ w: new Float32Array([1, Number.NaN]) })).keyPath).toBe('$.w[1]');
  });

  it('refuses values JSON.stringify would change silently', () => {
    expect(errorOf(() => strictJsonStringify({ a: [1, undefined] })).keyPath).toBe('$.a[1]');
    expect(errorOf(() => strictJsonStringify({ m: new Map([['a', 1]]) })).message).toContain('would be written as {}');
    expect(errorOf(() => strictJsonStringify({ s: new Set([1]) })).keyPath).toBe('$.s');
    expect(errorOf(() => strictJsonStringify({ n: 10n })).message).toContain('BigInt');
    expect(errorOf(() => strictJsonStringify({ f: () => 1 }, {})).keyPath).toBe('$.f');
    expect(errorOf(() => strictJsonStringify(undefined)).keyPath).toBe('$');
    const cycle: Record<string, unknown> = { a: 1 };
    cycle['self'] = { back: cycle };
    expect(errorOf(() => strictJsonStringify(cycle)).message).toContain('$.self.back: circular reference');
  });

  it('omits undefined properties, expands typed arrays and uses toJSON', () => {
    const when = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
    const text = strictJsonStringify({ lr: undefined, weights: new Float64Array([0.5, 2]), counts: new Int32Array([3]), when });
    expect(JSON.parse(text)).toEqual({ weights: [0.5, 2], counts: [3], when: '2025-01-02T03:04:05.000Z' });
    // The same object twice (not a cycle) is fine.
    const shared = { x: 1 };
    expect(JSON.parse(strictJsonStringify({ a: shared, b: shared }))).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });
});
