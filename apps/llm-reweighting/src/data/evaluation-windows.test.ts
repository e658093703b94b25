import { ConfigError } from '@counterweight/runtime';
import { describe, expect, it } from 'vitest';

import { evaluationWindows } from './evaluation-windows.js';
import { thrown } from './test-support/temp.js';

const STREAM = Int32Array.from({ length: 20 }, (_, i) => 100 + i);

describe('evaluationWindows', () => {
  it('covers the stream with non-overlapping windows', () => {
    const windows = evaluationWindows(STREAM, 6);
    expect(windows.count).toBe(3);
    expect([...windows.inputs]).toEqual([...STREAM.subarray(0, 18)]);
    expect([...windows.targets]).toEqual([...STREAM.subarray(1, 19)]);
  });

  it('takes maxWindows evenly spaced windows when asked for fewer', () => {
    const windows = evaluationWindows(STREAM, 2, 3);
    expect(windows.count).toBe(3);
    expect([windows.inputs[0], windows.inputs[2], windows.inputs[4]]).toEqual([100, 106, 112]);
  });

  it('names the split and both lengths when the stream is too short', () => {
    const error = thrown(() => evaluationWindows(STREAM, 20, undefined, 'validation'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('the validation split has 20 tokens, fewer than context + 1 = 21');
    expect(thrown(() => evaluationWindows(STREAM, 2, 0)).message).toContain('maxWindows');
  });
});
